"""The copied events: data stays text in the HTML table and cannot become a spreadsheet formula."""

from __future__ import annotations

from viewer.store.dates import parse_date
from viewer.store.model import Body, Event, Participation
from viewer.ui.clipboard import copied_events

HOSTILE = '<script>alert(1)</script><b onmouseover="x">&amp;'


def test_hostile_text_is_escaped_in_the_table_and_guarded_as_a_formula() -> None:
    event = Event("=cmd|'/c calc'!A1", HOSTILE, parse_date("2023-06-15"), location="+1\tdrop\nrow",
                  bodies=(Participation("b"),))
    copied = copied_events([event], {"b": Body("b", "@SUM(1)")})
    assert "<script>" not in copied.html and "<b " not in copied.html and "&lt;script&gt;" in copied.html
    row = copied.tsv.splitlines()[1].split("\t")
    assert len(row) == 8  # a tab or a line break in the data splits no cell
    assert row[3] == "'@SUM(1)" and row[4] == "'+1 drop row" and row[7] == "'=cmd|'/c calc'!A1"
    assert "&#x27;=cmd" in copied.html and "&#x27;@SUM(1)" in copied.html
    assert copied.plain == f"15 June 2023 — {HOSTILE} (+1 drop row; @SUM(1))\n"  # plain text is only text

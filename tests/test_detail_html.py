"""The details pane's HTML: data is shown as text, and only web links are links."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument

from viewer.formatting import is_web_link
from viewer.store.dates import parse_date
from viewer.store.model import Body, Event, Participation, Source
from viewer.store.reader import BodyContext, EventStore
from viewer.ui.detail_html import body_html, event_html, events_html

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:evil()">click</a> & "quotes"'


def _rendered(markup: str) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(markup)
    return document


def _anchors(markup: str) -> list[str]:
    document = _rendered(markup)
    found = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isAnchor():
                found.append(fragment.charFormat().anchorHref())
            iterator += 1
        block = block.next()
    return found


def _hostile_event() -> Event:
    return Event(
        id="x<y>",
        title=HOSTILE,
        start=parse_date("2023-06-15"),
        location=HOSTILE,
        summary="line one\nline two " + HOSTILE,
        description="\u202eevil RTL\u202c and 🛰️",
        bodies=(Participation("b<1>", "<i>host</i>"),),
        tags=("<b>tag</b>",),
        sources=(
            Source("javascript:alert(1)", "js link"),
            Source("file:///etc/passwd", "file link"),
            Source("https://www.nato.int/cps/en/natohq/news_215689.htm", "NATO <news>", "NATO", "2023-06-14"),
            Source("data:text/html,<b>x</b>"),
        ),
    )


def test_markup_in_data_is_shown_as_text(qapp) -> None:
    markup = event_html(_hostile_event(), [], {"b<1>": Body("b<1>", HOSTILE, "<ACR>")})
    text = _rendered(markup).toPlainText()
    assert HOSTILE in text  # shown literally, every time it occurs
    assert "<i>host</i>" in text and "<b>tag</b>" in text and "\u202eevil RTL" in text
    assert "line one\nline two" in text or "line one\u2028line two" in text


def test_only_http_and_https_sources_are_links(qapp) -> None:
    anchors = _anchors(event_html(_hostile_event(), [], {}))
    assert "https://www.nato.int/cps/en/natohq/news_215689.htm" in anchors
    assert not [a for a in anchors if a.startswith(("javascript:", "file:", "data:"))]
    assert [a for a in anchors if a.startswith("body:")] == ["body:b%3C1%3E"]
    text = _rendered(event_html(_hostile_event(), [], {})).toPlainText()
    assert "javascript:alert(1)" in text and "file:///etc/passwd" in text  # shown, not linked


def test_is_web_link() -> None:
    assert is_web_link("https://example.org/a") and is_web_link("HTTP://example.org")
    for url in ("javascript:alert(1)", "file:///etc/passwd", "//example.org", "https://", "mailto:a@b", "", None):
        assert not is_web_link(url)


def test_the_june_ministerial_lists_vilnius_under_prepares(sample_db: Path, qapp) -> None:
    with EventStore(sample_db) as store:
        event = store.event("dmm-2023-06")
        text = _rendered(event_html(event, store.related(event.id), {})).toPlainText()
    assert "Prepares:\nNATO Vilnius Summit (11–12 July 2023) — Last defence ministerial before the summit" in text
    assert "Part of" not in text and "Includes:" in text


def test_several_events_and_a_body(sample_db: Path, qapp) -> None:
    with EventStore(sample_db) as store:
        events = store.events()
        commission = store.body("nato-ukraine-commission")
        context = store.body_context(commission)
    text = _rendered(events_html(events, len(events))).toPlainText()
    assert text.startswith("25 events selected\n4 September 2014 – May 2024\n4–5 September 2014: NATO Wales Summit")
    text = _rendered(body_html(commission, context)).toPlainText()
    assert "Replaced by\nNATO-Ukraine Council (NUC)" in text
    assert "Founded\n1997" in text and "Dissolved\n2023-07" in text
    assert "Part of\nNorth Atlantic Treaty Organization (NATO)" in text
    assert isinstance(context, BodyContext) and context.event_count == 1


def test_long_fields_are_shown_whole_unless_they_would_freeze_the_pane(qapp) -> None:
    from viewer.ui.detail_html import MAX_UNBROKEN_TEXT, text

    prose = "word " * 20_000  # 100,000 characters with spaces: shown whole
    assert "more characters" not in text(prose) and len(text(prose)) >= 100_000
    unbroken = "A" * 100_000  # no spaces: Qt would take seconds to lay it out
    assert text(unbroken).startswith("A" * MAX_UNBROKEN_TEXT) and "80,000 more characters" in text(unbroken)


def test_place_earlier_dates_other_fields_and_provenance_are_shown_as_text() -> None:
    from viewer.store.model import EarlierDates
    from viewer.store.reader import Provenance

    event = Event(
        id="clash", title="Armed clash in Bakhmut", start=parse_date("2023-06-15"), latitude=48.5956, longitude=-0.5,
        sources=(Source(None, None, "Kyiv Independent"), Source(None, HOSTILE, None)),
        fields=(("fatalities", "3"), (HOSTILE, HOSTILE)),
        history=(EarlierDates("2023-06-14", None, "day", None, False, "2026-12-02T21:40", "week1.json"),),
    )
    origin = Provenance("week2.csv", "acled", "2026-12-02T21:45:03Z", "line 17")
    markup = event_html(event, [], {}, provenance=origin)
    shown = _rendered(markup).toPlainText()
    assert "48.5956° N, 0.5000° W" in shown
    assert "14 June 2023 (until 2 December 2026, 21:40 UTC; from week1.json)" in shown
    assert "Kyiv Independent" in shown and "fatalities" in shown and HOSTILE in shown
    assert "From week2.csv (ACLED export), line 17; imported 2 December 2026, 21:45 UTC" in shown
    # The only link besides none from the data: the map of the place, made from its numbers.
    assert _anchors(markup) == ["https://www.openstreetmap.org/?mlat=48.59560&mlon=-0.50000#map=12/48.59560/-0.50000"]

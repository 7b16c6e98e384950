"""Live facet counts: each body, kind and tag counts the events passing every other part of the filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import open_window
from filter_cases import FILTERS, brute_force
from PySide6.QtCore import Qt

from viewer.store.masks import facet_counts, search_only
from viewer.store.reader import EventStore
from viewer.timeline_source import load_timeline_data
from viewer.ui.main_window import MainWindow


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_facet_counts_match_a_plain_count_with_that_facet_alone(sample_db: Path, name: str) -> None:
    chosen = FILTERS[name]
    with EventStore(sample_db) as store:
        events = store.events()
        index = load_timeline_data(store).index
        seqs = store.event_seqs(search_only(chosen)) if chosen.fts_query() is not None else None
    counts = facet_counts(index, chosen, seqs)
    for kind in index.kinds:
        assert counts.kinds[kind] == len(brute_force(events, chosen.with_changes(kinds=frozenset({kind})))), kind
    for body in index.body_members:
        assert counts.bodies[body] == len(brute_force(events, chosen.with_changes(bodies=frozenset({body})))), body
    for tag in index.tag_members:
        assert counts.tags[tag] == len(brute_force(events, chosen.with_changes(tags=frozenset({tag})))), tag


def _shown_counts(window: MainWindow) -> dict[str, int]:
    filters = window.filters
    found = {}
    for widget, prefix in ((filters.kinds, "kind:"), (filters.tags, "tag:")):
        for row in range(widget.count()):
            item = widget.item(row)
            found[prefix + item.data(Qt.ItemDataRole.UserRole)] = int(
                re.search(r"\(([\d,]+)\)$", item.text()).group(1).replace(",", "")
            )
    model = filters.body_model
    for body_id in ("nato", "north-atlantic-council", "lithuania", "sweden"):
        at = model.index_of(body_id)
        found["body:" + body_id] = int(model.index(at.row(), 1, at.parent()).data().replace(",", ""))
    return found


def _expected(window: MainWindow, sample_db: Path) -> dict[str, int]:
    chosen = window.filters.current_filter()
    with EventStore(sample_db) as store:
        events = store.events()
    expected = {}
    for key in _shown_counts(window):
        facet, value = key.split(":", 1)
        narrowed = chosen.with_changes(**{f"{facet}s" if facet != "body" else "bodies": frozenset({value})})
        expected[key] = len(brute_force(events, narrowed))
    return expected


def test_the_filters_pane_counts_follow_the_other_filters(qtbot, isolated_settings, sample_db: Path) -> None:
    window = open_window(qtbot, sample_db)
    filters = window.filters
    totals = _shown_counts(window)
    assert totals == _expected(window, sample_db)
    with qtbot.waitSignal(window.filter_applied, timeout=5_000):
        filters.set_search("Vilnius")
    searched = _shown_counts(window)
    assert searched == _expected(window, sample_db) and searched != totals
    shown = int(window.status.count_label.text().split()[1])
    assert sum(v for k, v in searched.items() if k.startswith("kind:")) == shown  # one kind each
    # Ticking a kind leaves the kinds' counts as they were (each says what it would show) and
    # narrows the others.
    with qtbot.waitSignal(window.filter_applied, timeout=5_000):
        filters.check_items(filters.kinds, ["summit"])
    ticked = _shown_counts(window)
    assert ticked == _expected(window, sample_db)
    assert {k: v for k, v in ticked.items() if k.startswith("kind:")} == {
        k: v for k, v in searched.items() if k.startswith("kind:")
    }
    assert ticked != searched
    with qtbot.waitSignal(window.filter_applied, timeout=5_000):
        filters.clear()
    assert _shown_counts(window) == totals

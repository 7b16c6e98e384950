"""The analyst's judgement in the window: grades shown and filtered, stars and notes kept beside
the file (never in it), saved views gone back to, and a damaged workspace left as it is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import file_state, open_window
from PySide6.QtWidgets import QDialogButtonBox

from viewer.store.filters import EventFilter
from viewer.store.reader import EventStore
from viewer.store.workspace import load_workspace, workspace_path
from viewer.ui.actions import ActionId
from viewer.ui.event_table import COLUMNS


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "events.db"
    shutil.copyfile(sample_db, copy)
    return copy


@pytest.fixture
def window(qtbot, isolated_settings, db: Path):
    return open_window(qtbot, db)


def _select(qtbot, window, event_id: str) -> None:
    window.state.select_ids([event_id])
    qtbot.waitUntil(lambda: window.state.selected_ids() == [event_id])


def test_a_star_and_a_note_are_kept_beside_the_file_and_shown(qtbot, window, db: Path) -> None:
    before = file_state(db)
    _select(qtbot, window, "dmm-2023-06")
    window.actions[ActionId.STAR].trigger()
    assert load_workspace(db).annotation("dmm-2023-06").starred
    assert "★" in window.details.toPlainText()
    model = window.table.model()
    row = int(model.rows_of(window.state.selected_positions())[0])
    assert model.data(model.index(row, COLUMNS.index("Yours"))) == "★"
    window.actions[ActionId.ANNOTATE].trigger()
    dialog = window.annotation_dialog
    assert dialog.starred.isChecked()
    dialog.note.setPlainText("Check the <b>communiqué</b> wording")
    dialog.tags.setText("follow-up, vilnius")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    saved = load_workspace(db).annotation("dmm-2023-06")
    assert (saved.note, saved.tags) == ("Check the <b>communiqué</b> wording", ("follow-up", "vilnius"))
    shown = window.details.toPlainText()
    assert "Your note: Check the <b>communiqué</b> wording" in shown  # as text, never markup
    assert "Your tags: follow-up, vilnius" in shown
    assert file_state(db) == before  # the database is never written
    window.filters.judgement.noted.setChecked(True)
    qtbot.waitUntil(lambda: window.visible_count() == 1)
    window.actions[ActionId.STAR].trigger()  # the star comes off; the note stays
    assert not load_workspace(db).annotation("dmm-2023-06").starred
    assert model.data(model.index(0, COLUMNS.index("Yours"))) == "✎"


def test_grades_are_shown_and_filtered(qtbot, window, db: Path) -> None:
    _select(qtbot, window, "npg-2023-06")
    qtbot.waitUntil(lambda: "Grade" in window.details.toPlainText())
    with EventStore(db) as store:
        npg = store.event("npg-2023-06")
        expected = {credibility: store.count(EventFilter.build(min_credibility=credibility))
                    for credibility in ("1", "2")}
    assert f"{npg.credibility} — " in window.details.toPlainText() or npg.credibility in window.details.toPlainText()
    combo = window.filters.judgement.min_credibility
    combo.setCurrentIndex(combo.findData("1"))
    qtbot.waitUntil(lambda: window.visible_count() == expected["1"])
    combo.setCurrentIndex(combo.findData("2"))
    qtbot.waitUntil(lambda: window.visible_count() == expected["2"])
    assert 0 < expected["1"] < expected["2"] < 25
    assert window.state.event_filter.min_credibility == "2"
    tip = window.details.describe_event(window.state.data.position_of("npg-2023-06"))
    assert "Grade " in tip


def test_a_saved_view_comes_back_with_its_filter_lanes_and_selection(qtbot, window, db: Path) -> None:
    window.filters.set_search("Vilnius")
    qtbot.waitUntil(lambda: window.state.event_filter.search == "Vilnius" and not window.state.searching)
    _select(qtbot, window, "vilnius-summit-2023")
    window.actions[ActionId.LANES_BY_KIND].trigger()
    assert window.save_view("Vilnius & after")
    views = load_workspace(db).views
    assert list(views) == ["Vilnius & after"] and views["Vilnius & after"].lanes == "kind"
    window.filters.clear()
    window.actions[ActionId.LANES_BY_BODY].trigger()
    qtbot.waitUntil(lambda: window.state.event_filter.search == "")
    window.views_menu.refill()
    action = window.views_menu.view_actions["Vilnius & after"]
    assert action.text().startswith("&1 Vilnius && after")  # the name's own & is text, not a mnemonic
    with EventStore(db) as store:
        count = store.count(EventFilter.build(search="Vilnius"))
    qtbot.waitUntil(lambda: action.text().endswith(f"({count} events)"), timeout=10_000)
    action.trigger()
    qtbot.waitUntil(lambda: window.state.event_filter.search == "Vilnius" and not window.state.searching)
    assert window.filters.search.text() == "Vilnius"
    assert window.state.selected_ids() == ["vilnius-summit-2023"]
    assert window.timeline.lane_mode().value == "kind"
    assert window.visible_count() == count


def test_a_damaged_workspace_is_left_as_it_is_and_annotating_is_off(qtbot, isolated_settings, db: Path) -> None:
    path = workspace_path(db)
    text = json.dumps({"format": "defence-timeline-workspace", "version": 9, "annotations": {}})
    path.write_text(text, encoding="utf-8")
    window = open_window(qtbot, db)
    _select(qtbot, window, "dmm-2023-06")
    assert not window.actions[ActionId.STAR].isEnabled()
    assert not window.actions[ActionId.SAVE_VIEW].isEnabled()
    assert "newer Defence Timeline" in window.status.file_state.text()
    window.toggle_star()  # even asked directly, nothing is written
    assert path.read_text(encoding="utf-8") == text


def test_the_link_confidence_filter_hides_the_links_less_sure(qtbot, window) -> None:
    _select(qtbot, window, "dmm-2023-06")
    drawn = {(a, b) for a, b, _label in window.timeline.drawn_links()}
    assert ("udcg-13-2023-06-15", "dmm-2023-06") in drawn  # a probable link of the sample
    combo = window.filters.judgement.link_confidence
    combo.setCurrentIndex(combo.findData("confirmed"))
    qtbot.waitUntil(lambda: window.state.event_filter.link_confidence is not None)
    kept = {(a, b) for a, b, _label in window.timeline.drawn_links()}
    assert ("udcg-13-2023-06-15", "dmm-2023-06") not in kept and ("npg-2023-06", "dmm-2023-06") in kept
    assert window.visible_count() == 25  # every event stays

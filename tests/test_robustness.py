"""Hostile files and text in the window: clear messages, nothing altered, content shown as text."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import file_state, minimal_document, write_json
from PySide6.QtCore import QTimer, QUrl

from viewer.cli import main as cli
from viewer.store.dates import parse_date
from viewer.store.importer import import_files
from viewer.ui.main_window import MainWindow


def _window_on(qtbot, path: Path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.dataset_opened, timeout=20_000):
        window.open_path(path)
    return window


@pytest.fixture
def window(qtbot, isolated_settings, sample_db: Path, tmp_path: Path) -> MainWindow:
    copy = tmp_path / "current.db"
    shutil.copyfile(sample_db, copy)
    return _window_on(qtbot, copy)


def _bad_files(folder: Path, sample_db: Path) -> dict[str, tuple[Path, str]]:
    """Each kind of file the viewer must refuse, with a word its message must contain."""
    random_bytes = folder / "random.db"
    random_bytes.write_bytes(os.urandom(4096))
    truncated = folder / "truncated.db"
    truncated.write_bytes(sample_db.read_bytes()[: sample_db.stat().st_size // 2])
    empty = folder / "empty.db"
    empty.touch()
    other = folder / "other-app.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE photos (path TEXT)")
    connection.close()
    newer = folder / "newer.db"
    shutil.copyfile(sample_db, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 7")
    connection.close()
    return {
        "missing": (folder / "missing.db", "no such file"),
        "directory": (folder, "folder"),
        "random bytes": (random_bytes, "not SQLite"),
        "truncated": (truncated, "truncated"),
        "empty": (empty, "0 bytes"),
        "another application's database": (other, "another application"),
        "newer schema": (newer, "newer Defence Timeline"),
    }


def _state(path: Path) -> object:
    """What opening must not change: a file's bytes and time, a folder's listing, or absence."""
    if path.is_file():
        return file_state(path)
    if path.is_dir():
        return sorted((p.name, file_state(p)) for p in path.iterdir() if p.is_file())
    return None


BAD_KINDS = ["missing", "directory", "random bytes", "truncated", "empty", "another application's database",
             "newer schema"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_each_bad_file_gets_a_clear_message_and_changes_nothing(
    qtbot, window: MainWindow, tmp_path: Path, sample_db: Path, capsys, kind: str
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    path, word = _bad_files(folder, sample_db)[kind]
    before = _state(path)
    title = window.windowTitle()
    with qtbot.waitSignal(window.open_failed, timeout=10_000) as failed:
        window.open_path(path)
    assert word in failed.args[0]
    assert word in window.error_box.text() and "Traceback" not in window.error_box.text()
    window.error_box.close()
    assert window.windowTitle() == title and window.visible_count() == 25  # still on the file it had
    assert cli(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert word in err and len(err.strip().splitlines()) == 1
    assert _state(path) == before  # a file unchanged, a folder's contents unchanged, nothing made where none was


def test_a_file_locked_by_a_writer(qtbot, window: MainWindow, tmp_path: Path, sample_db: Path) -> None:
    locked = tmp_path / "locked.db"
    shutil.copyfile(sample_db, locked)
    writer = sqlite3.connect(locked, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with qtbot.waitSignal(window.open_failed, timeout=10_000) as failed:
            window.open_path(locked)
        assert "locked" in failed.args[0]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    window.error_box.close()
    with qtbot.waitSignal(window.dataset_opened, timeout=10_000):
        window.open_path(locked)  # once the writer is done, it opens


def test_a_database_without_events_opens_and_says_it_is_empty(qtbot, window: MainWindow, tmp_path: Path) -> None:
    empty = tmp_path / "no-events.db"
    import_files([write_json(tmp_path / "bodies.json", minimal_document(events=[], links=[]))], empty)
    before = file_state(empty)
    with qtbot.waitSignal(window.dataset_opened, timeout=10_000):
        window.open_path(empty)
    assert window.status.count_label.text() == "Showing 0 of 0 events"
    assert "0 events, 2 bodies" in window.details.toPlainText()
    window.timeline.grab()
    assert window.timeline.visible_items() == []
    with qtbot.waitSignal(window.filter_applied, timeout=10_000) as applied:
        window.filters.set_search("anything")
    assert applied.args == [0] and window.status.count_label.text() == "Showing 0 of 0 events"
    window.timeline.fit_all()
    window.timeline.grab()
    assert window.timeline.visible_items() == []
    assert file_state(empty) == before


def test_browsing_filtering_and_exporting_leave_the_file_unchanged(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    path = window.state.dataset.path
    before = file_state(path)
    with qtbot.waitSignal(window.filter_applied):
        window.filters.set_search("summit")
    window.timeline.set_selection(["vilnius-summit-2023"])
    window.details.anchorClicked.emit(QUrl("event:dmm-2023-06"))
    window.table.sortByColumn(2, window.table.horizontalHeader().sortIndicatorOrder())
    window.timeline.grab()
    for fmt in ("json", "csv", "ics", "md", "timelinejs", "png"):
        with qtbot.waitSignal(window.export_finished, timeout=20_000):
            window.export_selected(tmp_path / f"out.{fmt}", fmt)
    assert file_state(path) == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith("current")) == ["current.db"]


# ---------------------------------------------------------------- hostile content

LONG = "A" * 100_000
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:evil()">link</a>'
BIDI = "\u202eevil\u202c \u200bzero\u200bwidth\u2066iso\u2069 e\u0301\u0302 👩🏽‍🚀 \x07bell\x1b[31mred"
SQL = "'; DROP TABLE events; -- \" OR 1=1"


def _hostile_document() -> dict:
    document = minimal_document()
    document["events"] = [
        {"id": "markup", "title": MARKUP, "start": "2023-06-15", "summary": MARKUP, "location": MARKUP,
         "sources": [{"url": "javascript:alert(1)", "title": MARKUP}, {"url": "file:///etc/passwd"},
                     {"url": "https://example.org/ok", "title": "fine"}]},
        {"id": "bidi", "title": BIDI, "start": "2023-06-16", "description": BIDI, "tags": [BIDI]},
        {"id": "long", "title": LONG, "start": "2023-06-17", "description": LONG, "location": LONG},
        {"id": "sql", "title": SQL, "start": "2023-06-18", "kind": SQL, "bodies": [{"id": "nac", "role": SQL}]},
        {"id": "year-one", "title": "At the start of the calendar", "start": "0001-01-01"},
        {"id": "year-max", "title": "At the end of the calendar", "start": "9999-12-31T23:59",
         "timezone": "Pacific/Kiritimati"},
    ]
    document["links"] = [{"from": "markup", "to": "bidi", "relation": "related", "note": MARKUP}]
    return document


@pytest.fixture
def hostile_window(qtbot, isolated_settings, tmp_path: Path) -> MainWindow:
    path = tmp_path / "hostile.db"
    import_files([write_json(tmp_path / "hostile.json", _hostile_document())], path)
    return _window_on(qtbot, path)


def test_hostile_text_is_shown_as_text(hostile_window: MainWindow) -> None:
    window = hostile_window
    assert window.status.count_label.text() == "Showing 6 of 6 events"
    window.timeline.set_selection(["markup"])
    text = window.details.toPlainText()
    assert text.count(MARKUP) >= 3  # title, summary, location … all literal
    html = window.details.toHtml()
    hrefs = [part.split('"')[1] for part in html.split("href=")[1:]]
    assert "https://example.org/ok" in hrefs
    assert not [h for h in hrefs if h.startswith(("javascript", "file", "data"))]
    assert "javascript:alert(1)" in text and "file:///etc/passwd" in text
    window.timeline.set_selection(["bidi"])
    assert BIDI.split()[0] in window.details.toPlainText()
    window.timeline.set_selection(["long"])
    shown = window.details.toPlainText()
    assert "more characters" in shown and len(shown) < 80_000  # cut in the pane, never frozen
    model = window.table.model()
    for row in range(model.rowCount()):
        for column in range(6):
            value = model.index(row, column).data()
            assert isinstance(value, str) and len(value) <= 600 and "\n" not in value
    titles = {model.index(row, 2).data() for row in range(model.rowCount())}
    assert SQL in titles and any(title.startswith(MARKUP) for title in titles)  # literal, not rendered
    # On the timeline each hostile title is a label of its literal text on one line, inside the view.
    window.timeline.fit_all()
    window.timeline.grab()
    width = window.timeline.viewport().width()
    drawn = {item.event_id: item for item in window.timeline.visible_items()}
    assert set(drawn) == {"markup", "bidi", "long", "sql", "year-one", "year-max"}
    labelled = {event_id: item for event_id, item in drawn.items() if item.label is not None}
    assert labelled["sql"].text == SQL
    assert labelled["markup"].text.startswith('<script>alert("x")</script>')
    assert labelled["bidi"].text.startswith("\u202eevil") and not set(labelled["bidi"].text) & set("\x07\x1b")
    for item in labelled.values():
        assert 0 <= item.label.left() and item.label.right() <= width, item.event_id
    window.timeline.show_range(parse_date("2023-06-14").first_instant(), parse_date("2023-06-20").end_instant())
    (long,) = [item for item in window.timeline.visible_items() if item.event_id == "long"]
    assert long.label is not None and long.label.right() <= width
    assert long.text.startswith("AAAA") and long.text.endswith("\u2026") and len(long.text) < 200  # cut to fit


def test_hostile_text_filters_and_exports(qtbot, hostile_window: MainWindow, tmp_path: Path) -> None:
    window = hostile_window
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        window.filters.set_search("DROP TABLE")
    assert window.visible_count() == 1
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        window.filters.set_search("onerror alert")
    assert window.visible_count() == 1
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        window.filters.clear()
    window.select_all_visible()
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        window.export_selected(tmp_path / "all.json", "json")
    exported = {e["id"]: e for e in json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["events"]}
    assert exported["markup"]["title"] == MARKUP and exported["bidi"]["title"] == BIDI
    assert exported["long"]["description"] == LONG and exported["sql"]["kind"] == SQL
    assert exported["year-one"]["start"] == "0001-01-01" and exported["year-max"]["start"] == "9999-12-31T23:59"
    for fmt in ("csv", "ics", "md", "timelinejs", "png", "svg", "pdf"):
        with qtbot.waitSignal(window.export_finished, timeout=30_000):
            window.export_selected(tmp_path / f"all.{fmt}", fmt)
        assert (tmp_path / f"all.{fmt}").stat().st_size > 100


def test_the_calendar_edges_can_be_navigated(qtbot, hostile_window: MainWindow) -> None:
    timeline = hostile_window.timeline
    timeline.fit_all()
    first, end = timeline.visible_range()
    assert first <= timeline.data().index.earliest.min() and end >= timeline.data().index.latest.max()
    for _ in range(3):  # the keyboard walks the events in time order from the first day of year 1
        timeline.select_next(1)
    assert timeline.selected_ids() == ["bidi"]
    assert hostile_window.details.toPlainText().startswith(BIDI.split()[0])
    timeline.go_to_date("0001-01-01")
    timeline.grab()
    assert timeline.visible_range()[0] <= timeline.data().index.earliest.min()
    assert timeline.event_rects("year-one") and not timeline.event_rects("year-max")
    timeline.go_to_date("9999-12-31")
    timeline.grab()
    assert timeline.visible_range()[1] >= timeline.data().index.latest.max()
    assert timeline.event_rects("year-max") and not timeline.event_rects("year-one")
    for _ in range(60):
        timeline.zoom_in()
    timeline.grab()
    assert timeline.axis().visible_seconds >= 600


# ---------------------------------------------------------------- live data


def test_changes_by_another_program_appear_and_the_view_is_kept(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = window.state.dataset.path
    window.timeline.set_selection(["dmm-2023-06"])
    view = window.timeline.visible_range()
    more = minimal_document(bodies=[], links=[])
    more["events"] = [{"id": "new-one", "title": "Added by a scraper", "start": "2023-06-20"}]
    with qtbot.waitSignal(window.dataset_reloaded, timeout=8_000):
        import_files([write_json(tmp_path / "more.json", more)], path)
    assert window.status.count_label.text() == "Showing 26 of 26 events"
    assert window.timeline.selected_ids() == ["dmm-2023-06"]
    assert window.timeline.visible_range() == pytest.approx(view)
    with qtbot.waitSignal(window.dataset_reloaded, timeout=8_000):
        with sqlite3.connect(path) as writer:  # as `sqlite-utils` or any tool would
            writer.execute("UPDATE events SET title = 'Renamed by hand' WHERE id = 'new-one'")
        writer.close()
    assert "Renamed by hand" in window.timeline.data().index.titles


def test_a_deleted_file_is_reported_and_the_last_state_kept(qtbot, window: MainWindow) -> None:
    path = window.state.dataset.path
    with qtbot.waitSignal(window.file_state_changed, timeout=8_000) as warned:
        path.unlink()
    assert "deleted" in warned.args[0]
    assert window.status.file_state.isVisible()
    assert window.visible_count() == 25
    window.timeline.set_selection(["dmm-2023-06"])
    assert "Meeting of NATO Defence Ministers" in window.details.toPlainText()


def test_a_file_replaced_by_garbage_keeps_the_last_good_state(qtbot, window: MainWindow) -> None:
    path = window.state.dataset.path
    with qtbot.waitSignal(window.file_state_changed, timeout=8_000) as warned:
        replacement = path.with_suffix(".tmp")
        replacement.write_bytes(b"garbage" * 1000)
        os.replace(replacement, path)
    assert "cannot be read" in warned.args[0]
    assert window.visible_count() == 25


# ---------------------------------------------------------------- crash safety


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_shows_a_dialog_logs_it_and_the_app_keeps_running(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    import viewer.ui.crash as crash

    monkeypatch.setattr(crash, "log_path", lambda: tmp_path / "logs" / "defence-timeline.log")
    old_hook = __import__("sys").excepthook
    crash.install_crash_handler()
    try:
        def boom() -> None:
            raise RuntimeError("something broke inside a slot")

        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: bool(crash.open_crash_dialogs()), timeout=5_000)
        dialog = crash.open_crash_dialogs()[-1]
        assert "RuntimeError: something broke inside a slot" in dialog.text()
        assert str(tmp_path / "logs" / "defence-timeline.log") in dialog.text()
        assert "Traceback" in dialog.detailedText()
        assert "something broke" in (tmp_path / "logs" / "defence-timeline.log").read_text()
        dialog.close()
        window.timeline.set_selection(["dmm-2023-06"])  # still working
        assert window.timeline.selected_ids() == ["dmm-2023-06"]
    finally:
        __import__("sys").excepthook = old_hook

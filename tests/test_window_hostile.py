"""The window on files that are valid but hostile in shape, and on files it cannot open.

Large files are made the quick way: a small document through the real import, then rows
added with SQL in the shapes the import writes (a hundred thousand bodies through the import
takes longer than this whole file should).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from conftest import file_state, minimal_document, write_json
from crafted import BAD_VALUES, FOREIGN_SCHEMA, FTS_OUT_OF_STEP, HOSTILE_SHAPES, USER_VERSIONS, crafted_copy
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

from viewer.store.errors import DefenceTimelineError
from viewer.store.importer import import_files
from viewer.store.reader import EventStore
from viewer.store.time_index import ROW_DTYPE, TimeIndex
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import LaneMode
from viewer.timeline.widget import MAX_DRAWN_LINKS, TimelineWidget
from viewer.ui import crash
from viewer.ui.actions import ActionId
from viewer.ui.dataset import Dataset
from viewer.ui.main_window import MainWindow
from viewer.ui.tasks import wait_for_background_work

DAY = 86_400
FIRST = 946_684_800  # 2000-01-01T00:00Z
N = 100_000


def _day(number: int) -> tuple[str, int]:
    """The ISO text and first instant of day ``number`` after 2000-01-01."""
    instant = FIRST + number * DAY
    return time.strftime("%Y-%m-%d", time.gmtime(instant)), instant


def _crafted(
    path: Path,
    bodies: Iterable[tuple[str, str, str | None, str | None]] = (),
    events: Iterable[tuple[str, str, int]] = (),
    participations: Iterable[tuple[str, str]] = (),
    links: Iterable[tuple[str, str, str]] = (),
) -> Path:
    """A database made by the import, then given these rows (body: id, name, acronym, parent;
    event: id, title, day number; participation: event, body; link: from, to, relation)."""
    seed = path.with_suffix(".json")
    import_files([write_json(seed, minimal_document(bodies=[], events=[], links=[]))], path)
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO bodies (id, name, acronym, parent) VALUES (?, ?, ?, ?)", list(bodies)
        )
        rows = []
        for event_id, title, number in events:
            text, instant = _day(number)
            rows.append((event_id, title, text, instant, instant + DAY))
        connection.executemany(
            "INSERT INTO events (id, title, start, precision, within, earliest, latest) "
            "VALUES (?, ?, ?, 'day', 0, ?, ?)",
            rows,
        )
        connection.executemany(
            "INSERT INTO event_bodies (event_id, body_id, role, position) VALUES (?, ?, 'participant', 0)",
            list(participations),
        )
        connection.executemany("INSERT INTO links (from_id, to_id, relation) VALUES (?, ?, ?)", list(links))
    connection.close()
    return path


def _window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    return window


def _open(qtbot, path: Path, timeout: int = 30_000) -> MainWindow:
    window = _window(qtbot)
    with qtbot.waitSignal(window.dataset_opened, timeout=timeout):
        window.open_path(path)
    return window


def _timed(work, seconds: float, what: str):
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"{what} took {elapsed:.2f} s"
    return result


def _tooltip_of(timeline: TimelineWidget, event_id: str) -> str:
    """The plain text of the tooltip shown over an event's mark, as hovering shows it."""
    (rect, *_copies) = timeline.event_rects(event_id)
    point = rect.center().toPoint()
    viewport = timeline.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    document = QTextDocument()
    document.setHtml(QToolTip.text())
    QToolTip.hideText()
    return document.toPlainText()


def _no_crash_dialog() -> None:
    assert not crash.open_crash_dialogs()


# ---------------------------------------------------------------- shapes

@pytest.fixture(scope="module")
def deep_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 bodies, each the parent of the next, each with one event."""
    n = 3000
    return _crafted(
        tmp_path_factory.mktemp("deep") / "deep.db",
        bodies=[(f"b{i}", f"Body {i}", f"B{i}", f"b{i - 1}" if i else None) for i in range(n)],
        events=[(f"e{i}", f"Event {i}", i) for i in range(n)],
        participations=[(f"e{i}", f"b{i}") for i in range(n)],
    )


@pytest.fixture(scope="module")
def wide_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 bodies of one event each, half sharing one acronym, and one event of them all."""
    return _crafted(
        tmp_path_factory.mktemp("wide") / "wide.db",
        bodies=[(f"b{i}", f"Body {i:06d}", "SAME" if i % 2 else f"B{i}", None) for i in range(N)],
        events=[(f"e{i}", f"Event {i}", i // 50) for i in range(N)] + [("everyone", "Everyone meets", 3)],
        participations=[(f"e{i}", f"b{i}") for i in range(N)] + [("everyone", f"b{i}") for i in range(N)],
    )


@pytest.fixture(scope="module")
def hub_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One event linked to 100,000 others (and half of them linked back)."""
    return _crafted(
        tmp_path_factory.mktemp("hub") / "hub.db",
        events=[("hub", "The hub", 1000)] + [(f"s{i}", f"Spoke {i}", i // 40) for i in range(N)],
        links=[("hub", f"s{i}", "prepares") for i in range(N)] + [(f"s{i}", "hub", "related") for i in range(0, N, 2)],
    )


def test_a_hierarchy_three_thousand_deep(qtbot, isolated_settings, deep_db: Path) -> None:
    window = _open(qtbot, deep_db)
    timeline = window.timeline
    assert timeline.lane_count() == 3000
    assert window.status.count_label.text() == "Showing 3,000 of 3,000 events"
    with qtbot.waitSignal(window.filter_applied):
        _timed(lambda: window.filters.show_only_body("b0"), 1.0, "checking the top body")
    assert len(window.filters.checked_bodies()) == 3000  # its whole chain, as sub-bodies
    assert window.visible_count() == 3000
    window.filters.clear()
    window.timeline.set_selection(["e2999"])
    assert "Body 2999" in window.details.toPlainText()
    window.show_body("b2999")
    assert "Part of" in window.details.toPlainText() and "Body 2998" in window.details.toPlainText()
    _timed(lambda: timeline.set_folded("b0", True), 1.0, "folding")
    assert timeline.lane_count() == 1 and timeline.lanes()[0].positions.size == 3000
    timeline.set_folded("b0", False)
    bar = timeline.verticalScrollBar()
    bar.setValue(bar.maximum())
    _timed(timeline.grab, 1.0, "painting the last lanes")
    _no_crash_dialog()


def test_a_parent_loop_in_a_file_neither_hangs_nor_hides_bodies(qtbot, isolated_settings, tmp_path: Path) -> None:
    path = _crafted(
        tmp_path / "loop.db",
        bodies=[("a", "Alpha", "A", "b"), ("b", "Beta", "B", "a"), ("c", "Gamma", "C", "c")],
        events=[("e1", "First", 1), ("e2", "Second", 2), ("e3", "Third", 3)],
        participations=[("e1", "a"), ("e2", "b"), ("e3", "c")],
    )
    window = _timed(lambda: _open(qtbot, path, timeout=10_000), 10.0, "opening")
    assert {lane.key for lane in window.timeline.lanes()} == {"a", "b", "c"}  # a lane each
    model = window.filters.body_model

    def listed(parent: QModelIndex) -> list[str]:  # the filter panel's tree, to any depth (a loop is cut once)
        found = []
        for row in range(model.rowCount(parent)):
            child = model.index(row, 0, parent)
            found += [model.body_id(child), *listed(child)]
        return found

    assert sorted(listed(QModelIndex())) == ["a", "b", "c"]  # each body listed once
    with qtbot.waitSignal(window.filter_applied):
        window.filters.show_only_body("c")  # its own parent
    assert window.visible_count() == 1
    with qtbot.waitSignal(window.filter_applied):
        window.filters.show_only_body("a")
    assert window.visible_count() == 2  # Alpha's event and that of Beta, its parent and sub-body
    window.timeline.grab()
    _no_crash_dialog()


def test_a_hundred_thousand_bodies(qtbot, isolated_settings, wide_db: Path) -> None:
    window = _open(qtbot, wide_db, timeout=60_000)
    timeline, filters = window.timeline, window.filters
    assert timeline.lane_count() == N  # "everyone" shares all the lanes
    model = filters.body_model
    assert model.rowCount() <= 1000  # the bodies are grouped, not laid out one by one
    group = model.index(0, 0)
    assert model.body_id(group) is None and model.rowCount(group) == 1000
    _timed(lambda: filters.bodies.setExpanded(group, True), 0.5, "opening a group")
    with qtbot.waitSignal(window.filter_applied):
        _timed(lambda: filters.show_only_body("b77777"), 1.0, "choosing one body")
    assert filters.checked_bodies() == ["b77777"]
    assert window.visible_count() == 2  # its event and the event of everyone
    with qtbot.waitSignal(window.filter_applied):
        filters.clear()
    bar = timeline.verticalScrollBar()
    for value in (0, bar.maximum() // 2, bar.maximum()):
        bar.setValue(value)
        _timed(timeline.grab, 0.5, "painting")
    _timed(lambda: timeline.set_lane_mode(LaneMode.KIND), 0.5, "lanes by kind")
    _timed(lambda: timeline.set_lane_mode(LaneMode.BODY), 0.5, "lanes by body")
    # The event of all 100,000 bodies: details list a few of them and count the rest.
    with qtbot.waitSignal(window.details_shown, timeout=20_000):
        timeline.set_selection(["everyone"])
    text = window.details.toPlainText()
    assert "Everyone meets" in text and "… and 99,800 more" in text
    timeline.show_range(FIRST + 2.5 * DAY, FIRST + 5.5 * DAY)  # its day: the lane's own event (day 0) is out of view
    tip = _tooltip_of(timeline, "everyone")  # the same few bodies and a count, not 100,000 names
    assert tip.startswith("Everyone meets") and " more" in tip and len(tip) < 1000
    _no_crash_dialog()


def test_an_event_with_a_hundred_thousand_links(qtbot, isolated_settings, hub_db: Path) -> None:
    window = _open(qtbot, hub_db, timeout=60_000)
    timeline = window.timeline
    window.actions[ActionId.SHOW_ALL_LINKS].setChecked(False)
    with qtbot.waitSignal(window.details_shown, timeout=20_000):
        _timed(lambda: timeline.set_selection(["hub"]), 0.5, "selecting the hub")
    text = window.details.toPlainText()
    assert "The hub" in text and "more related events" in text
    assert "… and 149,500 more related events" in text  # 500 listed of 150,000
    drawn = _timed(timeline.drawn_links, 1.0, "choosing the links to draw")
    assert 0 < len(drawn) <= MAX_DRAWN_LINKS and all("hub" in (a, b) for a, b, _ in drawn)
    _timed(timeline.grab, 1.0, "painting the selected hub")
    _timed(lambda: (window.actions[ActionId.SHOW_ALL_LINKS].setChecked(True), timeline.grab()), 1.0, "all links")
    with qtbot.waitSignal(window.filter_applied):
        _timed(lambda: window.filters.linked_only.setChecked(True), 1.0, "only linked events")
    assert window.visible_count() == N + 1
    _timed(window.add_linked_events, 2.0, "adding the linked events")
    assert timeline.selected_count() == N + 1
    _timed(timeline.grab, 1.0, "painting 100,001 selected events")
    _no_crash_dialog()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("kind", ["garbage", "missing"])
def test_a_bad_file_on_the_command_line_opens_the_window_with_the_error(
    qtbot, isolated_settings, tmp_path: Path, monkeypatch, kind: str
) -> None:
    from PySide6.QtCore import QCoreApplication

    import viewer.app as app_module
    import viewer.ui.crash as crash_module

    bad = tmp_path / "mailed.db"
    if kind == "garbage":
        bad.write_bytes(b"this is not a database" * 50)
    seen: dict[str, object] = {}

    def run_event_loop(*_args) -> int:  # stands for the user reading the dialog, then closing
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(), timeout=10_000)
        seen["text"] = window.error_box.text()
        seen["title"] = window.error_box.windowTitle()
        seen["details"] = window.details.toPlainText()
        window.error_box.close()
        window.close()
        return 0

    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    monkeypatch.setattr(crash_module, "install_crash_handler", lambda: None)
    monkeypatch.setattr(QApplication, "exec", run_event_loop)
    try:
        assert app_module.run_app(bad) == 0
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
    assert str(bad) in seen["text"]
    assert ("not SQLite" if kind == "garbage" else "no such file") in seen["text"]
    assert seen["title"] == "The file cannot be opened" and "Traceback" not in seen["text"]
    assert "No file open" in seen["details"]


def test_closing_while_a_large_file_loads_quits_cleanly(
    qtbot, isolated_settings, wide_db: Path, monkeypatch, capfd
) -> None:
    closed: list[Dataset] = []
    original_close = Dataset.close
    monkeypatch.setattr(Dataset, "close", lambda self: (closed.append(self), original_close(self)))
    window = MainWindow()  # not given to qtbot: it is deleted here, as the app does on quitting
    window.show()
    opened: list[str] = []
    window.dataset_opened.connect(opened.append)
    window.open_path(wide_db)
    qtbot.wait(50)
    _timed(window.close, 5.0, "closing")
    window.deleteLater()
    qtbot.wait(10)  # the window is gone, as after the event loop ends
    assert wait_for_background_work(20_000)
    qtbot.wait(50)  # anything the work still sent is delivered (and must be dropped)
    assert not opened and not crash.open_crash_dialogs()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "RuntimeError" not in err and "QObject" not in err
    for dataset in closed:  # a file read for nothing was closed in the background
        assert dataset.path == wide_db


def test_work_that_outlives_its_closed_window_is_dropped_silently(
    qtbot, isolated_settings, sample_db: Path, monkeypatch, capfd
) -> None:
    import viewer.ui.main_window as main_window

    real_load = Dataset.load.__func__
    closed: list[Dataset] = []

    def slow_load(cls, path, report=None, on_store=None):
        time.sleep(0.8)  # deaf to Cancel: work the store cannot interrupt
        return real_load(cls, path)

    original_close = Dataset.close
    monkeypatch.setattr(Dataset, "load", classmethod(slow_load))
    monkeypatch.setattr(Dataset, "close", lambda self: (closed.append(self), original_close(self)))
    monkeypatch.setattr(main_window, "CLOSE_WAIT_MS", 10)
    window = MainWindow()
    window.show()
    window.open_path(sample_db)
    qtbot.wait(50)
    window.close()
    window.deleteLater()
    qtbot.wait(10)
    assert wait_for_background_work(20_000)
    qtbot.wait(50)
    assert len(closed) == 1  # the file read for nothing was closed, in the background
    err = capfd.readouterr().err
    assert "Traceback" not in err and "RuntimeError" not in err
    _no_crash_dialog()


def test_errors_while_loading_and_while_reading_details_are_messages(
    qtbot, isolated_settings, sample_db: Path, monkeypatch
) -> None:
    from viewer.store.errors import CorruptDatabaseError

    def broken(path, report=None, on_store=None):
        raise DefenceTimelineError("the file holds something this version cannot read")

    window = _window(qtbot)
    with monkeypatch.context() as patch:
        patch.setattr(Dataset, "load", classmethod(lambda cls, *args, **kwargs: broken(*args, **kwargs)))
        with qtbot.waitSignal(window.open_failed, timeout=10_000) as failed:
            window.open_path(sample_db)
    assert str(sample_db) in failed.args[0] and "cannot read" in failed.args[0]
    assert "cannot read" in window.error_box.text()
    window.error_box.close()
    with qtbot.waitSignal(window.dataset_opened, timeout=10_000):
        window.open_path(sample_db)

    def damaged(*_args, **_kwargs):
        raise CorruptDatabaseError(sample_db, "the database is damaged")

    monkeypatch.setattr(window.state.dataset.store, "event", damaged)
    monkeypatch.setattr(window.state.dataset.store, "body_context", damaged)
    window.timeline.set_selection(["dmm-2023-06"])
    assert "The details cannot be read" in window.details.toPlainText()
    assert "damaged" in window.statusBar().currentMessage()
    assert "cannot be read" in _tooltip_of(window.timeline, "dmm-2023-06")
    window.show_body("nato")
    assert "damaged" in window.details.toPlainText()
    _no_crash_dialog()


@pytest.mark.parametrize(
    "damage",
    [
        "precision = 'century'",  # the time index itself refuses it
        "start = '2099-01-01', \"end\" = '2099-01-02'",  # the texts disagree with the instants
        "status = 'rumoured'",  # an unknown status: only the full check sees it
    ],
    ids=["unknown-precision", "dates-disagree", "unknown-status"],
)
def test_records_that_could_not_be_read_are_counted_and_never_drawn(
    qtbot, isolated_settings, tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "partly.db"
    import_files([write_json(tmp_path / "small.json", minimal_document())], path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"UPDATE events SET {damage} WHERE id = 'summit'")
    connection.close()
    window = _open(qtbot, path)
    notice = window.status.unreadable_notice
    assert notice.isVisibleTo(window)
    assert notice.text() == "1 record could not be read and was skipped: 1 event"
    assert notice.accessibleName()
    assert window.status.count_label.text() == "Showing 2 of 2 events"
    assert window.timeline.visible_count() == 2
    assert window.timeline.event_rects("summit") == []  # the timeline skips what the table skips
    window.timeline.set_selection(["dmm"])  # its link to the skipped event is not drawn
    assert window.timeline.drawn_links() == [("npg", "dmm", "Part of")]
    window.timeline.grab()


def test_checking_a_body_in_the_tree_checks_its_sub_bodies(qtbot, isolated_settings, sample_db: Path) -> None:
    window = _open(qtbot, sample_db)
    model = window.filters.body_model
    nato = model.index_of("nato")
    with qtbot.waitSignal(window.filter_applied):
        model.setData(nato, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)  # as a click does
    checked = window.filters.checked_bodies()
    assert "nato" in checked and "north-atlantic-council" in checked
    council = model.index_of("north-atlantic-council")
    with qtbot.waitSignal(window.filter_applied):
        model.setData(council, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.data(nato, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.PartiallyChecked
    assert "nato" not in window.filters.checked_bodies()
    assert model.parent(council) == nato and model.parent(nato) == QModelIndex()


# ---------------------------------------------------------------- the painter


def test_links_to_unreadable_events_and_text_on_several_lines_draw_on_one_line(qtbot) -> None:
    n = 4
    rows = np.zeros(n, dtype=ROW_DTYPE)
    rows["seq"] = np.arange(1, n + 1)
    rows["earliest"] = FIRST + np.arange(n) * DAY
    rows["latest"] = rows["earliest"] + DAY
    titles = ["Line one\r\nline two", "Para\u2028graph", "Bell\x07 and \x1b[31mescape", "Lone \ud800 surrogate"]
    index = TimeIndex.from_rows(rows, ("meeting\nkind",), titles=titles, ids=[f"e{i}" for i in range(n)])
    index.body_members["x"] = np.arange(n)
    from viewer.timeline.lanes import BodyInfo

    data = TimelineData(
        index, {"x": BodyInfo("x", "Lane\nwith\u2028breaks")},
        np.array([0, -1, 1]), np.array([1, 2, -1]), ["Prepares", "Lost", "Lost"],
    )
    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(1200, 400)
    timeline.show()
    timeline.set_data(data)
    timeline.set_show_all_links(True)
    timeline.grab()
    assert timeline.drawn_links() == [("e0", "e1", "Prepares")]
    timeline.set_selection(["e0", "e1", "e2", "e3"])
    timeline.grab()
    labelled = {item.event_id: item for item in timeline.visible_items() if item.label is not None}
    assert sorted(labelled) == ["e0", "e1", "e2", "e3"]  # every title drawn, as the label shows it
    for item in labelled.values():
        assert not any(ch in item.text for ch in "\r\n\u2028\x07\x1b"), item.event_id
        item.text.encode("utf-8")  # the lone surrogate is replaced, not drawn
        assert item.label.height() <= 30
    assert labelled["e1"].text == "Para graph" and labelled["e3"].text == "Lone \ufffd surrogate"
    assert all("\n" not in entry for entry in timeline.legend.entries())  # the kind, on one line


# ---------------------------------------------------------------- every crafted class in the window

_REFUSED = {**FOREIGN_SCHEMA, **USER_VERSIONS}
_READ = {**BAD_VALUES, **HOSTILE_SHAPES, **FTS_OUT_OF_STEP}


@pytest.mark.parametrize("name", sorted(_REFUSED))
def test_a_refused_file_shows_why_in_the_window(
    qtbot, isolated_settings, sample_db: Path, tmp_path: Path, name: str
) -> None:
    path = crafted_copy(sample_db, tmp_path, name, _REFUSED[name])
    before = file_state(path)
    window = _window(qtbot)
    with qtbot.waitSignal(window.open_failed, timeout=15_000) as failed:
        window.open_path(path)
    assert str(path) in failed.args[0] and "Traceback" not in failed.args[0]
    assert window.error_box is not None and window.error_box.isVisible()
    window.error_box.close()
    assert window.timeline.visible_count() == 0
    _no_crash_dialog()
    assert file_state(path) == before


@pytest.mark.parametrize("name", sorted(_READ))
def test_a_damaged_or_oddly_shaped_file_opens_and_every_event_reads(
    qtbot, isolated_settings, sample_db: Path, tmp_path: Path, name: str
) -> None:
    path = crafted_copy(sample_db, tmp_path, name, _READ[name])
    before = file_state(path)
    window = _timed(lambda: _open(qtbot, path), 20.0, f"opening {name}")
    shown = window.timeline.visible_count()
    assert shown >= 1
    assert window.status.count_label.text().startswith(f"Showing {shown:,} of ")
    with EventStore(path) as store:
        readable = set(store.event_ids())
    window.timeline.select_next(1)
    for _ in range(min(shown, 30)):  # walk the events with the keyboard, as a reader would
        selected = window.timeline.selected_ids()
        assert len(selected) == 1 and selected[0] in readable  # only readable events are drawn
        assert window.details.toPlainText().strip()
        window.timeline.select_next(1)
    window.timeline.fit_all()
    window.grab()
    _no_crash_dialog()
    window.close()
    assert file_state(path) == before

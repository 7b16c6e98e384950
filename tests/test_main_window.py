"""The whole window driven as an analyst would: open, search, filter, select, follow links."""

from __future__ import annotations

import csv
import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from conftest import open_window
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QUrl
from PySide6.QtWidgets import QApplication, QProgressBar, QPushButton, QWidget

from viewer.cli import main as cli
from viewer.store.reader import EventStore
from viewer.ui.actions import ActionId
from viewer.ui.main_window import MainWindow


def _open(qtbot, path: Path) -> MainWindow:
    return open_window(qtbot, path)


@pytest.fixture
def window(qtbot, isolated_settings, sample_db: Path) -> MainWindow:
    return _open(qtbot, sample_db)


def _cli_count(db: Path, *args: str) -> int:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli(["export", str(db), "--format", "json", *args]) == 0
    return len(json.loads(out.getvalue())["events"])


def _counts_everywhere(window: MainWindow) -> set[int]:
    shown = int(window.status.count_label.text().split()[1].replace(",", ""))
    return {shown, window.table.model().rowCount(), window.timeline.visible_count()}


def test_opening_shows_the_dataset_everywhere(window: MainWindow, sample_db: Path) -> None:
    assert "NATO Defence Ministers" in window.windowTitle() and sample_db.name in window.windowTitle()
    assert window.status.count_label.text() == "Showing 25 of 25 events"
    assert window.table.model().rowCount() == 25
    assert "25 events, 21 bodies, 28 links" in window.details.toPlainText()
    # The dataset's first view shows the June ministerial and the Vilnius Summit, linked.
    assert window.timeline.event_rects("dmm-2023-06") and window.timeline.event_rects("vilnius-summit-2023")
    assert not window.actions[ActionId.SHOW_ALL_LINKS].isChecked()  # off by default: links follow the selection
    window.timeline.set_selection(["dmm-2023-06"])
    assert ("dmm-2023-06", "vilnius-summit-2023", "Prepares") in window.timeline.drawn_links()


def test_search_filters_everything_like_the_cli(qtbot, window: MainWindow, sample_db: Path) -> None:
    with qtbot.waitSignal(window.filter_applied, timeout=10_000) as applied:
        window.filters.set_search("Vilnius")
    expected = _cli_count(sample_db, "--search", "Vilnius")
    assert 0 < expected < 25
    assert applied.args == [expected]
    assert _counts_everywhere(window) == {expected}


def test_typing_in_the_search_field_filters_after_a_pause(qtbot, window: MainWindow, sample_db: Path) -> None:
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        qtbot.keyClicks(window.filters.search, "undersea")
    assert _counts_everywhere(window) == {_cli_count(sample_db, "--search", "undersea")}


def test_body_and_date_filters_agree_with_the_cli(qtbot, window: MainWindow, sample_db: Path) -> None:
    with qtbot.waitSignal(window.filter_applied):
        window.filters.show_only_body("allied-command-operations")  # checks its sub-bodies too
    bodies = window.filters.checked_bodies()
    assert set(bodies) >= {"allied-command-operations", "allied-maritime-command"}
    args = [part for body in bodies for part in ("--body", body)]
    assert _counts_everywhere(window) == {_cli_count(sample_db, *args)}
    with qtbot.waitSignal(window.filter_applied):
        window.filters.clear()
    with qtbot.waitSignal(window.filter_applied):
        window.filters.set_date_range("16 June 2023", "July 2023")
    expected = _cli_count(sample_db, "--since", "16 June 2023", "--until", "July 2023")
    assert 0 < expected < 25
    assert _counts_everywhere(window) == {expected}
    assert window.status.count_label.text() == f"Showing {expected} of 25 events"


def test_an_unreadable_date_is_shown_and_not_applied(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.filter_applied):
        window.filters.set_date_range("the ides of March", None)
    assert window.filters.date_error.isVisible()
    assert "ides of March" in window.filters.date_error.text()
    assert window.visible_count() == 25


def test_details_related_events_links_and_back(qtbot, window: MainWindow) -> None:
    window.timeline.set_selection(["dmm-2023-06"])
    text = window.details.toPlainText()
    assert "Meeting of NATO Defence Ministers, June 2023" in text
    assert "15–16 June 2023" in text
    prepares = text.index("Prepares:")
    assert text.index("NATO Vilnius Summit", prepares) > prepares
    assert "Includes:" in text and "Nuclear Planning Group meeting" in text
    assert "Secretary General of NATO (SG) — chair" in text
    window.details.anchorClicked.emit(QUrl("event:vilnius-summit-2023"))
    assert window.timeline.selected_ids() == ["vilnius-summit-2023"]
    assert window.details.toPlainText().startswith("NATO Vilnius Summit")
    assert "Prepared by:" in window.details.toPlainText()
    assert window.actions[ActionId.BACK].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.timeline.selected_ids() == ["dmm-2023-06"]
    window.go_forward()
    assert window.timeline.selected_ids() == ["vilnius-summit-2023"]


def test_clicking_a_body_in_the_details_filters_to_it(qtbot, window: MainWindow) -> None:
    window.timeline.set_selection(["npg-2023-06"])
    with qtbot.waitSignal(window.filter_applied):
        window.details.anchorClicked.emit(QUrl("body:nuclear-planning-group"))
    assert window.filters.checked_bodies() == ["nuclear-planning-group"]
    assert window.visible_count() == 1
    assert "Nuclear Planning Group (NPG)" in window.details.toPlainText()


def test_selection_is_shared_between_table_and_timeline(window: MainWindow) -> None:
    model = window.table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == "NATO Vilnius Summit")
    window.table.selectionModel().select(
        model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    assert window.timeline.selected_ids() == ["vilnius-summit-2023"]
    window.timeline.set_selection(["dmm-2023-06", "npg-2023-06"])
    selected = {model.index(i.row(), 2).data() for i in window.table.selectionModel().selectedRows()}
    assert selected == {"Meeting of NATO Defence Ministers, June 2023", "Nuclear Planning Group meeting"}
    assert "2 events selected" in window.details.toPlainText()


def test_sorting_the_table(window: MainWindow) -> None:
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    titles = [window.table.model().index(r, 2).data() for r in range(25)]
    assert titles == sorted(titles, key=str.lower)
    window.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by when events end, latest first
    index = window.timeline.data().index
    ends = [int(index.latest[window.table.model().position_at(r)]) for r in range(25)]
    assert ends == sorted(ends, reverse=True)
    assert window.table.model().index(0, 2).data().startswith("Maritime centre for undersea infrastructure reaches")
    # By bodies: by the alphabetically first body each event names, so CNAD's one event comes first.
    def first_bodies() -> list[str]:
        cells = [window.table.model().index(r, 4).data() for r in range(25)]
        assert all(cells)  # every event of the sample names a body
        return [min(name.lower() for name in cell.split(", ")) for cell in cells]

    window.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    keys = first_bodies()
    assert keys == sorted(keys) and keys[0] == "cnad"
    assert window.table.model().index(0, 2).data() == "Ministers review the Defence Production Action Plan"
    window.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    keys = first_bodies()
    assert keys == sorted(keys, reverse=True) and keys[0] == "udcg"


def test_select_all_visible_and_add_linked(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.filter_applied):
        window.filters.check_items(window.filters.kinds, ["summit"])
    window.actions[ActionId.SELECT_ALL_VISIBLE].trigger()
    assert window.timeline.selected_ids() == ["wales-summit-2014", "vilnius-summit-2023"]
    with qtbot.waitSignal(window.filter_applied):
        window.filters.clear()
    window.timeline.set_selection(["dmm-2023-06"])
    window.actions[ActionId.ADD_LINKED].trigger()
    assert {"dmm-2023-06", "vilnius-summit-2023", "npg-2023-06"} <= set(window.timeline.selected_ids())


def test_only_events_linked_to_the_selection(qtbot, window: MainWindow) -> None:
    window.timeline.set_selection(["vilnius-summit-2023"])
    with qtbot.waitSignal(window.filter_applied):
        window.filters.linked_only.setChecked(True)
    assert window.visible_count() == 1 + 6  # the summit, the ministerial and five parts
    assert window.timeline.selected_ids() == ["vilnius-summit-2023"]


def test_copy_puts_a_table_a_chronology_and_tsv_on_the_clipboard(window: MainWindow) -> None:
    from html.parser import HTMLParser

    window.timeline.set_selection(["vilnius-summit-2023", "npg-2023-06"])
    window.actions[ActionId.COPY].trigger()
    data = QApplication.clipboard().mimeData()
    # Plain text, for a mail: the chronology, dates as known, in time order.
    lines = data.text().splitlines()
    assert lines[0].startswith("some time during 15–16 June 2023 — ") and "Nuclear Planning Group" in lines[0]
    assert lines[1].startswith("11–12 July 2023 — NATO Vilnius Summit (Summit; Vilnius, Lithuania")
    # TSV, for a spreadsheet: the people's columns, then the machine ones.
    tsv = bytes(data.data("text/tab-separated-values")).decode("utf-8").splitlines()
    assert tsv[0].split("\t") == ["Dates", "Title", "Kind", "Bodies", "Location", "Start", "End", "ID"]
    assert tsv[2].split("\t")[5:] == ["2023-07-11", "2023-07-12", "vilnius-summit-2023"]

    class Cells(HTMLParser):  # an independent reader of the HTML table
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag, attrs) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.rows[-1].append("")

        def handle_data(self, text) -> None:
            if self.rows and self.rows[-1]:
                self.rows[-1][-1] += text

    cells = Cells()
    cells.feed(data.html())
    assert cells.rows[0][:3] == ["Dates", "Title", "Kind"] and len(cells.rows) == 3
    assert cells.rows[2][:3] == ["11–12 July 2023", "NATO Vilnius Summit", "Summit"]


def test_export_selected(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.timeline.set_selection(["dmm-2023-06", "vilnius-summit-2023"])
    target = tmp_path / "chosen.json"
    window.export_selected(target, "json")
    qtbot.waitUntil(target.exists, timeout=10_000)
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert {e["id"] for e in exported["events"]} == {"dmm-2023-06", "vilnius-summit-2023"}
    assert exported["links"] == [{"from": "dmm-2023-06", "to": "vilnius-summit-2023", "relation": "prepares",
                                  "note": "Last defence ministerial before the summit"}]


def test_exporting_everything_shown_writes_exactly_what_is_shown(qtbot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        window.filters.set_search("Vilnius")
    shown = {window.state.data.index.ids[p] for p in window.state.visible_positions().tolist()}
    assert 1 < len(shown) < 25
    window.select_all_visible()
    assert window.state.selection_is_all_shown()
    target = tmp_path / "shown.csv"
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        window.export_selected(target, "csv")
    with target.open(encoding="utf-8", newline="") as written:
        assert {row["id"] for row in csv.DictReader(written)} == shown
    # One shown event left out: the ids are written, not the filter.
    dropped = sorted(shown)[0]
    window.state.select_ids(shown - {dropped})
    assert not window.state.selection_is_all_shown()
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        window.export_selected(target, "csv")
    with target.open(encoding="utf-8", newline="") as written:
        assert {row["id"] for row in csv.DictReader(written)} == shown - {dropped}


def test_an_unreadable_file_gives_an_error_and_keeps_the_open_file(
    qtbot, window: MainWindow, tmp_path: Path, sample_db: Path
) -> None:
    bad = tmp_path / "garbage.db"
    bad.write_bytes(b"not a database at all" * 100)
    title = window.windowTitle()
    with qtbot.waitSignal(window.open_failed, timeout=10_000) as failed:
        window.open_path(bad)
    assert "not SQLite" in failed.args[0]
    assert window.error_box is not None and "garbage.db" in window.error_box.text()
    assert f"Still showing {sample_db.name}" in window.error_box.text()
    window.error_box.close()
    assert window.windowTitle() == title
    assert window.status.count_label.text() == "Showing 25 of 25 events"
    window.timeline.set_selection(["dmm-2023-06"])
    assert "Meeting of NATO Defence Ministers" in window.details.toPlainText()


def test_settings_persist_across_two_windows(qtbot, isolated_settings, sample_db: Path) -> None:
    first = _open(qtbot, sample_db)
    first.resize(760, 580)  # within the offscreen screen (800x600), above the minimum size
    size = (first.width(), first.height())
    first.details_dock.hide()
    first.actions[ActionId.LANES_BY_KIND].trigger()
    first.actions[ActionId.SHOW_ALL_LINKS].setChecked(False)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == size
    assert not second.details_dock.isVisible()
    assert second.filters_dock.isVisible()
    assert second.actions[ActionId.LANES_BY_KIND].isChecked()
    assert second.timeline.lane_mode().value == "kind"
    assert not second.actions[ActionId.SHOW_ALL_LINKS].isChecked()
    second.recent_menu.popup(QPoint(0, 0))  # File > Open Recent: filled as it opens
    recent = [a for a in second.recent_menu.actions() if a.toolTip() == str(sample_db.resolve())]
    second.recent_menu.hide()
    assert [a.text() for a in recent] == [sample_db.name]
    with qtbot.waitSignal(second.dataset_opened, timeout=20_000):
        recent[0].trigger()
    assert second.status.count_label.text() == "Showing 25 of 25 events"


def test_ctrl_f_focuses_the_search(qtbot, window: MainWindow) -> None:
    window.timeline.setFocus()
    window.actions[ActionId.FIND].trigger()
    assert QApplication.focusWidget() is window.filters.search


def test_every_dock_and_toolbar_is_named_and_toggled_from_the_view_menu(window: MainWindow) -> None:
    from PySide6.QtWidgets import QDockWidget, QToolBar

    names = {w.objectName() for w in window.findChildren(QDockWidget)} | {
        w.objectName() for w in window.findChildren(QToolBar)
    }
    assert names == {"filtersDock", "detailsDock", "eventsDock", "mainToolbar"}
    (view_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&View"]
    toggles = {action.text().replace("&", "") for action in view_menu.actions()}
    assert {"Filters", "Details", "Events", "Main Toolbar"} <= toggles


@pytest.mark.parametrize("fmt", ["csv", "ics", "md", "png"])
def test_export_dialog_writes_a_selection_made_with_the_mouse(
    qtbot, window: MainWindow, tmp_path: Path, sample_db: Path, fmt
) -> None:
    assert not window.actions[ActionId.EXPORT_SELECTED].isEnabled()  # nothing selected yet
    timeline = window.timeline
    (rect, *_copies) = timeline.event_rects("dmm-2023-06")
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    (rect, *_copies) = timeline.event_rects("vilnius-summit-2023")
    qtbot.mouseClick(
        timeline.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, rect.center().toPoint()
    )
    assert timeline.selected_ids() == ["dmm-2023-06", "vilnius-summit-2023"]
    window.actions[ActionId.EXPORT_SELECTED].trigger()
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    assert dialog.count.text() == "2 events will be exported"
    dialog.with_linked.setChecked(True)
    linked = _cli_count(sample_db, "--id", "dmm-2023-06", "--id", "vilnius-summit-2023", "--with-linked")
    assert dialog.count.text() == f"{linked} events will be exported"
    dialog.with_linked.setChecked(False)
    target = tmp_path / f"chosen{Path(dialog.path.text()).suffix}"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    data = target.read_bytes()
    if fmt == "csv":
        assert data.decode().count("\r\n") == 3
    elif fmt == "ics":
        assert data.count(b"BEGIN:VEVENT") == 2
    elif fmt == "md":
        assert b"- Prepares: NATO Vilnius Summit (11\xe2\x80\x9312 July 2023)" in data
        assert b"Selection: 2 chosen events." in data  # as the command line says it for --id twice
    else:
        assert data.startswith(b"\x89PNG")
    second = _open(qtbot, sample_db)  # the dialog remembers the format and the folder
    second.timeline.set_selection(["dmm-2023-06"])
    second.actions[ActionId.EXPORT_SELECTED].trigger()
    again = second.export_dialog
    assert again is not None and again.isVisible()
    assert again.format.currentData() == fmt
    assert Path(again.path.text()).parent == tmp_path and Path(again.path.text()).suffix == target.suffix
    again.reject()


def test_large_tables_read_text_orders_in_the_background(qtbot, window: MainWindow, monkeypatch) -> None:
    import viewer.ui.event_table as event_table

    monkeypatch.setattr(event_table, "LARGE", 10)  # treat the sample as large
    model = window.table.model()
    with qtbot.waitSignal(model.layoutChanged, timeout=10_000):
        window.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # location: read in the background
    places = [model.index(r, 5).data() for r in range(model.rowCount())]
    assert places == sorted(places, key=str.lower)


def test_help_dialogs(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QDialog, QTableWidget, QTextBrowser

    window.actions[ActionId.SHORTCUTS].trigger()
    dialog = window.findChild(QDialog, "shortcutsDialog")
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Find"] == "Ctrl+F" and rows["Back"] == "Alt+Left" and "Home" in rows["Fit all events"]
    dialog.close()
    window.actions[ActionId.DATA_FORMAT].trigger()
    text = window.findChild(QDialog, "dataFormatDialog").findChild(QTextBrowser).toPlainText()
    assert "The Defence Timeline data format" in text and "prepares" in text


def test_double_clicking_a_row_shows_the_event_on_the_timeline(qtbot, window: MainWindow) -> None:
    model = window.table.model()
    october = "Meeting of NATO Defence Ministers, October 2023"
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == october)
    window.table.scrollTo(model.index(row, 2))
    rect = window.table.visualRect(model.index(row, 2))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.timeline.selected_ids() == ["dmm-2023-10"]
    first, end = window.timeline.visible_range()
    assert first < window.timeline.data().index.earliest[window.timeline.data().position_of("dmm-2023-10")] < end


def test_dropping_a_database_file_opens_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from conftest import minimal_document, write_json
    from PySide6.QtCore import QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    from viewer.store.importer import import_files

    other = tmp_path / "other.db"
    import_files([write_json(tmp_path / "small.json", minimal_document())], other)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(other))])
    drop = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.dataset_opened, timeout=10_000):
        window.dropEvent(drop)  # Qt delivers drops only during a real drag; the handler is what we test
    assert "Small test set" in window.windowTitle()
    assert window.status.count_label.text() == "Showing 3 of 3 events"


def test_timeline_tooltips_say_the_dates_as_known(qtbot, window: MainWindow) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    window.timeline.show_range(*window.timeline.visible_range())
    (rect, *_copies) = window.timeline.event_rects("npg-2023-06")
    point = rect.center().toPoint()
    viewport = window.timeline.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    text = QToolTip.text()
    assert "Nuclear Planning Group meeting" in text and "some time during 15–16 June 2023" in text
    assert "Meeting · Held · NATO Headquarters" in text and "NPG" in text
    QToolTip.hideText()


def test_while_a_file_loads_the_timeline_says_so(qtbot, isolated_settings, sample_db: Path, monkeypatch) -> None:
    seen: list[str | None] = []
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    real_set_loading = window.timeline.set_loading

    def spy(stage, done=0, total=0):
        real_set_loading(stage, done, total)
        seen.append(window.timeline.loading_text())
        if stage is not None:
            window.timeline.grab()  # the notice paints

    monkeypatch.setattr(window.timeline, "set_loading", spy)
    with qtbot.waitSignal(window.dataset_opened, timeout=20_000):
        window.open_path(sample_db)
    qtbot.waitUntil(lambda: seen and seen[-1] is None, timeout=5_000)
    assert seen[0] == f"Opening {sample_db.name}…"
    assert "Loading 25 events…" in seen
    assert window.timeline.loading_text() is None


def test_a_long_import_shows_its_progress_within_the_bar(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """The stage is shortened to the bar's width (whole in the tooltip); a % in a file name stays as written."""
    def source(name: str, first: int, count: int, title: str) -> Path:
        events = [{"id": f"e{i}", "title": title, "start": "2023"} for i in range(first, first + count)]
        path = tmp_path / name
        path.write_text(json.dumps({"format": "defence-timeline", "version": 1, "events": events}), encoding="utf-8")
        return path

    short = source("r%v.json", 0, 6_000, "T")
    long_name = "a-very-long-file-name-for-the-weekly-situation-report-of-the-ministry-of-defence.json"
    long = source(long_name, 6_000, 9_000, "T" * 100)
    bar = window.findChild(QProgressBar, "progressBar")
    seen: list[tuple[str, str]] = []
    bar.valueChanged.connect(lambda _value: seen.append((bar.text(), bar.toolTip())))
    window.import_files([short, long], tmp_path / "weekly.db")
    qtbot.waitUntil(lambda: (tmp_path / "weekly.db").exists(), timeout=20_000)
    by_tip = dict((tip, text) for text, tip in seen)
    # The bar moves with the file read (here about 5/6 of it): a small file does not jump to 100%.
    shown_first = by_tip["Importing r%v.json: 5,000 events"]
    percent = re.fullmatch(r"Importing r%\u2060v\.json: 5,000 events… (\d+)%", shown_first)
    assert percent and 50 <= int(percent.group(1)) < 100, shown_first
    long_stage = f"Importing {long.name}: 11,000 events"  # counted over the whole import
    shown = by_tip[long_stage]
    assert re.search(r"events… \d\d%$", shown) and "…" in shown[:-12] and len(shown) < len(long_stage)
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.maximumWidth()


def test_cancel_stops_an_import_inside_its_index_build(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    """Cancel reaches a query that runs for as long as it is let (standing in for the full-text
    index build of a million events): the import stops at once and writes nothing."""
    from PySide6.QtWidgets import QToolButton

    from viewer.store import importer

    def endless_index_build(db) -> None:
        db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")

    monkeypatch.setattr(importer, "finish_schema", endless_index_build)
    folder = tmp_path / "weekly"
    folder.mkdir()
    source = folder / "week.json"
    source.write_text(json.dumps({"format": "defence-timeline", "version": 1,
                                  "events": [{"id": "e1", "title": "T", "start": "2023"}]}), encoding="utf-8")
    bar = window.findChild(QProgressBar, "progressBar")
    window.import_files([source], folder / "week.db")
    qtbot.waitUntil(lambda: bar.toolTip() == "Indexing", timeout=10_000)
    assert bar.maximum() == 0  # busy: how long the index takes is not known
    window.findChild(QToolButton, "cancelButton").click()
    qtbot.waitUntil(lambda: "Import cancelled" in window.statusBar().currentMessage(), timeout=5_000)
    assert window.statusBar().currentMessage() == "Import cancelled: nothing was written"
    assert sorted(p.name for p in folder.iterdir()) == ["week.json"]


def test_importing_a_calendar_in_the_window_says_when_a_series_was_cut(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from viewer.store import ics_import

    monkeypatch.setattr(ics_import, "MAX_OCCURRENCES", 5)
    source = tmp_path / "briefings.ics"
    source.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:brief@x\r\n"
                      "DTSTART;VALUE=DATE:20230601\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Weekly brief\r\nEND:VEVENT\r\n"
                      "END:VCALENDAR\r\n", encoding="utf-8")
    window.import_files([source], tmp_path / "briefings.db")
    qtbot.waitUntil(lambda: "briefings.db" in window.statusBar().currentMessage(), timeout=10_000)
    message = window.statusBar().currentMessage()
    assert message.startswith("Created briefings.db: 5 events imported. Note: ")
    assert "'brief@x' recurs more than 5 times; its first 5 occurrences were imported" in message


def test_the_details_header_spans_the_whole_selection_in_the_events_own_dates(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    from viewer.ui import detail_html

    monkeypatch.setattr(detail_html, "MAX_LISTED", 2)  # as with a selection larger than the pane lists
    window.timeline.set_selection(["wales-summit-2014", "dmm-2023-06", "vilnius-summit-2023"])
    qtbot.waitUntil(lambda: "3 events selected" in window.details.toPlainText())
    # From the Wales Summit's first day to Vilnius's last, not from the events listed, nor in UTC.
    assert "4 September 2014 – 12 July 2023" in window.details.toPlainText()


def test_the_export_dialog_names_the_file_after_the_selection(qtbot, window: MainWindow, sample_db: Path) -> None:
    window.timeline.set_selection(["dmm-2023-06"])
    window.actions[ActionId.EXPORT_SELECTED].trigger()
    with EventStore(sample_db) as store:
        title = store.event("dmm-2023-06").title
    assert title == "Meeting of NATO Defence Ministers, June 2023"
    assert Path(window.export_dialog.path.text()).stem == "Meeting-of-NATO-Defence-Ministers-June-2023"
    window.export_dialog.reject()
    window.timeline.set_selection(["wales-summit-2014", "dmm-2023-06", "vilnius-summit-2023"])
    window.actions[ActionId.EXPORT_SELECTED].trigger()
    assert Path(window.export_dialog.path.text()).stem == "2014-09-04-to-2023-07-12"
    window.export_dialog.reject()


def test_after_an_export_the_status_bar_offers_open_and_show_in_folder(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    offer = window.findChild(QWidget, "exportedFileActions")
    assert offer is not None and not offer.isVisible()
    window.timeline.set_selection(["dmm-2023-06"])
    target = tmp_path / "brief.md"
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        window.export_selected(target, "md")
    assert offer.isVisible()
    offer.findChild(QPushButton, "exportedOpen").click()
    offer.findChild(QPushButton, "exportedShowFolder").click()
    assert opened == [str(target), str(tmp_path)]

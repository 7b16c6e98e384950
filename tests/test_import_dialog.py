"""File > Import's dialog: the format told, the records as they will be imported, a table's
columns and sheet, refusals shown in place of the preview, and the import run from it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON, open_window
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QToolButton,
)

from viewer.store.column_mapping import load_mapping_file
from viewer.store.reader import EventStore
from viewer.ui.actions import ActionId
from viewer.ui.import_dialog import ImportDialog
from viewer.ui.import_preview import COLUMNS
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings

CSV_HEADER = "When;Headline;Organisations;Venue;Notes"
CSV_ROWS = (
    "15 June 2023;Defence ministers meet;NATO;Brussels;Prepares Vilnius",
    "11–12 July 2023;Vilnius Summit;NATO;Vilnius;Summit of heads of state",
)
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:brief@x\r\n"
    "DTSTART;VALUE=DATE:20230601\r\nSUMMARY:Staff brief\r\nLOCATION:Mons\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _csv(path: Path, header: str = CSV_HEADER, rows: tuple[str, ...] = CSV_ROWS) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Events"
    sheet.append(["Date", "Event", "Organisations", "Place", "Country"])
    sheet.append([datetime.date(2023, 6, 15), "Defence Ministers' meeting", "NATO; NAC", "Brussels", "BE"])
    sheet.append([datetime.datetime(2023, 7, 11, 13, 0), "Vilnius Summit opens", "NATO", "Vilnius", "LT"])
    other = book.create_sheet("Later")
    other.append(["Start", "Title"])
    other.append(["2024-07-09", "Washington Summit"])
    book.save(path)
    return path


def _dialog(qtbot, sources: list[Path]) -> ImportDialog:
    dialog = ImportDialog(None, Settings(), sources)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait(qtbot, dialog)
    return dialog


def _wait(qtbot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_reading() and dialog.preview() is not None, timeout=10_000)


def _rows(dialog: ImportDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(row, column).text() for column in range(table.columnCount())]
            for row in range(table.rowCount())]


def _cell(dialog: ImportDialog, row: int, column: str) -> str:
    return dialog.table.item(row, COLUMNS.index(column)).text()


def test_the_sample_json_is_told_and_its_first_twenty_events_shown_as_the_window_shows_them(
    qtbot, isolated_settings
) -> None:
    dialog = _dialog(qtbot, [SAMPLE_JSON])
    assert dialog.format.currentText() == "Defence Timeline JSON"
    assert dialog.detected.text() == "Detected from the content"
    assert dialog.table.rowCount() == 20
    assert _rows(dialog)[0][:4] == ["wales-summit-2014", "NATO Wales Summit", "4–5 September 2014", "Summit"]
    assert _cell(dialog, 1, "Bodies") == "NAC (lead)"  # a body by its acronym, as the sample's bodies give it
    assert "The first 20 records as they will be imported (more follow)" in dialog.preview_status.text()
    assert dialog.mapping.isHidden() and not dialog.dayfirst.isEnabled()  # not a table
    assert dialog.import_button.isEnabled()
    assert dialog.target() == SAMPLE_JSON.with_suffix(".db")


def test_a_workbook_shows_its_sheets_its_date_cells_and_its_columns(qtbot, isolated_settings, tmp_path) -> None:
    dialog = _dialog(qtbot, [_workbook(tmp_path / "plan.xlsx")])
    assert dialog.format.currentText() == "Excel workbook"
    assert [dialog.sheet.itemText(i) for i in range(dialog.sheet.count())] == ["Events", "Later"]
    assert dialog.sheet.isVisible() and dialog.dayfirst.isEnabled() and dialog.mapping.isVisible()
    assert _cell(dialog, 0, "Dates") == "15 June 2023"  # a date cell is a day
    assert _cell(dialog, 1, "Dates") == "11 July 2023, 13:00"  # a date-and-time cell a minute
    assert _cell(dialog, 0, "ID") == "2023-06-15-defence-ministers-meeting"
    assert _cell(dialog, 0, "Bodies") == "NATO, NAC"
    assert _cell(dialog, 0, "Other columns") == "Country: BE"
    assert dialog.mapping.column("start") == "Date" and dialog.mapping.column("title") == "Event"
    assert dialog.mapping.column("id") == ""

    dialog.sheet.setCurrentIndex(1)
    _wait(qtbot, dialog)
    assert [r[:3] for r in _rows(dialog)] == [["2024-07-09-washington-summit", "Washington Summit", "9 July 2024"]]
    assert dialog.options().sheet == "Later"
    assert dialog.table.isColumnHidden(COLUMNS.index("Bodies"))  # no row gives one
    assert not dialog.table.isColumnHidden(COLUMNS.index("Dates"))


def test_a_semicolon_table_is_read_through_its_mapping_and_a_change_reads_it_again(
    qtbot, isolated_settings, tmp_path
) -> None:
    dialog = _dialog(qtbot, [_csv(tmp_path / "week.csv")])
    assert dialog.format.currentText() == "CSV / TSV table"
    assert dialog.mapping.mapping() == {"title": "Headline", "start": "When", "bodies": "Organisations",
                                        "location": "Venue", "summary": "Notes"}
    assert [r[1:3] for r in _rows(dialog)] == [["Defence ministers meet", "15 June 2023"],
                                                ["Vilnius Summit", "11–12 July 2023"]]
    assert _cell(dialog, 1, "Location") == "Vilnius"

    dialog.mapping.choose("title", "Notes")  # as the user picks it; summary gives its column up
    assert dialog.mapping.column("summary") == ""
    assert not dialog.import_button.isEnabled()  # until the preview shows what the change reads
    qtbot.waitUntil(lambda: _cell(dialog, 0, "Title") == "Prepares Vilnius", timeout=10_000)
    _wait(qtbot, dialog)
    assert _cell(dialog, 1, "Title") == "Summit of heads of state"
    assert dict(dialog.options().mapping)["title"] == "Notes"
    assert dialog.import_button.isEnabled()


def test_day_first_dates_are_refused_until_the_box_is_ticked(qtbot, isolated_settings, tmp_path) -> None:
    source = _csv(tmp_path / "eu.csv", "Datum;Titel", ("15.06.2023;<b>Rat</b> tagt",))
    dialog = _dialog(qtbot, [source])
    assert dialog.stack.currentWidget() is dialog.problem
    assert "no column gives the title" in dialog.problem.text()
    assert dialog.mapping.isVisible() and dialog.mapping.mapping() == {}  # for the user to say which
    dialog.mapping.choose("start", "Datum")
    dialog.mapping.choose("title", "Titel")
    qtbot.waitUntil(lambda: "cannot read '15.06.2023'" in dialog.problem.text(), timeout=10_000)
    assert not dialog.import_button.isEnabled()

    dialog.dayfirst.setChecked(True)
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.table, timeout=10_000)
    _wait(qtbot, dialog)
    assert _rows(dialog)[0][1:3] == ["<b>Rat</b> tagt", "15 June 2023"]  # text as it is, never markup
    assert dialog.options().dayfirst and dialog.import_button.isEnabled()


def test_a_refused_file_is_said_in_plain_text_in_place_of_the_preview(qtbot, isolated_settings, tmp_path) -> None:
    source = _csv(tmp_path / "bad.csv", "Date,Event", ("06/07/2023,<i>Meeting</i>",))
    dialog = _dialog(qtbot, [source])
    assert dialog.stack.currentWidget() is dialog.problem
    assert dialog.problem.textFormat() == Qt.TextFormat.PlainText
    text = dialog.problem.text()
    assert text.startswith(f"{source}: line 2") and "field 'start'" in text and "06/07/2023" in text
    assert "Traceback" not in text
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter does nothing while the file is refused
    assert dialog.isVisible()

    dialog.set_sources([tmp_path / "missing.json"])
    _wait(qtbot, dialog)
    assert "missing.json" in dialog.problem.text() and not dialog.import_button.isEnabled()


def test_a_calendar_and_a_format_chosen_by_hand(qtbot, isolated_settings, tmp_path) -> None:
    source = tmp_path / "briefs.ics"
    source.write_text(CALENDAR, encoding="utf-8")
    dialog = _dialog(qtbot, [source])
    assert dialog.format.currentText() == "iCalendar"
    assert _rows(dialog)[0][1:3] == ["Staff brief", "1 June 2023"]
    assert _cell(dialog, 0, "Location") == "Mons"

    dialog.format.setCurrentIndex(dialog.format.findText("Defence Timeline JSON"))
    _wait(qtbot, dialog)
    assert dialog.fmt() == "json" and dialog.stack.currentWidget() is dialog.problem
    assert "looks like iCalendar" in dialog.detected.text()
    assert not dialog.import_button.isEnabled()


def test_the_mapping_is_remembered_for_the_same_header(qtbot, isolated_settings, tmp_path) -> None:
    first = _dialog(qtbot, [_csv(tmp_path / "week-1.csv")])
    first.mapping.choose("title", "Notes")
    qtbot.waitUntil(lambda: _cell(first, 0, "Title") == "Prepares Vilnius", timeout=10_000)
    _wait(qtbot, first)
    first.database.setText(str(tmp_path / "weeks.db"))
    first.import_button.click()
    assert first.result() == ImportDialog.DialogCode.Accepted

    # Next week's file: the same columns (in another order), other rows.
    header = "Notes;When;Headline;Venue;Organisations"
    second = _dialog(qtbot, [_csv(tmp_path / "week-2.csv", header, ("Vote;2023-06-20;Council;Brussels;NAC",))])
    assert second.mapping.column("title") == "Notes" and second.mapping.title().endswith("remembered for this header)")
    assert _cell(second, 0, "Title") == "Vote"
    assert dict(second.options().mapping)["title"] == "Notes"

    other = _dialog(qtbot, [_csv(tmp_path / "other.csv", "When;Headline", ("2023-06-20;Council",))])
    assert other.mapping.column("title") == "Headline" and other.options().mapping == ()


def test_save_mapping_writes_a_file_that_the_command_line_reads(
    qtbot, isolated_settings, tmp_path, monkeypatch
) -> None:
    dialog = _dialog(qtbot, [_workbook(tmp_path / "plan.xlsx")])
    dialog.dayfirst.setChecked(True)
    _wait(qtbot, dialog)
    saved = tmp_path / "plan-mapping.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(saved), ""))
    dialog.mapping.save_button.click()
    options = load_mapping_file(saved)
    given = {field: column for field, column in options.mapping if column}
    assert given == {"title": "Event", "start": "Date", "bodies": "Organisations", "location": "Place"}
    assert all(column == "" for field, column in options.mapping if field not in given)  # the rest: none
    assert options.sheet == "Events" and options.dayfirst
    assert "--mapping" in dialog.preview_status.text()


def test_escape_cancels_and_the_size_is_remembered(qtbot, isolated_settings, tmp_path) -> None:
    dialog = _dialog(qtbot, [SAMPLE_JSON])
    dialog.resize(760, 640)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == ImportDialog.DialogCode.Rejected and not dialog.isVisible()
    again = _dialog(qtbot, [SAMPLE_JSON])
    assert (again.width(), again.height()) == (760, 640)


def test_every_control_has_an_object_name_and_an_accessible_name(qtbot, isolated_settings, tmp_path) -> None:
    dialog = _dialog(qtbot, [_workbook(tmp_path / "plan.xlsx")])
    kinds = (QLineEdit, QComboBox, QPushButton, QCheckBox, QLabel, QTableWidget, QGroupBox)
    widgets = [w for kind in kinds for w in dialog.findChildren(kind)]
    assert len(widgets) > 40
    unnamed = [(type(w).__name__, w.objectName(), w.accessibleName()) for w in widgets
               if not w.objectName() or not w.accessibleName()]
    assert unnamed == []


# ---------------------------------------------------------------------------- through the window


@pytest.fixture
def window(qtbot, isolated_settings, sample_db: Path) -> MainWindow:
    return open_window(qtbot, sample_db)


def _open_import(window: MainWindow, qtbot, sources: list[Path], target: Path) -> ImportDialog:
    window.actions[ActionId.IMPORT].trigger()
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible() and dialog.table.rowCount() == 0
    dialog.set_sources(sources)
    dialog.database.setText(str(target))
    dialog.database.textEdited.emit(str(target))
    _wait(qtbot, dialog)
    return dialog


def test_importing_through_the_dialog_writes_the_database_and_says_so(qtbot, window: MainWindow, tmp_path) -> None:
    target = tmp_path / "week.db"
    dialog = _open_import(window, qtbot, [_csv(tmp_path / "week.csv")], target)
    assert dialog.database_note.text() == "A new database will be created."
    with qtbot.waitSignal(window.dataset_opened, timeout=20_000):
        qtbot.keyClick(dialog.database, Qt.Key.Key_Return)  # Enter imports
    assert not dialog.isVisible()
    message = window.statusBar().currentMessage()
    assert message.startswith("Created week.db: 2 events imported. Note: ")
    assert "columns read as: title <- 'Headline', start <- 'When'" in message
    assert message.endswith(" — 2 added, 0 updated, 0 deleted, 0 unchanged")
    with EventStore(target) as store:
        titles = sorted(event.title for event in store.iter_events())
    assert titles == ["Defence ministers meet", "Vilnius Summit"]
    assert window.windowTitle().endswith("week.db — Defence Timeline")


def test_cancelling_the_import_writes_nothing(qtbot, window: MainWindow, tmp_path, monkeypatch) -> None:
    from viewer.store import importer

    def endless_index_build(db) -> None:
        db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")

    monkeypatch.setattr(importer, "finish_schema", endless_index_build)
    folder = tmp_path / "weekly"
    folder.mkdir()
    dialog = _open_import(window, qtbot, [_workbook(folder / "plan.xlsx")], folder / "plan.db")
    dialog.import_button.click()
    bar = window.jobs.progress
    qtbot.waitUntil(lambda: bar.toolTip() == "Indexing", timeout=10_000)
    window.findChild(QToolButton, "cancelButton").click()
    qtbot.waitUntil(lambda: "Import cancelled" in window.statusBar().currentMessage(), timeout=5_000)
    assert sorted(p.name for p in folder.iterdir()) == ["plan.xlsx"]


def test_files_dropped_on_the_window_open_the_dialog_on_them(qtbot, window: MainWindow, tmp_path) -> None:
    source = tmp_path / "briefs.ics"
    source.write_text(CALENDAR, encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(source))])
    window.dropEvent(QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))
    dialog = window.import_dialog
    assert dialog is not None and dialog.sources() == [source]
    _wait(qtbot, dialog)
    assert dialog.format.currentText() == "iCalendar" and _cell(dialog, 0, "Title") == "Staff brief"
    assert not (tmp_path / "briefs.db").exists()  # nothing is written before Import


def test_the_preview_is_read_off_the_ui_thread(qtbot, isolated_settings, tmp_path, monkeypatch) -> None:
    """A slow source (a big workbook) leaves the dialog responsive: its reading runs in a worker."""
    import threading

    from viewer.ui import import_preview

    threads: list[str] = []
    real = import_preview.open_source

    def slow_open(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_preview, "open_source", slow_open)
    dialog = _dialog(qtbot, [SAMPLE_JSON])
    assert threads and threading.main_thread().name not in threads
    assert dialog.table.rowCount() == 20



def test_a_field_set_to_none_stays_unread_though_its_name_matches_a_column(qtbot, isolated_settings, tmp_path) -> None:
    source = tmp_path / "plan.csv"
    source.write_text("Date;Event;Location\r\n2023-06-15;Defence Ministers;Brussels\r\n", encoding="utf-8")
    dialog = ImportDialog(None, Settings(), [source])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.is_reading() and dialog.preview() is not None, timeout=10_000)
    assert dialog.mapping.column("location") == "Location"
    dialog.mapping.choose("location", "")
    qtbot.waitUntil(lambda: not dialog.is_reading() and dialog.mapping.column("location") == ""
                    and dialog.import_button.isEnabled(), timeout=10_000)
    assert dialog.mapping.column("location") == ""  # not snapped back to the column its name finds
    assert ("location", "") in dialog.options().mapping

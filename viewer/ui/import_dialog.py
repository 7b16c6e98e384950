"""The File > Import dialog: the files, their format, a table's sheet, columns and date order, a preview.

The preview is read in a worker (:func:`viewer.ui.import_preview.read_preview`), again whenever
a choice changes (a mapping change after a pause); the caller runs the import when the dialog is
accepted, with :meth:`ImportDialog.sources`, :meth:`~ImportDialog.target` and
:meth:`~ImportDialog.options`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viewer.formatting import display_text
from viewer.store.column_mapping import mapping_file_text
from viewer.store.import_options import ImportOptions
from viewer.store.interchange import IMPORT_FORMAT_TITLES, IMPORT_FORMATS, IMPORT_SUFFIXES
from viewer.ui.import_preview import (
    ALWAYS_SHOWN,
    COLUMNS,
    Preview,
    PreviewRequest,
    file_list_text,
    preview_summary,
    read_preview,
    remember_mapping,
    remembered_mappings,
)
from viewer.ui.mapping_editor import MappingEditor
from viewer.ui.message_box import open_message
from viewer.ui.settings import Settings
from viewer.ui.tasks import Cancelled, CancelToken, Task, run_in_background

DATABASE_FILTER = "Defence Timeline databases (*.db *.sqlite *.sqlite3);;All files (*)"
SOURCE_FILTER = f"Event files ({' '.join('*' + suffix for suffix in IMPORT_SUFFIXES)});;All files (*)"
MAPPING_FILTER = "Mapping files (*.json);;All files (*)"
FOLDER_KEY = "files/folder"  # where the last file was chosen (shared with the window's other file dialogs)
MAPPINGS_KEY = "import/mappings"
GEOMETRY_KEY = "import/geometry"
DEBOUNCE_MS = 300  # a mapping change waits this long for the next before the preview is read again
FIRST_SIZE = (1040, 780)
MAX_COLUMN_PX = (200, 320, 220)  # the widest the ID, Title and Dates columns start; any other column's
OTHER_COLUMN_PX = 200


def _named(widget: QWidget, object_name: str, accessible_name: str) -> QWidget:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


class ImportDialog(QDialog):
    """Asks what to import and how, showing the records as they will be imported."""

    preview_shown = Signal()  # a preview, or the reason there is none, is on screen

    def __init__(self, parent: QWidget | None, settings: Settings, sources: Sequence[Path] = ()) -> None:
        super().__init__(parent)
        _named(self, "importDialog", "Import events")
        self.setWindowTitle("Import Events")
        self._settings = settings
        self._sources: list[Path] = []
        self._chosen_fmt: str | None = None  # None: each file's content tells
        self._chosen_sheet: str | None = None
        self._edited: tuple[tuple[str, str], ...] | None = None  # the user's mapping, once edited
        self._preview: Preview | None = None
        self._task: Task | None = None
        self._generation = 0
        self._target_edited = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        self._connect()
        self._restore_size()
        if sources:
            self.set_sources(sources)
        else:
            self._show_message("Choose the files to import with Browse….")
            self._update_controls()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.files = _named(QLineEdit(self), "importFiles", "Files to import")
        self.files.setReadOnly(True)
        self.files.setPlaceholderText("No file chosen")
        self.browse = _named(QPushButton("Browse…", self), "importBrowse", "Choose the files to import")
        self.format = _named(QComboBox(self), "importFormat", "Format")
        for fmt in IMPORT_FORMATS:
            self.format.addItem(IMPORT_FORMAT_TITLES[fmt], fmt)
        self.format.setCurrentIndex(-1)
        self.detected = _named(QLabel(self), "importDetected", "Detected format")
        self.sheet = _named(QComboBox(self), "importSheet", "Sheet")
        self.sheet.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.sheet.setMinimumContentsLength(20)
        self.dayfirst = _named(QCheckBox("Dates are day first (15.06.2023)", self), "importDayFirst",
                               "Dates are day first")
        self.dayfirst.setToolTip("For tables: read 15.06.2023 and 15/06/2023 as 15 June (otherwise such dates "
                                 "are refused, never guessed)")
        self.database = _named(QLineEdit(self), "importDatabase", "Database to import into")
        self.database.setPlaceholderText("The database file to create or update")
        self.database_browse = _named(QPushButton("Browse…", self), "importDatabaseBrowse",
                                      "Choose the database to import into")
        self.database_note = _named(QLabel(self), "importDatabaseNote", "What happens to the database")
        self.mapping = MappingEditor(self)
        self.preview_status = _named(QLabel(self), "importPreviewStatus", "Preview status")
        self.preview_status.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_status.setWordWrap(True)
        self.table = _named(QTableWidget(0, len(COLUMNS), self), "importPreview", "Records as they will be imported")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.problem = _named(QLabel(self), "importProblem", "Why the file cannot be imported")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # a message quotes the file: never markup
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setMargin(8)
        self.stack = _named(QStackedWidget(self), "importPreviewStack", "Preview")
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.problem)
        self.buttons = _named(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        ), "importButtons", "Import or cancel")
        self.import_button = _named(self.buttons.button(QDialogButtonBox.StandardButton.Ok), "importButton", "Import")
        self.import_button.setText("Import")
        self.import_button.setDefault(True)
        _named(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "importCancel", "Cancel")
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        chosen = QHBoxLayout()
        chosen.addWidget(self.files, 1)
        chosen.addWidget(self.browse)
        formats = QHBoxLayout()
        formats.addWidget(self.format)
        formats.addWidget(self.detected, 1)
        sheets = QHBoxLayout()
        sheets.addWidget(self.sheet)
        sheets.addStretch(1)
        into = QHBoxLayout()
        into.addWidget(self.database, 1)
        into.addWidget(self.database_browse)
        for text, name, buddy, field in (
            ("&Files", "importFilesLabel", self.files, chosen),
            ("F&ormat", "importFormatLabel", self.format, formats),
            ("&Sheet", "importSheetLabel", self.sheet, sheets),
            ("", "importDayFirstLabel", None, self.dayfirst),
            ("&Into database", "importDatabaseLabel", self.database, into),
            ("", "importDatabaseNoteLabel", None, self.database_note),
        ):
            label = _named(QLabel(text, self), name, text.replace("&", "") or "Option")
            if buddy is not None:
                label.setBuddy(buddy)
            form.addRow(label, field)
        self._form = form
        preview = _named(QGroupBox("Preview", self), "importPreviewBox", "Preview of the import")
        box = QVBoxLayout(preview)
        box.addWidget(self.preview_status)
        box.addWidget(self.stack, 1)
        self.splitter = _named(QSplitter(Qt.Orientation.Vertical, self), "importSplitter", "Columns and preview")
        self.splitter.addWidget(self.mapping)
        self.splitter.addWidget(preview)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.browse.clicked.connect(self._browse_files)
        self.database_browse.clicked.connect(self._browse_database)
        self.database.textEdited.connect(self._on_target_edited)
        self.format.currentIndexChanged.connect(self._on_format)
        self.sheet.currentIndexChanged.connect(self._on_sheet)
        self.dayfirst.toggled.connect(lambda _on: self._timer.start())
        self.mapping.mapping_edited.connect(self._on_mapping_edited)
        self.mapping.save_button.clicked.connect(self._save_mapping)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

    # ------------------------------------------------------------------ what was chosen

    def sources(self) -> list[Path]:
        """The files to import."""
        return list(self._sources)

    def target(self) -> Path:
        """The database to import into."""
        return Path(self.database.text().strip()).expanduser()

    def fmt(self) -> str | None:
        """The format the user chose, or None when each file's content tells."""
        return self._chosen_fmt

    def options(self) -> ImportOptions:
        """The options the import is to be run with (as the preview was read)."""
        preview = self._preview
        table = preview is not None and preview.table
        return ImportOptions(
            fmt=self._chosen_fmt,
            mapping=preview.mapping_given if table else (),
            sheet=self._chosen_sheet if table else None,
            dayfirst=table and self.dayfirst.isChecked(),
        )

    def preview(self) -> Preview | None:
        """The preview shown (None while the first one is read)."""
        return self._preview

    def is_reading(self) -> bool:
        """True while a preview is being read."""
        return self._task is not None

    def set_sources(self, paths: Sequence[Path]) -> None:
        """Import these files; their format, sheet and mapping are told afresh."""
        self._sources = [Path(path) for path in paths]
        self.files.setText(file_list_text(self._sources) if self._sources else "")
        self.files.setToolTip("\n".join(display_text(str(path)) for path in self._sources))
        self._chosen_fmt, self._chosen_sheet, self._edited = None, None, None
        if self._sources and not self._target_edited:
            self.database.setText(str(self._sources[0].with_suffix(".db")))
        self.refresh()

    # ------------------------------------------------------------------ reading the preview

    def refresh(self) -> None:
        """Read the preview again (in the background) with what is chosen now."""
        self._timer.stop()
        self._stop_reading()
        if not self._sources:
            self._update_controls()
            return
        settings_text = self._settings.text(MAPPINGS_KEY, "")
        request = PreviewRequest(
            tuple(self._sources), self._chosen_fmt, self._edited, self._chosen_sheet, self.dayfirst.isChecked(),
            remembered_mappings(settings_text),
        )
        self._generation += 1
        generation, token = self._generation, CancelToken()
        self.preview_status.setText(f"Reading {display_text(self._sources[0].name)}…")
        self._task = run_in_background(
            lambda _report: read_preview(request, token.check),
            lambda preview: self._on_preview(generation, preview),
            lambda error: self._on_preview_failed(generation, error),
            parent=self,
            token=token,
        )
        self._update_controls()

    def _stop_reading(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _on_preview(self, generation: int, preview: Preview) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._preview = preview
        self._show_format(preview)
        self._show_table_options(preview)
        if preview.problem is not None:
            self._show_message(preview.problem)
        else:
            self._show_rows(preview)
        self._update_controls()
        self.preview_shown.emit()

    def _on_preview_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation or isinstance(error, Cancelled):
            return
        self._task = None
        self._preview = Preview(problem=f"The file cannot be read: {error}")
        self._show_message(self._preview.problem or "")
        self._update_controls()
        self.preview_shown.emit()

    def _show_format(self, preview: Preview) -> None:
        shown = self._chosen_fmt or ("csv" if preview.table and preview.detected is None else preview.detected)
        with QSignalBlocker(self.format):
            self.format.setCurrentIndex(self.format.findData(shown) if shown else -1)
        several = " (each file's own content tells its format)" if len(self._sources) > 1 else ""
        if preview.detected is None:
            text = "The content does not tell the format: choose one"
        elif self._chosen_fmt and self._chosen_fmt != preview.detected:
            text = f"Read as you chose (the content looks like {IMPORT_FORMAT_TITLES[preview.detected]})"
        else:
            text = "Detected from the content" + ("" if self._chosen_fmt else several)
        self.detected.setText(text)

    def _show_table_options(self, preview: Preview) -> None:
        workbook = bool(preview.sheets)
        with QSignalBlocker(self.sheet):
            self.sheet.clear()
            for name in preview.sheets:
                self.sheet.addItem(display_text(name), name)
            self.sheet.setCurrentIndex(max(0, self.sheet.findData(preview.sheet)) if workbook else -1)
        self._form.setRowVisible(2, workbook)
        self.dayfirst.setEnabled(preview.table)
        self.mapping.setVisible(preview.table and bool(preview.header))
        if preview.table:
            self.mapping.set_columns(preview.header, preview.mapping)
            self.mapping.setTitle("Columns (as remembered for this header)" if preview.remembered else "Columns")
        self.mapping.save_button.setEnabled(preview.table and preview.problem is None)

    def _show_rows(self, preview: Preview) -> None:
        self.table.setRowCount(len(preview.rows))
        for row, cells in enumerate(preview.rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        for column in range(len(COLUMNS)):
            empty = all(not cells[column] for cells in preview.rows)
            self.table.setColumnHidden(column, column >= ALWAYS_SHOWN and empty)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS)):
            widest = MAX_COLUMN_PX[column] if column < len(MAX_COLUMN_PX) else OTHER_COLUMN_PX
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self.preview_status.setText(preview_summary(preview))
        self.stack.setCurrentWidget(self.table)

    def _show_message(self, message: str) -> None:
        self.problem.setText(message)
        self.preview_status.setText("Nothing can be imported as the files are:" if self._sources else "")
        self.stack.setCurrentWidget(self.problem)

    def _update_controls(self) -> None:
        preview = self._preview
        ready = bool(self._sources) and self._task is None and preview is not None and preview.problem is None
        self.import_button.setEnabled(ready and bool(self.target().name))
        if not self._sources:
            self._form.setRowVisible(2, False)
            self.mapping.setVisible(False)
            self.dayfirst.setEnabled(False)
        self._show_target_note()

    def _show_target_note(self) -> None:
        target = self.target()
        if not target.name:
            self.database_note.setText("")
        elif target.is_file():
            self.database_note.setText("This database exists: events with the same ids are updated.")
        else:
            self.database_note.setText("A new database will be created.")

    # ------------------------------------------------------------------ the user's changes

    def _on_format(self, index: int) -> None:
        self._chosen_fmt = str(self.format.itemData(index)) if index >= 0 else None
        self._chosen_sheet, self._edited = None, None
        self.refresh()

    def _on_sheet(self, index: int) -> None:
        self._chosen_sheet = str(self.sheet.itemData(index)) if index >= 0 else None
        self._edited = None
        self.refresh()

    def _on_mapping_edited(self) -> None:
        self._edited = tuple(self.mapping.choices().items())
        self.import_button.setEnabled(False)  # until the preview shows what the change reads
        self._timer.start()

    def _on_target_edited(self, _text: str) -> None:
        self._target_edited = True
        self._update_controls()

    def _browse_files(self) -> None:
        folder = str(self._sources[0].parent) if self._sources else self._settings.text(FOLDER_KEY, str(Path.home()))
        names, _ = QFileDialog.getOpenFileNames(self, "Import Events", folder, SOURCE_FILTER)
        if names:
            self._settings.set(FOLDER_KEY, str(Path(names[0]).parent))
            self.set_sources([Path(name) for name in names])

    def _browse_database(self) -> None:
        start = str(self.target()) if self.target().name else self._settings.text(FOLDER_KEY, str(Path.home()))
        name, _ = QFileDialog.getSaveFileName(
            self, "Import Into Database (an existing database is updated)", start, DATABASE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if name:
            self._target_edited = True
            self.database.setText(name)
            self._update_controls()

    def _save_mapping(self) -> None:
        preview = self._preview
        if preview is None or not preview.table:
            return
        stem = self._sources[0].stem if self._sources else "table"
        start = (self._sources[0].parent if self._sources else Path.home()) / f"{stem}-mapping.json"
        name, _ = QFileDialog.getSaveFileName(self, "Save Column Mapping", str(start), MAPPING_FILTER)
        if not name:
            return
        text = mapping_file_text(
            self.mapping.choices(), sheet=preview.sheet if preview.sheets else None, dayfirst=self.dayfirst.isChecked()
        )
        try:
            Path(name).write_text(text, encoding="utf-8")
        except OSError as error:
            self._warn("The mapping cannot be saved", f"{display_text(name)}: {error.strerror or error}")
            return
        self.preview_status.setText(
            f"Mapping saved to {display_text(Path(name).name)}: "
            f"defence-timeline import FILE --mapping {display_text(name)} reads it"
        )

    def _warn(self, title: str, message: str) -> None:
        self.warning_box = open_message(self, QMessageBox.Icon.Warning, title, message, "importWarning")

    # ------------------------------------------------------------------ accepting, closing

    def _accept(self) -> None:
        if not self.import_button.isEnabled():
            return
        target = self.target()
        problem = None
        if target.is_dir():
            problem = f"{display_text(str(target))} is a folder: choose a database file."
        elif not target.parent.is_dir():
            problem = f"The folder {display_text(str(target.parent))} does not exist."
        elif any(target.resolve() == source.resolve() for source in self._sources):
            problem = "The database cannot be one of the files imported."
        if problem:
            self._warn("Import", problem)
            return
        preview = self._preview
        if preview is not None and preview.table and self._edited is not None:
            text = remember_mapping(self._settings.text(MAPPINGS_KEY, ""), preview.header, preview.mapping)
            self._settings.set(MAPPINGS_KEY, text)
        self._settings.set(FOLDER_KEY, str(self._sources[0].parent))
        self.accept()

    def done(self, result: int) -> None:
        self._timer.stop()
        self._stop_reading()
        self._generation += 1  # a preview still on its way is dropped
        self._settings.set(GEOMETRY_KEY, bytes(self.saveGeometry().toBase64().data()).decode("ascii"))
        super().done(result)

    def _restore_size(self) -> None:
        saved = self._settings.text(GEOMETRY_KEY, "")
        if not saved or not self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
            self.resize(*FIRST_SIZE)
            self.splitter.setSizes([220, 480])

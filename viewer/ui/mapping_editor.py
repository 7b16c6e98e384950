"""The import dialog's column mapping: for each event field, the table column it is read from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QSignalBlocker, QStringListModel, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from viewer.formatting import display_text
from viewer.store.column_mapping import REQUIRED_FIELDS
from viewer.store.import_options import MAPPABLE_FIELDS

FIELD_LABELS = {
    "id": "ID", "title": "Title", "start": "Start", "end": "End", "kind": "Kind", "bodies": "Bodies",
    "location": "Location", "summary": "Summary", "description": "Description", "tags": "Tags",
    "source": "Source", "status": "Status", "timezone": "Time zone", "latitude": "Latitude",
    "longitude": "Longitude",
}
assert set(FIELD_LABELS) == set(MAPPABLE_FIELDS), "every mappable field needs a label"
NONE_TEXT = "(none)"
PAIRS_PER_ROW = 3  # field/column pairs side by side: 15 fields in 5 rows


class MappingEditor(QGroupBox):
    """One combo per field of :data:`MAPPABLE_FIELDS`, listing the table's columns and "(none)".

    :attr:`mapping_edited` says the user changed one; giving a column to a field takes it from
    the field that had it (a column gives one field).
    """

    mapping_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Columns", parent)
        self.setObjectName("importMapping")
        self.setAccessibleName("Which column gives each event field")
        grid = QGridLayout(self)
        self._columns: list[str] = []  # the header's named columns; a combo's index i > 0 is column i - 1
        self._position: dict[str, int] = {}
        self._names = QStringListModel([NONE_TEXT], self)  # one list for every combo: a header may be wide
        self.combos: dict[str, QComboBox] = {}
        for index, field_name in enumerate(MAPPABLE_FIELDS):
            row, pair = divmod(index, PAIRS_PER_ROW)
            combo = QComboBox(self)
            combo.setModel(self._names)
            camel = FIELD_LABELS[field_name].title().replace(" ", "")
            combo.setObjectName(f"importMap{camel}")
            combo.setAccessibleName(f"Column for the {FIELD_LABELS[field_name].lower()}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(lambda _index, f=field_name: self._on_changed(f))
            required = " *" if field_name in REQUIRED_FIELDS else ""
            label = QLabel(f"{FIELD_LABELS[field_name]}{required}", self)
            label.setObjectName(f"importMapLabel{camel}")
            label.setAccessibleName(FIELD_LABELS[field_name])
            label.setBuddy(combo)
            grid.addWidget(label, row, 2 * pair)
            grid.addWidget(combo, row, 2 * pair + 1)
            self.combos[field_name] = combo
        for pair in range(PAIRS_PER_ROW):
            grid.setColumnStretch(2 * pair + 1, 1)
        rows = (len(MAPPABLE_FIELDS) + PAIRS_PER_ROW - 1) // PAIRS_PER_ROW
        self.hint = QLabel("* needed. Columns given no field are kept with each event.", self)
        self.hint.setObjectName("importMappingHint")
        self.hint.setAccessibleName("About the column mapping")
        self.hint.setWordWrap(True)
        self.save_button = QPushButton("Save mapping…", self)
        self.save_button.setObjectName("importSaveMapping")
        self.save_button.setAccessibleName("Save the mapping to a file for --mapping")
        self.save_button.setToolTip("Write this mapping to a file that `defence-timeline import --mapping FILE` reads")
        grid.addWidget(self.hint, rows, 0, 1, 2 * PAIRS_PER_ROW - 1)
        grid.addWidget(self.save_button, rows, 2 * PAIRS_PER_ROW - 1)

    def set_columns(self, header: Sequence[str], mapping: Mapping[str, str]) -> None:
        """Offer the columns of ``header`` and show ``mapping`` (field -> column), without a signal."""
        columns = [column for column in header if column]
        if columns != self._columns:
            blockers = [QSignalBlocker(combo) for combo in self.combos.values()]
            self._columns = columns
            self._position = {column: index + 1 for index, column in enumerate(columns)}
            self._names.setStringList([NONE_TEXT, *(display_text(column) for column in columns)])
            del blockers
        self.set_mapping(mapping)

    def set_mapping(self, mapping: Mapping[str, str]) -> None:
        """Show ``mapping`` with the columns already offered, without a signal."""
        for field_name, combo in self.combos.items():
            with QSignalBlocker(combo):
                combo.setCurrentIndex(self._position.get(mapping.get(field_name, ""), 0))

    def column(self, field_name: str) -> str:
        """The column given to ``field_name`` ("" for none)."""
        index = self.combos[field_name].currentIndex()
        return self._columns[index - 1] if index > 0 else ""

    def mapping(self) -> dict[str, str]:
        """Field -> column, for the fields given a column."""
        return {field_name: column for field_name, column in self.choices().items() if column}

    def choices(self) -> dict[str, str]:
        """Field -> column for every field, "" for one set to "(none)" (then not even the column its
        name would find is read for it)."""
        return {field_name: self.column(field_name) for field_name in self.combos}

    def choose(self, field_name: str, column: str) -> None:
        """Give ``column`` to ``field_name`` ("" for none), as the user would."""
        self.combos[field_name].setCurrentIndex(self._position.get(column, 0))

    def _on_changed(self, field_name: str) -> None:
        index = self.combos[field_name].currentIndex()
        if index > 0:
            for other, combo in self.combos.items():
                if other != field_name and combo.currentIndex() == index:
                    with QSignalBlocker(combo):
                        combo.setCurrentIndex(0)
        self.mapping_edited.emit()

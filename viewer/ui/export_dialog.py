"""The Export Selected dialog: format, destination, how many events, linked events, and the
options of the chosen format (a picture's size and width, a title, CSV for Excel)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from viewer.export.catalogue import (
    BRIEF_FORMATS,
    CSV_FORMATS,
    DEFAULT_WIDTH,
    FORMATS,
    MAX_WIDTH,
    MIN_WIDTH,
    PICTURE_FORMATS,
    SIZES,
)
from viewer.ui.settings import Settings


class ExportDialog(QDialog):
    """Asks where and how to export; the caller runs the export when it is accepted."""

    def __init__(
        self,
        parent: QWidget,
        settings: Settings,
        selected: int,
        count_with_linked: Callable[[], int],
        default_name: str,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export Selected Events")
        self._settings = settings
        self._selected = selected
        self._count_with_linked = count_with_linked
        self._linked_count: int | None = None

        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        self.format.setAccessibleName("Format")
        for fmt in FORMATS.values():
            self.format.addItem(f"{fmt.label} ({fmt.extension})", fmt.key)
        remembered = settings.text("export/format", "csv-readable")
        self.format.setCurrentIndex(max(0, self.format.findData(remembered)))

        folder = Path(settings.text("export/folder", str(Path.home())))
        self.path = QLineEdit(str(folder / (default_name + FORMATS[self.fmt].extension)), self)
        self.path.setObjectName("exportPath")
        self.path.setAccessibleName("Destination file")
        browse = QPushButton("Browse…", self)
        browse.setObjectName("exportBrowse")
        browse.setAccessibleName("Choose the destination file")
        browse.clicked.connect(self._browse)
        destination = QHBoxLayout()
        destination.addWidget(self.path, 1)
        destination.addWidget(browse)

        self.with_linked = QCheckBox("Include linked events that are not selected", self)
        self.with_linked.setObjectName("exportWithLinked")
        self.with_linked.setAccessibleName("Include linked events that are not selected")
        self.excel = QCheckBox("For Excel (UTF-8 with a byte-order mark, so that “Nausėda” reads right)", self)
        self.excel.setObjectName("exportExcel")
        self.excel.setAccessibleName("CSV for Excel: UTF-8 with a byte-order mark")
        self.excel.setChecked(settings.text("export/excel", "") == "1")
        self.width = QSpinBox(self)
        self.width.setObjectName("exportWidth")
        self.width.setAccessibleName("Picture width in pixels")
        self.width.setRange(MIN_WIDTH, MAX_WIDTH)
        self.width.setSingleStep(100)
        self.width.setSuffix(" px")
        self.width.setValue(int(settings.text("export/width", str(DEFAULT_WIDTH)) or DEFAULT_WIDTH))
        self.size = QComboBox(self)
        self.size.setObjectName("exportSize")
        self.size.setAccessibleName("Picture size")
        for size in SIZES.values():
            self.size.addItem(size.label, size.key)
        self.size.setCurrentIndex(max(0, self.size.findData(settings.text("export/size", "custom"))))
        self.title = QLineEdit(self)
        self.title.setObjectName("exportTitle")
        self.title.setAccessibleName("Title of the picture or brief")
        self.title.setPlaceholderText("The chosen event's title, else the dataset's name")
        self.title.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("exportCount")
        self.count.setAccessibleName("Events to export")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("File", destination)
        form.addRow("", self.with_linked)
        form.addRow("", self.excel)
        form.addRow("Size", self.size)
        form.addRow("Width", self.width)
        form.addRow("Title", self.title)
        form.addRow("", self.count)
        form.addRow(self.buttons)
        self.format.currentIndexChanged.connect(self._on_format)
        self.with_linked.toggled.connect(self._update_count)
        self.size.currentIndexChanged.connect(self._on_format)
        self._on_format()
        self.resize(560, self.sizeHint().height())

    @property
    def fmt(self) -> str:
        """The chosen format's key."""
        return str(self.format.currentData())

    @property
    def size_key(self) -> str | None:
        """The chosen picture size preset ("slide", "a4"), or None for the width as chosen."""
        key = str(self.size.currentData())
        return None if key == "custom" else key

    @property
    def title_text(self) -> str | None:
        """The title asked for, or None for the default one."""
        return " ".join(self.title.text().split()) or None

    def options(self) -> dict[str, object]:
        """The chosen options of the format, as the export takes them (see ExportRequest)."""
        picture = self.fmt in PICTURE_FORMATS
        return {
            "with_linked": self.with_linked.isChecked(),
            "width": self.width.value(),
            "excel": self.excel.isChecked() and self.fmt in CSV_FORMATS,
            "size": self.size_key if picture else None,
            "title": self.title_text if picture or self.fmt in BRIEF_FORMATS else None,
        }

    def target(self) -> Path:
        """The chosen file."""
        return Path(self.path.text().strip()).expanduser()

    def _on_format(self) -> None:
        extension = FORMATS[self.fmt].extension
        current = self.target()
        if current.name:
            self.path.setText(str(current.with_suffix(extension)))
        picture = self.fmt in PICTURE_FORMATS
        self.size.setEnabled(picture)
        self.width.setEnabled(picture and self.size_key is None)
        self.title.setEnabled(picture or self.fmt in BRIEF_FORMATS)
        self.excel.setEnabled(self.fmt in CSV_FORMATS)
        self._update_count()

    def _update_count(self) -> None:
        count = self._selected
        if self.with_linked.isChecked():
            if self._linked_count is None:
                self._linked_count = self._count_with_linked()
            count = self._linked_count
        self.count.setText(f"{count:,} event{'s' if count != 1 else ''} will be exported")

    def _browse(self) -> None:
        fmt = FORMATS[self.fmt]
        path, _ = QFileDialog.getSaveFileName(self, "Export To", str(self.target()), fmt.file_filter)
        if path:
            chosen = Path(path)
            self.path.setText(str(chosen if chosen.suffix else chosen.with_suffix(fmt.extension)))

    def _accept(self) -> None:
        target = self.target()
        if not target.name or target.is_dir():
            QMessageBox.warning(self, "Export", "Choose a file name to export to.")
            return
        if not target.parent.is_dir():
            QMessageBox.warning(self, "Export", f"The folder {target.parent} does not exist.")
            return
        if target.exists():
            answer = QMessageBox.question(self, "Replace File?", f"{target.name} already exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._settings.set("export/folder", str(target.parent))
        self._settings.set("export/format", self.fmt)
        self._settings.set("export/width", str(self.width.value()))
        self._settings.set("export/excel", "1" if self.excel.isChecked() else "")
        self._settings.set("export/size", str(self.size.currentData()))
        self.accept()

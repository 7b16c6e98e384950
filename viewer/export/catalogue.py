"""What can be exported: the formats and the picture size limits (one definition, no heavy imports).

The command line builds its options from here, the export dialog its choices, and the writers
check their input against the same values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFormat:
    """A file format the events can be written in."""

    key: str
    label: str
    extension: str
    binary: bool
    picture: bool = False

    @property
    def file_filter(self) -> str:
        """The file dialog's filter: 'CSV for spreadsheets (*.csv)'."""
        return f"{self.label} (*{self.extension})"


FORMATS: dict[str, ExportFormat] = {
    fmt.key: fmt
    for fmt in (
        ExportFormat("csv", "CSV for spreadsheets", ".csv", False),
        ExportFormat("xlsx", "Excel workbook", ".xlsx", True),
        ExportFormat("json", "Defence Timeline JSON", ".json", False),
        ExportFormat("ics", "iCalendar for calendars", ".ics", False),
        ExportFormat("timelinejs", "TimelineJS web timeline", ".json", False),
        ExportFormat("md", "Markdown brief", ".md", False),
        ExportFormat("png", "PNG picture", ".png", True, picture=True),
        ExportFormat("svg", "SVG picture", ".svg", True, picture=True),
        ExportFormat("pdf", "PDF document", ".pdf", True, picture=True),
    )
}
PICTURE_FORMATS = tuple(key for key, fmt in FORMATS.items() if fmt.picture)

DEFAULT_WIDTH = 1600  # pixels (points for PDF)
MIN_WIDTH = 200  # the narrowest picture with room for the lane names
MAX_WIDTH = 20_000

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
    picture: bool = False  # a picture of the timeline
    brief: bool = False  # a brief: a title, a lead, the chains in words, the chronology, the sources

    @property
    def file_filter(self) -> str:
        """The file dialog's filter: 'CSV for spreadsheets (*.csv)'."""
        return f"{self.label} (*{self.extension})"


FORMATS: dict[str, ExportFormat] = {
    fmt.key: fmt
    for fmt in (
        ExportFormat("csv-readable", "CSV for spreadsheets (names, dates as known, relations)", ".csv", False),
        ExportFormat("csv", "CSV in Defence Timeline columns (imports back)", ".csv", False),
        ExportFormat("xlsx", "Excel workbook", ".xlsx", True),
        ExportFormat("json", "Defence Timeline JSON", ".json", False),
        ExportFormat("ics", "iCalendar for calendars", ".ics", False),
        ExportFormat("timelinejs", "TimelineJS web timeline", ".json", False),
        ExportFormat("md", "Markdown brief", ".md", False, brief=True),
        ExportFormat("docx", "Word brief", ".docx", True, brief=True),
        ExportFormat("pdf-brief", "PDF brief", ".pdf", True, brief=True),
        ExportFormat("png", "PNG picture", ".png", True, picture=True),
        ExportFormat("svg", "SVG picture", ".svg", True, picture=True),
        ExportFormat("pdf", "PDF picture", ".pdf", True, picture=True),
    )
}
CSV_FORMATS = ("csv-readable", "csv")  # the ones --excel applies to
PICTURE_FORMATS = tuple(key for key, fmt in FORMATS.items() if fmt.picture)
BRIEF_FORMATS = tuple(key for key, fmt in FORMATS.items() if fmt.brief)
PAGED_BRIEF_FORMATS = ("docx", "pdf-brief")  # briefs laid out in pages, with the picture: bounded in size
MAX_PAGED_BRIEF_EVENTS = 5_000  # a Word or PDF brief (or a printed one) of more events: export Markdown
BRIEF_PICTURE_WIDTH = 1000  # the picture in a Word or PDF brief: readable at the page's text width

DEFAULT_WIDTH = 1600  # pixels (points for PDF)
MIN_WIDTH = 200  # the narrowest picture with room for the lane names
MAX_WIDTH = 20_000


@dataclass(frozen=True)
class PictureSize:
    """A size a picture can be asked in: a page of fixed logical size, or a width (height to fit)."""

    key: str
    label: str
    width: int | None = None  # logical pixels (points in a PDF); None: the width asked
    height: int | None = None  # None: as high as the timeline needs
    pdf_page_mm: tuple[float, float] | None = None  # a PDF's page when it is a paper size


# The picture size presets (``--size slide|a4``). A4 is 297 × 210 mm, in logical pixels at 96 to
# the inch (1123 × 794: text at its size on the screen, a PNG at 2× is about 190 dpi on paper);
# its PDF page is the A4 sheet itself.
A4_WIDTH_MM, A4_HEIGHT_MM = 297.0, 210.0
SIZES: dict[str, PictureSize] = {
    size.key: size
    for size in (
        PictureSize("slide", "Slide, 16:9 (1920 × 1080)", 1920, 1080),
        PictureSize("a4", "A4 landscape (297 × 210 mm)", round(A4_WIDTH_MM / 25.4 * 96),
                    round(A4_HEIGHT_MM / 25.4 * 96), (A4_WIDTH_MM, A4_HEIGHT_MM)),
        PictureSize("custom", "Width as chosen, height to fit"),
    )
}
SIZE_PRESETS = tuple(key for key in SIZES if key != "custom")  # what --size takes

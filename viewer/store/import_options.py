"""What a user may tell an import beyond the files: the format, a column mapping, a sheet, date order."""

from __future__ import annotations

from dataclasses import dataclass

# The event fields a table's column may be mapped to (``--map FIELD=COLUMN``), in the order shown.
MAPPABLE_FIELDS = (
    "id", "title", "start", "end", "kind", "bodies", "location", "summary", "description", "tags", "source",
    "status", "timezone", "latitude", "longitude",
)


@dataclass(frozen=True)
class ImportOptions:
    """Options of one import, given on the command line or in the import dialog.

    ``mapping`` pairs an event field (one of :data:`MAPPABLE_FIELDS`) with a column of a table
    (a CSV/TSV with its own headers, or a workbook's sheet), from ``--map`` and ``--mapping``;
    ``sheet`` names a workbook's sheet; ``dayfirst`` reads 15.06.2023 and 15/06/2023 as day first
    (numeric dates in day/month order are otherwise refused, never guessed).
    """

    fmt: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()
    sheet: str | None = None
    dayfirst: bool = False

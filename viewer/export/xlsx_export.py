"""Writing events as an Excel workbook (XlsxWriter, row by row in constant memory).

The sheet has the columns of :mod:`viewer.export.people_table`: a frozen header row with an
autofilter, real date cells for Start and End (shown at the event's precision: "2023",
"Jun 2023", "15 Jun 2023", "15 Jun 2023 13:00"), and the first web source as a hyperlink. Text
from the data is written as text, never as a formula: every string cell is a string.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import IO

import xlsxwriter

from viewer.export.people_table import COLUMNS, PeopleTable
from viewer.formatting import is_web_link
from viewer.progress import Progress
from viewer.store.dates import PartialDate, Precision
from viewer.store.model import Event

SHEET_NAME = "Events"
_DATE_FORMATS = {Precision.YEAR: "yyyy", Precision.MONTH: "mmm yyyy", Precision.DAY: "d mmm yyyy",
                 Precision.MINUTE: "d mmm yyyy hh:mm"}
_DATE_COLUMNS = (COLUMNS.index("Start"), COLUMNS.index("End"))
_SOURCES = COLUMNS.index("Sources")
_WIDTHS = {"Dates": 26, "Title": 48, "Kind": 16, "Bodies": 40, "Location": 28, "Summary": 60, "Sources": 40,
           "Credibility": 24, "Starred": 9, "Note": 40, "ID": 24, "Start": 16, "End": 16}
MAX_URL_LENGTH = 2079  # the longest hyperlink Excel keeps
MAX_ROWS = 1_048_575  # a sheet's rows below its header
EXCEL_FIRST_YEAR = 1900  # Excel's dates begin in 1900: earlier ones are written as text


def write_xlsx(
    events: Iterable[Event], table: PeopleTable, stream: IO[bytes], total: int = 0, progress: Progress | None = None,
    *, title: str | None = None,
) -> int:
    """Write ``events`` (in order) to ``stream`` as a workbook; returns how many were written."""
    workbook = xlsxwriter.Workbook(stream, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    try:
        if title:
            workbook.set_properties({"title": title[:255]})
        sheet = workbook.add_worksheet(SHEET_NAME)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1})
        wrap = workbook.add_format({"text_wrap": False, "valign": "top"})
        link = workbook.add_format({"font_color": "#1F4E99", "underline": 1, "valign": "top"})
        dates = {precision: workbook.add_format({"num_format": pattern, "valign": "top", "align": "left"})
                 for precision, pattern in _DATE_FORMATS.items()}
        header = table.header()
        for index, name in enumerate(header):
            sheet.set_column(index, index, _WIDTHS.get(name, 22))
            sheet.write_string(0, index, name, bold)
        sheet.freeze_panes(1, 2)  # the header row and the dates and titles stay in view
        written = 0
        for event in events:
            written += 1
            row = written
            cells = table.cells(event)
            for index, text in enumerate(cells):
                if index in _DATE_COLUMNS and text and event.start.year >= EXCEL_FIRST_YEAR:
                    value = event.start if index == _DATE_COLUMNS[0] else event.end
                    sheet.write_datetime(row, index, _cell_date(value), dates[event.precision])
                elif index == _SOURCES and text and (url := _first_web_source(event)):
                    sheet.write_url(row, index, url, link, string=text[:32_767], tip=url[:255])
                elif text:
                    sheet.write_string(row, index, text[:32_767], wrap)  # Excel's longest cell
            if progress and written % 5_000 == 0:
                progress("Writing", written, total)
        sheet.autofilter(0, 0, max(written, 1), len(header) - 1)
    finally:
        workbook.close()
    return written


def _cell_date(value: PartialDate | None) -> datetime | date:
    assert value is not None
    if value.precision is Precision.MINUTE:
        return datetime(value.year, value.month or 1, value.day or 1, value.hour or 0, value.minute or 0)
    return date(value.year, value.month or 1, value.day or 1)


def _first_web_source(event: Event) -> str | None:
    for source in event.sources:
        url = (source.url or "").strip()
        if is_web_link(url) and len(url) <= MAX_URL_LENGTH:
            return url
    return None

"""Tables with their own column names: CSV/TSV files and .xlsx workbooks, one event per row.

A table's first non-blank row is its header; each row below it that is not blank is an event,
read through the mapping of :mod:`viewer.store.column_mapping` (``--map``, ``--mapping``, or
the column names) and validated as any interchange record
(:func:`viewer.store.interchange.event_record`):

- ``start`` and ``end``: a workbook's date cell is a day, a date-and-time cell a minute (a time
  at midnight is a day); text is read as :mod:`viewer.store.dates` reads it, keeping what it
  says ("June 2023" is a month, "15–16 June 2023" a range); ``dayfirst`` also reads
  15.06.2023 and 15/06/2023 day first. A number (a date cell without a date format) is refused;
- ``bodies``: names separated by ``;``, each a body of that name; ``tags`` separated by ``;``;
  ``source``: ``;``-separated items, an ``http(s)://`` URL or else the publisher's name;
  ``status`` one of the app's words (any case); ``latitude`` and ``longitude`` numbers;
- ``id``: the mapped column, else one made from the start and the title
  (``2023-06-15-defence-ministers-meeting``, ``-2``, ``-3`` for repeats in the file), so that
  importing the same table again updates the same events;
- every other named column is kept in the event's ``fields`` (column name -> text).

Cells are taken as they are: a formula's text (``=A1``) is text, an apostrophe is kept.
Refused, naming the file, the row (``row N`` of a sheet, ``line N`` of a text file) and the
column: a value in a column without a name, a row with more cells than the header, a cell
longer than :data:`MAX_CELL_CHARS`, and whatever the record's validation refuses.

A workbook is a file from anyone: it is refused before openpyxl reads it when it is larger
than :data:`MAX_WORKBOOK_BYTES` or its members would inflate beyond :data:`MAX_SHEET_BYTES`
(a worksheet, streamed) or :data:`MAX_PART_BYTES` (any other part, held whole); a sheet holds
at most :data:`MAX_ROWS` rows, a header :data:`MAX_COLUMNS` columns. Workbooks are read with
openpyxl in its streaming mode, the cached values of formulas (never computed here); the XML
parser is expat, which refuses entity expansion bombs.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from viewer.store import csv_text
from viewer.store.column_mapping import resolve_mapping
from viewer.store.dates import InvalidDateError, parse_date, parse_date_range
from viewer.store.errors import DefenceTimelineError, ImportRefusedError
from viewer.store.import_options import ImportOptions
from viewer.store.input_files import MAX_SOURCE_BYTES, SourceText, TextFileSource, open_binary
from viewer.store.model import Document, Status

MAX_WORKBOOK_BYTES = 512 * 1024**2  # the file itself, compressed
MAX_SHEET_BYTES = 2 * 1024**3  # a worksheet's XML, read as a stream
MAX_PART_BYTES = 256 * 1024**2  # any other part (shared strings, styles): openpyxl holds it whole
MAX_PARTS = 10_000
MAX_ROWS = 1_048_576  # Excel's own limits
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = csv_text.MAX_FIELD_CHARS  # as for every CSV field
LIST_SEPARATOR = ";"
PROGRESS_EVERY = 256  # rows between two looks at how far a workbook's sheet has been read

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected workbook
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_PLAIN_ISO = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}:[0-9]{2})?)?)?")  # as the start's id part
_NOT_WORD = re.compile(r"[\W_]+")
_STATUS_SPELLINGS = {"canceled": Status.CANCELLED.value}
_SAVE_AS_XLSX = "save it as an Excel workbook (.xlsx) or as CSV"
_OTHER_SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".numbers")


# ----------------------------------------------------------------------------- opening


def open_table(path: str | Path, options: ImportOptions | None = None) -> TableSource | WorkbookSource:
    """A table file to be read an event per row: a workbook (told by its content: a zip or an
    OLE2 file) as :class:`WorkbookSource`, anything else as delimited text (:class:`TableSource`)."""
    path = Path(path)
    options = options or ImportOptions()
    if is_workbook_file(path):
        return WorkbookSource(path, options)
    if path.suffix.lower() in _OTHER_SPREADSHEETS:  # an HTML or XML "spreadsheet": not a table of text
        raise ImportRefusedError(
            str(path), f"is not a workbook this program reads (a {path.suffix} file that is neither an Excel nor "
            "an OpenDocument workbook): " + _SAVE_AS_XLSX,
        )
    return TableSource(path, options)


def is_workbook_file(path: str | Path) -> bool:
    """True when ``path`` begins as a workbook does (a zip, or an old Excel or encrypted OLE2 file)."""
    return _magic(Path(path)) in (_ZIP_MAGIC, _OLE2_MAGIC[:4])


def looks_like_xlsx(path: str | Path) -> bool:
    """True when ``path`` is a zip file holding ``xl/workbook.xml`` (an .xlsx or .xlsm workbook)."""
    try:
        with open_binary(Path(path), MAX_WORKBOOK_BYTES) as file:
            if file.read(4) != _ZIP_MAGIC:
                return False
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                archive.getinfo("xl/workbook.xml")
                return True
    except (DefenceTimelineError, OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError):
        return False


def read_header(path: str | Path, options: ImportOptions | None = None) -> list[str]:
    """The column names of a table file (its first non-blank row; a workbook's ``options.sheet``)."""
    source = open_table(path, options)
    try:
        return source.header()
    finally:
        source.close()


def table_mapping(path: str | Path, options: ImportOptions | None = None) -> dict[str, str]:
    """The mapping (field -> column) a table file will be read with (see :func:`resolve_mapping`)."""
    source = open_table(path, options)
    try:
        return resolve_mapping(source.header(), source.options, source.label)
    finally:
        source.close()


def sheet_names(path: str | Path) -> list[str]:
    """The names of a workbook's sheets, in their order."""
    source = WorkbookSource(Path(path), ImportOptions())
    try:
        return list(source.sheets)
    finally:
        source.close()


def _magic(path: Path) -> bytes:
    try:
        with open_binary(path, MAX_SOURCE_BYTES) as file:
            return file.read(4)
    except ImportRefusedError:
        return b""  # the reader refuses it again, saying why


# ----------------------------------------------------------------------------- delimited text


class TableSource(TextFileSource):
    """A CSV or TSV file with its own column names (a :class:`RecordSource`; records ``line N``).

    The text is read a chunk at a time, in the encoding :class:`SourceText` tells (UTF-8, UTF-16
    with a byte-order mark, or Windows-1252, said in :attr:`notices`); the delimiter is the one
    the header line uses most outside quotes (comma, semicolon, tab; a ``.tsv`` file's is a tab).
    """

    format = "table"  # the provenance an import records

    def __init__(self, path: str | Path, options: ImportOptions | None = None) -> None:
        path = Path(path)
        super().__init__(SourceText(path, sniff=True))
        self.options = options or ImportOptions()
        try:
            head = self.text.head()
        except BaseException:
            self.text.close()
            raise
        if self.text.notice:
            self.notices.append(self.text.notice)
        self.delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(head)
        self._rows = csv_text.csv_rows(self.text.chunks(), self.label, self.delimiter)
        self._header: tuple[int, list[str]] | None = None

    def header(self) -> list[str]:
        """The column names (read once; :meth:`records` goes on from the row after them)."""
        if self._header is None:
            for number, cells in self._rows:
                if any(cell.strip() for cell in cells):
                    self._header = number, [cell.strip() for cell in cells]
                    break
            else:
                raise ImportRefusedError(self.label, "the file is empty: a header row naming the columns is needed")
        return self._header[1]

    def read(self) -> Iterator[Any]:
        reader = RowReader(self.header(), self.options, self.label, "line")
        self.notices.append(reader.mapping_notice())
        for number, cells in self._rows:
            if any(cell.strip() for cell in cells):
                yield reader.record(cells, number)


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the first line of ``text`` uses most outside quotes
    (a tie goes to the tab, then the semicolon); a comma when it uses none."""
    counts = {"\t": 0, ";": 0, ",": 0}
    quoted = False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif character in counts:
            counts[character] += 1
        elif character in "\r\n":
            break
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


# ----------------------------------------------------------------------------- workbooks


class WorkbookSource:
    """A sheet of an .xlsx workbook (a :class:`RecordSource`; records ``row N``, N the sheet's row).

    Opening checks the file (see the module's notes) and chooses the sheet: ``options.sheet``
    (its exact name, else the one that matches ignoring case), else the first.
    """

    format = "xlsx"

    def __init__(self, path: str | Path, options: ImportOptions | None = None) -> None:
        self.label = str(path)
        self.document = Document()
        self.notices: list[str] = []
        self.options = options or ImportOptions()
        self._workbook: Any = None
        self._file = open_binary(Path(path), MAX_WORKBOOK_BYTES)
        self.size = _file_size(self._file)
        self._done = 0
        self._header: tuple[int, list[str]] | None = None
        try:
            self._sheet_part = self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> zipfile.ZipInfo | None:
        start = self._file.read(8)
        self._file.seek(0)
        if start == _OLE2_MAGIC:
            raise ImportRefusedError(
                self.label, "is an Excel 97-2003 workbook (.xls) or a password-protected one, which are not read: "
                + _SAVE_AS_XLSX + " (without a password)",
            )
        if start[:4] != _ZIP_MAGIC:
            raise ImportRefusedError(self.label, "is not an .xlsx workbook (it is not a zip file): " + _SAVE_AS_XLSX)
        parts = self._checked_parts()
        self._workbook = self._load()
        self.sheets = tuple(self._workbook.sheetnames)
        name = self._sheet_name()
        self.sheet = name
        worksheet = self._workbook[name]
        if not hasattr(worksheet, "iter_rows"):
            raise ImportRefusedError(self.label, f"the sheet {name!r} is a chart, not a table")
        worksheet.reset_dimensions()  # the file's own is not trusted: rows are read as they are
        self._worksheet = worksheet
        self._rows = self._sheet_rows(worksheet)
        return parts.get(str(getattr(worksheet, "_worksheet_path", "")).lstrip("/"))

    def _checked_parts(self) -> dict[str, zipfile.ZipInfo]:
        try:
            with zipfile.ZipFile(self._file) as archive:
                infos = archive.infolist()
                if len(infos) > MAX_PARTS:
                    raise ImportRefusedError(self.label, f"holds more than {MAX_PARTS:,} parts: it is not a workbook")
                parts = {info.filename: info for info in infos}
                if "xl/workbook.xml" not in parts:
                    raise ImportRefusedError(self.label, self._not_a_workbook(archive, parts))
        except zipfile.BadZipFile as error:
            raise ImportRefusedError(self.label, f"is not an .xlsx workbook (a damaged zip file: {error})") from None
        finally:
            self._file.seek(0)
        for name, info in parts.items():
            if info.flag_bits & 0x1:
                raise ImportRefusedError(self.label, "is encrypted: save it without a password")
            sheet = name.startswith("xl/worksheets/")
            limit = MAX_SHEET_BYTES if sheet else MAX_PART_BYTES
            if info.file_size > limit:
                raise ImportRefusedError(
                    self.label, f"its part {name[:100]!r} would inflate to {info.file_size:,} bytes; "
                    f"the most read is {limit:,} (a workbook this large is better saved as CSV)",
                )
        return parts

    def _not_a_workbook(self, archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> str:
        if "xl/workbook.bin" in parts:
            return "is a binary Excel workbook (.xlsb), which is not read: " + _SAVE_AS_XLSX
        if "mimetype" in parts and parts["mimetype"].file_size < 200:
            kind = archive.read("mimetype").decode("ascii", "replace")
            if "opendocument.spreadsheet" in kind:
                return "is an OpenDocument spreadsheet (.ods), which is not read: " + _SAVE_AS_XLSX
        return "is a zip file but not an .xlsx workbook (it has no xl/workbook.xml): " + _SAVE_AS_XLSX

    def _load(self) -> Any:
        from openpyxl import load_workbook

        try:
            with warnings.catch_warnings():  # openpyxl's notes on what it does not keep: not the user's concern
                warnings.simplefilter("ignore")
                return load_workbook(self._file, read_only=True, data_only=True, keep_links=False)
        except DefenceTimelineError:
            raise
        except Exception as error:  # openpyxl's and the XML parser's own errors for a damaged file
            raise ImportRefusedError(
                self.label, f"is not an .xlsx workbook that can be read: {_short(error)}"
            ) from None

    def _sheet_name(self) -> str:
        wanted = self.options.sheet
        if wanted is None:  # the first sheet that is a table (a chart sheet is not)
            first = next((name for name in self.sheets if hasattr(self._workbook[name], "iter_rows")), None)
            if first is None:
                raise ImportRefusedError(self.label, "the workbook has no sheet of cells (only charts, or none)")
            return first
        if wanted in self.sheets:
            return wanted
        alike = [name for name in self.sheets if name.casefold() == wanted.strip().casefold()]
        if len(alike) == 1:
            return alike[0]
        shown = ", ".join(repr(name) for name in self.sheets[:50])
        raise ImportRefusedError(self.label, f"there is no sheet {wanted!r} (sheets: {shown})")

    def _sheet_rows(self, worksheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        rows = worksheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows, None)
            except DefenceTimelineError:
                raise
            except Exception as error:
                raise ImportRefusedError(
                    self.label, f"the sheet cannot be read: {_short(error)}", record=f"row {number + 1}"
                ) from None
            if row is None:
                return
            number += 1
            if number > MAX_ROWS:
                raise ImportRefusedError(
                    self.label, f"the sheet has more than {MAX_ROWS:,} rows, the most a sheet holds",
                    record=f"row {number}",
                )
            if number % PROGRESS_EVERY == 0:
                self._note_progress()
            yield number, row

    def header(self) -> list[str]:
        """The column names: the sheet's first row that is not blank."""
        if self._header is None:
            for number, row in self._rows:
                if not _blank_row(row):
                    self._header = number, [
                        _header_name(value, self.label, number, index) for index, value in enumerate(row)
                    ]
                    break
            else:
                raise ImportRefusedError(
                    self.label, f"the sheet {self.sheet!r} is empty: a header row naming the columns is needed"
                )
        return self._header[1]

    def records(self) -> Iterator[Any]:
        try:
            reader = RowReader(self.header(), self.options, self.label, "row")
            self.notices.append(reader.mapping_notice())
            for number, row in self._rows:
                if not _blank_row(row):
                    yield reader.record(row, number)
            self._done = self.size
        finally:
            self.close()

    def progress(self) -> tuple[int, int]:
        """Bytes of the file: the share of the sheet's compressed part read so far."""
        return self._done, self.size

    def close(self) -> None:
        workbook, self._workbook = self._workbook, None
        if workbook is not None:
            try:
                workbook.close()
            except Exception:  # closing a damaged archive must not hide why it was refused
                pass
        self._file.close()

    def _note_progress(self) -> None:
        part = self._sheet_part
        if part is None or not part.compress_size:
            return
        try:
            position = self._file.tell()
        except (OSError, ValueError):
            return
        read = min(max(position - part.header_offset, 0), part.compress_size)
        self._done = min(self.size, self.size * read // part.compress_size)


def _file_size(file: BinaryIO) -> int:
    import os

    return os.fstat(file.fileno()).st_size


def _header_name(value: Any, label: str, number: int, index: int) -> str:
    text = _cell_text(value)
    if text is not None and len(text) > 1_000:
        raise ImportRefusedError(
            label, f"the name of column {index + 1} is {len(text):,} characters long; it may have at most 1,000",
            record=f"row {number}",
        )
    return (text or "").strip()


def _blank_row(row: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


# ----------------------------------------------------------------------------- rows to records


class RowReader:
    """Turns the rows of a table whose header is ``columns`` into interchange records.

    ``mapping`` is the one :func:`resolve_mapping` gives; :meth:`item` gives a row's interchange
    dict (only converted: the validation is :func:`interchange.event_record`'s, which
    :meth:`record` calls, with the column named in its messages).
    """

    def __init__(self, columns: Sequence[str], options: ImportOptions, label: str, word: str) -> None:
        if len(columns) > MAX_COLUMNS:
            raise ImportRefusedError(
                label, f"the header has {len(columns):,} columns; the most read is {MAX_COLUMNS:,}"
            )
        self.columns = list(columns)
        self.label = label
        self.word = word
        self.dayfirst = options.dayfirst
        self.mapping = resolve_mapping(self.columns, options, label)
        position = {column: index for index, column in enumerate(self.columns) if column}
        self._mapped = [(field, position[column]) for field, column in self.mapping.items()]
        mapped = {position[column] for column in self.mapping.values()}
        self._kept = [(index, name) for index, name in enumerate(self.columns) if name and index not in mapped]
        self._unnamed = [index for index, name in enumerate(self.columns) if not name]
        self._column_of = {field: column for field, column in self.mapping.items()}
        self._column_of["sources"] = self.mapping.get("source", "")
        self._used_ids: set[str] = set()
        self._repeats: dict[str, int] = {}

    def mapping_notice(self) -> str:
        """What the columns were read as, for the user to check: "columns read as: start <- 'Date', …"."""
        pairs = ", ".join(f"{field} <- {column!r}" for field, column in self.mapping.items())
        kept = f"; kept as they are: {', '.join(repr(name) for _index, name in self._kept[:20])}" if self._kept else ""
        more = f" and {len(self._kept) - 20} more" if len(self._kept) > 20 else ""
        return f"{self.label}: columns read as: {pairs}{kept}{more}"

    def record(self, cells: Sequence[Any], number: int) -> Any:
        """The validated record of the row ``number`` (see :meth:`item`)."""
        from viewer.store.interchange import event_record

        where = f"{self.word} {number}"
        item = self.item(cells, number)
        try:
            return event_record(self.label, item, where)
        except ImportRefusedError as error:
            column = self._column_of.get(re.split(r"[.\[]", error.field or "", maxsplit=1)[0])
            if not column:
                raise
            raise ImportRefusedError(
                error.source, f"column {column!r}: {error.problem}", record=error.record,
                record_id=error.record_id, field=error.field,
            ) from None

    def item(self, cells: Sequence[Any], number: int) -> dict[str, Any]:
        """The interchange event dict of one row (its cells as the file gives them)."""
        where = f"{self.word} {number}"
        width = len(self.columns)
        if len(cells) > width:
            extra = next((index for index in range(width, len(cells)) if not _blank(cells[index])), None)
            if extra is not None:
                raise ImportRefusedError(
                    self.label, f"the row has more cells than the header ({width} columns): "
                    f"cell {extra + 1} holds a value", record=where,
                )
        for index in self._unnamed:
            if index < len(cells) and not _blank(cells[index]):
                raise ImportRefusedError(
                    self.label, f"column {index + 1} has no name in the header, but this row has a value in it: "
                    "name the column (or delete it)", record=where,
                )
        item: dict[str, Any] = {}
        for field, index in self._mapped:
            value = cells[index] if index < len(cells) else None
            if _blank(value):
                continue
            try:
                converted = _CONVERTERS[field](self, value)
            except _CellRefusal as refusal:
                raise ImportRefusedError(
                    self.label, f"column {self.mapping[field]!r}: {refusal}", record=where, field=field
                ) from None
            if converted is not None:
                item[_KEYS.get(field, field)] = converted
        kept: dict[str, str] = {}
        for index, name in self._kept:
            if index < len(cells) and not _blank(cells[index]):
                try:
                    kept[name] = _checked_text(cells[index])
                except _CellRefusal as refusal:
                    raise ImportRefusedError(self.label, f"column {name!r}: {refusal}", record=where) from None
        if kept:
            item["fields"] = kept
        if "id" in item:
            self._used_ids.add(item["id"])
        else:
            item = {"id": self._made_id(item, where), **item}
        return item

    # --- one converter a field: a cell that is not blank -> the interchange value

    def _text(self, value: Any) -> str:
        return _checked_text(value).strip()  # " Vilnius" as a spreadsheet pads it is Vilnius

    def _word(self, value: Any) -> str:
        return _checked_text(value).strip()

    def _start(self, value: Any) -> str:
        return self._date(value, ranged=True)

    def _end(self, value: Any) -> str:
        return self._date(value, ranged=False)

    def _date(self, value: Any, *, ranged: bool) -> str:
        if isinstance(value, datetime):
            rounded = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
            if rounded.time() == time(0, 0):
                return rounded.date().isoformat()
            return rounded.strftime("%Y-%m-%dT%H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float | int) and not isinstance(value, bool) and not 1 <= value <= 9999:
            raise _CellRefusal(
                f"is a number ({_cell_text(value)}), not a date: give the cell a date format in the "
                "spreadsheet, or write the date as text (2023-06-15)"
            )
        text = _checked_text(value)
        if not self.dayfirst:
            return text
        read = parse_date_range if ranged else parse_date
        try:
            read(text)
            return text  # read as it is: day first changes nothing
        except InvalidDateError:
            pass
        try:
            found = read(text, dayfirst=True)
        except InvalidDateError as error:
            raise _CellRefusal(str(error)) from None
        start, end = found if ranged else (found, None)
        return start.iso() if end is None else f"{start.iso()}/{end.iso()}"

    def _bodies(self, value: Any) -> list[dict[str, str]]:
        return [{"name": name} for name in _items(_checked_text(value))]

    def _tags(self, value: Any) -> list[str]:
        return _items(_checked_text(value))

    def _sources(self, value: Any) -> list[dict[str, str]]:
        return [{"url": item} if _URL.fullmatch(item) else {"publisher": item} for item in _items(_checked_text(value))]

    def _status(self, value: Any) -> str:
        word = _checked_text(value).strip().lower()
        return _STATUS_SPELLINGS.get(word, word)

    def _coordinate(self, value: Any) -> float:
        if isinstance(value, bool):
            raise _CellRefusal(f"is {value}, not a number")
        if isinstance(value, int | float):
            number = float(value)
        else:
            text = _checked_text(value).strip()
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")  # a decimal comma: a coordinate has no thousands
            try:
                number = float(text) if re.fullmatch(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", text) else math.nan
            except ValueError:
                number = math.nan
            if math.isnan(number):
                raise _CellRefusal(f"{_cell_text(value)[:40]!r} is not a number (write 50.85 or -4.35)")
        if not math.isfinite(number):
            raise _CellRefusal("is not a finite number")
        return number

    def _made_id(self, item: dict[str, Any], where: str) -> str:
        """A readable id from the start and the title: the same rows give the same ids again."""
        start = item.get("start")
        stamp = None
        if isinstance(start, str):
            if _PLAIN_ISO.fullmatch(start):
                stamp = start.replace(":", "").lower()  # as the start is read: no need to read it here
            else:
                try:
                    stamp = parse_date_range(start)[0].iso().replace(":", "").lower()
                except InvalidDateError:
                    stamp = None
        title = _slug(item["title"]) if isinstance(item.get("title"), str) else ""
        base = "-".join(part for part in (stamp, title) if part) or where.replace(" ", "-")
        made = base
        if made in self._used_ids:
            count = self._repeats.get(base, 1)
            while made in self._used_ids:
                count += 1
                made = f"{base}-{count}"
            self._repeats[base] = count
        self._used_ids.add(made)
        return made


class _CellRefusal(Exception):
    """Why a cell cannot be converted; the reader adds file, row and column."""


_CONVERTERS = {
    "id": RowReader._word, "title": RowReader._text, "start": RowReader._start, "end": RowReader._end,
    "kind": RowReader._word, "bodies": RowReader._bodies, "location": RowReader._text,
    "summary": RowReader._text, "description": RowReader._text, "tags": RowReader._tags,
    "source": RowReader._sources, "status": RowReader._status, "timezone": RowReader._word,
    "latitude": RowReader._coordinate, "longitude": RowReader._coordinate,
}
_KEYS = {"source": "sources"}  # the interchange's name of a mapped field, where it differs


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def _checked_text(value: Any) -> str:
    text = _cell_text(value) or ""
    if len(text) > MAX_CELL_CHARS:
        raise _CellRefusal(f"the cell is {len(text):,} characters long; the most read is {MAX_CELL_CHARS:,}")
    return text


def _cell_text(value: Any) -> str | None:
    """A cell as text: numbers as a spreadsheet shows them (no ".0" on a whole number), dates in
    ISO 8601 (a date-and-time to the minute, or the second when it has seconds)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if value.second or value.microsecond else "minutes")
    if isinstance(value, time):
        return value.isoformat(timespec="seconds" if value.second or value.microsecond else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _slug(text: str, most: int = 60) -> str:
    """``text`` as an id's words: lower case, accents dropped, anything but letters and digits a hyphen."""
    text = text[:1_000]
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(character for character in decomposed if not unicodedata.combining(character))
    slug = _NOT_WORD.sub("-", text.casefold()).strip("-")
    if len(slug) > most:
        cut = slug[:most]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")
    return slug


def _short(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"

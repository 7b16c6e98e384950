"""The interchange format: reading JSON and CSV sources into validated records, and back to JSON.

Everything here is checked before anything is written: a source that breaks a rule is refused
with :class:`ImportRefusedError` naming the file, the record and the field.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from viewer.store import csv_text
from viewer.store.csv_text import LineTooLong, csv_lines, field_limit
from viewer.store.dates import InvalidDateError, PartialDate, normalise_timezone, parse_date_range, parse_precision
from viewer.store.dates import parse_date as _parse_date
from viewer.store.errors import ImportRefusedError
from viewer.store.event_fields import CSV_COLUMNS, EVENT_FIELDS, EXTRA_FIELDS, scalar_values
from viewer.store.grading import (
    ADMIRALTY,
    MAX_CODE_LENGTH,
    Confidence,
    GradingScheme,
    scheme_from_dict,
    scheme_to_dict,
)
from viewer.store.ics_import import IcsSource, looks_like_ics
from viewer.store.import_options import ImportOptions
from viewer.store.input_files import SourceText, TextFileSource
from viewer.store.json_stream import RECORD_LISTS, Member, read_members, record_id_for_message, refuse_raw_surrogates
from viewer.store.model import (
    DEFAULT_ROLE,
    Body,
    Document,
    EarlierDates,
    Event,
    Link,
    Participation,
    Relation,
    Source,
    Status,
)
from viewer.store.validity import MAX_ID_LENGTH, MAX_TITLE_LENGTH

FORMAT_NAME = "defence-timeline"
FORMAT_VERSION = 3
# Version 2 added coordinates, fields, history, bodies by name, sources without URL; version 3 the
# grades (an event's credibility, a source's reliability, a link's confidence) and their scheme.
READABLE_VERSIONS = (1, 2, 3)

DOCUMENT_FIELDS = ("format", "version", "name", "description", "view", "grading", "bodies", "events", "links")
BODY_FIELDS = (
    "id",
    "name",
    "acronym",
    "kind",
    "parent",
    "location",
    "founded",
    "dissolved",
    "replaced_by",
    "url",
    "description",
)
LINK_FIELDS = ("from", "to", "relation", "note", "confidence")
SOURCE_FIELDS = ("url", "title", "publisher", "published", "reliability")
# What an import reads (see open_source; --from names one): "csv" is the app's own CSV or any CSV/TSV
# with its own column names (mapped), "xlsx" a workbook, "acled" and "gdelt" those projects' exports.
IMPORT_FORMATS = ("json", "csv", "ics", "acled", "xlsx", "gdelt")
IMPORT_SUFFIXES = (".json", ".csv", ".tsv", ".txt", ".ics", ".xlsx", ".xlsm")  # offered to an import (content decides)
# How each format is named to a user (and "table": a CSV/TSV read through a column mapping).
IMPORT_FORMAT_TITLES = {
    "json": "Defence Timeline JSON", "csv": "CSV / TSV table", "ics": "iCalendar", "acled": "ACLED export",
    "xlsx": "Excel workbook", "gdelt": "GDELT 2.0 events", "table": "CSV / TSV table",
}
TABLE_FORMATS = ("csv", "xlsx")  # the formats a column mapping (--map, --mapping) and --sheet apply to
CSV_LIST_SEPARATOR = ";"
CSV_ROLE_SEPARATOR = ":"
CSV_MAX_FIELD_CHARS = csv_text.MAX_FIELD_CHARS
CSV_MAX_LINE_CHARS = csv_text.MAX_LINE_CHARS


# ----------------------------------------------------------------------------- the CSV cell codec
#
# One codec, used by the CSV export and the CSV import alike (docs/format.md, "CSV"):
# - formula guard: a cell, a list item, or a piece of an item after an escaped ";", that would
#   start with = + - @ tab or CR, even after apostrophes, gets one more apostrophe in front; the
#   import removes exactly that apostrophe (one ' followed by apostrophes and a formula start);
# - list items (bodies, tags, sources) are separated by ";"; inside an item a backslash escapes
#   the next character: "\;" is a ";", "\\" a backslash, and in bodies "\:" a ":" (an item is
#   "id:role"). A backslash before anything else is kept as it is.

FORMULA_STARTS = "=+-@\t\r"  # what a spreadsheet runs as a formula when a cell starts with it
_FORMULA_START = re.compile(f"'*[{re.escape(FORMULA_STARTS)}]")
_GUARDED_FORMULA = re.compile(f"'+[{re.escape(FORMULA_STARTS)}]")
_LIST_ITEM = re.compile(r"(?:[^\\;]|\\.|\\\Z)*", re.S)  # up to an unescaped ";"
_BODY_ID = re.compile(r"(?:[^\\:]|\\.|\\\Z)*", re.S)  # up to an unescaped ":"
_ITEM_ESCAPE = re.compile(r"\\([\\:])|\\;(?:'(?='*[" + re.escape(FORMULA_STARTS) + "]))?")


def guard_formula(text: str) -> str:
    """The text with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if _FORMULA_START.match(text) else text


def unguard_formula(text: str) -> str:
    """The inverse of :func:`guard_formula`: the one guarding apostrophe removed."""
    return text[1:] if _GUARDED_FORMULA.match(text) else text


def encode_list_item(text: str, *, escape_colon: bool = False) -> str:
    """One item of a ``;``-separated CSV list cell: escaped and formula-guarded."""
    pieces = []
    for piece in text.split(CSV_LIST_SEPARATOR):
        piece = piece.replace("\\", "\\\\")
        if escape_colon:
            piece = piece.replace(CSV_ROLE_SEPARATOR, "\\" + CSV_ROLE_SEPARATOR)
        pieces.append(guard_formula(piece))
    return ("\\" + CSV_LIST_SEPARATOR).join(pieces)


def encode_participation(body_id: str, role: str) -> str:
    """A body item of the CSV ``bodies`` cell: ``id:role``, both escaped."""
    return encode_list_item(body_id, escape_colon=True) + CSV_ROLE_SEPARATOR + encode_list_item(role, escape_colon=True)


def split_list_cell(cell: str) -> list[str]:
    """The items of a list cell, still encoded, split at the unescaped ``;``."""
    items: list[str] = []
    position = 0
    while True:
        end = _LIST_ITEM.match(cell, position).end()
        items.append(cell[position:end])
        if end >= len(cell):
            return items
        position = end + 1  # past the separator


def decode_list_item(item: str) -> str:
    """The inverse of :func:`encode_list_item`; surrounding whitespace is removed."""
    item = unguard_formula(item.strip())
    return _ITEM_ESCAPE.sub(lambda match: match.group(1) or CSV_LIST_SEPARATOR, item).strip()


def decode_participation(item: str) -> tuple[str, str | None]:
    """A body item's id and role (``None`` when it names no role)."""
    item = item.strip()
    end = _BODY_ID.match(item).end()
    role = decode_list_item(item[end + 1:]) if end < len(item) else None
    return decode_list_item(item[:end]), role or None


class _Refusal(Exception):
    """Raised inside a record reader; the caller adds file and record to make the message."""

    def __init__(self, field_name: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field_name = field_name
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Record:
    """One validated record of a source: ``kind`` is body, event, link or deletion (``item`` is
    then the id of the event to delete); ``label`` says where."""

    kind: str
    label: str
    item: Body | Event | Link | str


class RecordSource(Protocol):
    """A source read one record at a time (see :func:`open_source` and :class:`ParsedSource`).

    ``document`` holds the source's name, description and view, complete once ``records()``
    is exhausted (a JSON document may give them after its records); ``notices`` what the user
    should know of a reading that was accepted (a recurrence cut short).
    """

    label: str
    document: Document
    notices: list[str]
    format: str  # one of IMPORT_FORMATS: what the import records as the events' provenance

    def records(self) -> Iterator[Record]: ...

    def progress(self) -> tuple[int, int]:
        """How far reading has come, as (done, total) in units of the source's own."""
        ...

    def close(self) -> None:
        """Let go of the file (if any), read to its end or not."""
        ...


@dataclass
class ParsedSource:
    """One import source read whole and validated record by record, with a label for each record."""

    label: str
    document: Document
    body_labels: list[str] = field(default_factory=list)
    event_labels: list[str] = field(default_factory=list)
    link_labels: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    format: str = "json"
    _given: int = field(default=0, init=False, repr=False)  # how many records() has given so far

    def records(self) -> Iterator[Record]:
        """The bodies, then the events, then the links, as an import reads them."""
        self._given = 0
        for kind, plural in _PLURALS.items():
            for item, label in zip(getattr(self.document, plural), getattr(self, f"{kind}_labels"), strict=True):
                self._given += 1
                yield Record(kind, label, item)

    def progress(self) -> tuple[int, int]:
        doc = self.document
        return self._given, len(doc.bodies) + len(doc.events) + len(doc.links)

    def close(self) -> None:
        """Nothing to let go of: the source is in memory."""

    def add(self, record: Record) -> None:
        """Keep ``record`` (as read from a stream) in this source's lists."""
        getattr(self.document, _PLURALS[record.kind]).append(record.item)
        getattr(self, f"{record.kind}_labels").append(record.label)


_PLURALS = {singular: plural for plural, singular in RECORD_LISTS.items()}


def _collected(label: str, document: Document, records: Iterator[Record]) -> ParsedSource:
    parsed = ParsedSource(label, document)
    with _gc_paused():  # millions of small objects: the collector would only slow this down
        for record in records:
            parsed.add(record)
    return parsed


# ----------------------------------------------------------------------------- reading files


class _StreamedSource(TextFileSource):
    """A source file read a chunk at a time (see :func:`open_source`)."""

    def __init__(self, text: SourceText, records: Callable[[Document], Iterator[Record]], fmt: str) -> None:
        super().__init__(text)
        self.format = fmt
        self._records = records

    def read(self) -> Iterator[Record]:
        return self._records(self.document)


def detect_format(head: str, path: Path) -> str | None:
    """The import format (one of :data:`IMPORT_FORMATS`) a text file's first text and name tell, or None
    (a workbook is told by its bytes: see :func:`open_source`)."""
    from viewer.store.acled_import import looks_like_acled, looks_like_acled_deletions
    from viewer.store.gdelt_import import looks_like_gdelt

    if looks_like_ics(head) or path.suffix.lower() == ".ics":
        return "ics"
    if _looks_like_json(head, path):
        return "json"
    if looks_like_gdelt(head):  # before the name: GDELT's files are named *.export.CSV
        return "gdelt"
    if looks_like_acled(head) or looks_like_acled_deletions(head):
        return "acled"
    if path.suffix.lower() in (".csv", ".tsv", ".txt") or any(mark in head.partition("\n")[0] for mark in ",;\t"):
        return "csv"
    return None


def open_source(path: str | Path, fmt: str | None = None, options: ImportOptions | None = None) -> RecordSource:
    """Open one import file to be read record by record: in ``fmt`` (one of :data:`IMPORT_FORMATS`,
    or ``options.fmt``) when given, else as its content (then its name) tells.

    A CSV file whose columns are the app's own is read as such; any other table (a CSV or TSV
    with its own column names, a workbook) is read through its column mapping (``options``: see
    :mod:`viewer.store.table_import`). Nothing is held but the record being read: a source of any
    size reads in bounded memory (a calendar is parsed whole: see :mod:`viewer.store.ics_import`).
    """
    from viewer.store import table_import

    path = Path(path)
    options = options or ImportOptions()
    fmt = fmt or options.fmt
    if fmt is not None and fmt not in IMPORT_FORMATS:
        raise ImportRefusedError(str(path), f"unknown import format {fmt!r} (use one of: {', '.join(IMPORT_FORMATS)})")
    if fmt in (None, "xlsx") and table_import.is_workbook_file(path):
        return table_import.open_table(path, options)
    if fmt == "xlsx":
        raise ImportRefusedError(str(path), "is not an Excel workbook (.xlsx): it is not a zip file")
    head = _sniffed_head(path)
    kind = fmt or detect_format(head, path)
    own_csv = kind == "csv" and not options.mapping and _is_own_csv_header(head)
    if kind not in TABLE_FORMATS and (options.mapping or options.sheet):
        raise ImportRefusedError(
            str(path),
            f"a column mapping or a sheet applies to tables (CSV, TSV, workbooks), not to {kind or 'such'} files",
        )
    if kind == "csv" and not own_csv:
        return table_import.open_table(path, options)
    text = SourceText(path)
    try:
        head = text.head()
        if kind == "ics":
            if not looks_like_ics(head):
                raise ImportRefusedError(text.label, "is not an iCalendar file: it does not begin with BEGIN:VCALENDAR")
            return IcsSource(text)
        if kind == "acled":
            from viewer.store.acled_import import AcledSource

            return AcledSource(text)
        if kind == "gdelt":
            from viewer.store.gdelt_import import GdeltSource

            return GdeltSource(text)
        if kind == "json":
            return _StreamedSource(text, lambda document: _json_records(text.chunks(), text.label, document), "json")
        if kind == "csv":
            readings = iter((text.chunks(),))  # the first reading, then the file opened again
            return _StreamedSource(
                text,
                lambda document: _csv_records(
                    lambda: next(readings, None) or _read_again(path), text.label, _csv_delimiter(head)
                ),
                "csv",
            )
    except BaseException:
        text.close()
        raise
    text.close()
    raise ImportRefusedError(
        text.label, "unsupported format: expected a Defence Timeline JSON document, a CSV, TSV or Excel table, "
        "an iCalendar file, or an ACLED or GDELT export (--from names the format)"
    )


def detect_file_format(path: str | Path) -> str | None:
    """The import format a file's content tells (a workbook by its bytes, the rest by their text), or
    None when it tells none or cannot be read (opening it says why)."""
    from viewer.store.table_import import is_workbook_file

    path = Path(path)
    try:
        return "xlsx" if is_workbook_file(path) else detect_format(_sniffed_head(path), path)
    except ImportRefusedError:
        return None


def _sniffed_head(path: Path) -> str:
    """The first text of ``path``, whatever its encoding (see :class:`SourceText`'s ``sniff``)."""
    with contextlib.closing(SourceText(path, sniff=True)) as sniffed:
        return sniffed.head()


def _is_own_csv_header(head: str) -> bool:
    """True when the first line of ``head`` names only the app's own CSV columns (see :func:`_csv_records`)."""
    line = re.split(r"[\r\n]", head, maxsplit=1)[0]
    names = [name.strip().lower() for name in line.split(_csv_delimiter(line))]
    return bool(names) and all(name in CSV_COLUMNS for name in names) and {"id", "title", "start"} <= set(names)


def _read_again(path: Path) -> Iterator[str]:
    again = SourceText(path)
    try:
        yield from again.chunks()
    finally:
        again.close()


def read_source(path: str | Path) -> ParsedSource:
    """Read and validate one import file whole (see :func:`open_source`)."""
    source = open_source(path)
    parsed = _collected(source.label, source.document, source.records())
    parsed.notices.extend(source.notices)
    parsed.format = source.format
    return parsed


def _looks_like_json(text: str, path: Path) -> bool:
    return path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "[")


def parse_json_text(text: str, label: str) -> ParsedSource:
    """Validate a JSON interchange document given as text (strict JSON: see :mod:`viewer.store.json_stream`)."""
    refuse_raw_surrogates(text, label)
    document = Document()
    return _collected(label, document, _json_records(iter((text,)), label, document))


def parse_document(data: object, label: str) -> ParsedSource:
    """Validate an already-decoded JSON document."""
    if not isinstance(data, dict):
        raise ImportRefusedError(label, "unsupported format: the document must be a JSON object")
    document = Document()
    members = (Member(key, None, value) for key, value in data.items())
    return _collected(label, document, _document_records(members, label, document))


def _json_records(chunks: Iterator[str], label: str, document: Document) -> Iterator[Record]:
    return _document_records(read_members(chunks, label), label, document)


def _document_records(members: Iterator[Member], label: str, document: Document) -> Iterator[Record]:
    """The records of an interchange document's top-level members; ``document`` gets the rest."""
    seen_format = seen_version = seen_record = False
    for member in members:
        key, value = member.key, member.value
        if member.index is not None:
            seen_record = True
            yield _graded_record(label, _record(label, key, member.index, value), document)
        elif key == "format":
            if value != FORMAT_NAME:
                raise ImportRefusedError(
                    label, f"unsupported format: expected \"format\": \"{FORMAT_NAME}\"", field="format"
                )
            seen_format = True
        elif key == "version":
            _check_version(label, value)
            seen_version = True
        elif key in RECORD_LISTS:
            if value is None:
                continue
            if not isinstance(value, list):
                raise ImportRefusedError(label, f"{key!r} must be a list", field=key)
            for index, item in enumerate(value, start=1):
                seen_record = True
                yield _graded_record(label, _record(label, key, index, item), document)
        elif key == "grading":
            if seen_record:
                raise ImportRefusedError(label, "the grading scheme must come before the bodies, events and links "
                                                "it grades", field="grading")
            try:
                document.grading = scheme_from_dict(value)
            except ValueError as error:
                raise ImportRefusedError(label, str(error).removeprefix("grading: ").removeprefix("grading."),
                                         field=_grading_field(str(error))) from None
        elif key in DOCUMENT_FIELDS:
            try:
                if key == "view":
                    document.view = _view(value)
                else:
                    setattr(document, key, _text({key: value}, key))
            except _Refusal as refusal:
                raise ImportRefusedError(label, refusal.problem, field=refusal.field_name) from None
        elif not seen_format:
            raise ImportRefusedError(label, f"unsupported format: expected \"format\": \"{FORMAT_NAME}\"")
        else:
            raise ImportRefusedError(label, f"unknown top-level field {key!r}")
    if not seen_format:
        raise ImportRefusedError(label, f"unsupported format: expected \"format\": \"{FORMAT_NAME}\"", field="format")
    if not seen_version:
        _check_version(label, None)


def _grading_field(message: str) -> str:
    """The field a scheme's refusal names ("grading.reliability[2].code: …" → "grading.reliability[2].code")."""
    return message.split(":", 1)[0] if message.startswith("grading") else "grading"


def _graded_record(label: str, record: Record, document: Document) -> Record:
    """``record``, its grades checked against the document's scheme (the Admiralty code when it declares none)."""
    problem = grade_problem(record.item, document.grading or ADMIRALTY)
    if problem is not None:
        item = record.item
        raise ImportRefusedError(label, problem[1], record=record.label, field=problem[0],
                                 record_id=getattr(item, "id", None))
    return record


def grade_problem(item: object, scheme: GradingScheme) -> tuple[str, str] | None:
    """(field, problem) for the first grade of an event (its credibility, its sources' reliability)
    that is not one of ``scheme``'s, else None; anything else has no grade a scheme decides."""
    if not isinstance(item, Event):
        return None
    if item.credibility is not None:
        try:
            scheme.credibility_grade(item.credibility)
        except ValueError as error:
            return "credibility", str(error)
    for index, source in enumerate(item.sources, start=1):
        if source.reliability is not None:
            try:
                scheme.reliability_grade(source.reliability)
            except ValueError as error:
                return f"sources[{index}].reliability", str(error)
    return None


def _check_version(label: str, version: object) -> None:
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        readable = " and ".join(str(number) for number in READABLE_VERSIONS)
        raise ImportRefusedError(
            label, f"unsupported version {version!r}: this program reads versions {readable}", field="version"
        )


def event_record(source: str, item: Mapping[str, Any], label: str) -> Record:
    """An event given by another format's reader as an interchange record (a dict of the JSON
    event's fields), validated as one: refused with ``source`` and ``label`` in the message."""
    return Record("event", label, _read_record(source, _event_from_record, dict(item), label))


def deletion_record(source: str, event_id: object, label: str) -> Record:
    """A request (from a deletions file) to delete the event ``event_id``: refused with ``source``
    and ``label`` in the message unless it is an id."""
    return Record("deletion", label, _read_record(source, lambda r: _identifier(r, "id"), {"id": event_id}, label))


def _record(label: str, key: str, index: int, value: object) -> Record:
    kind = RECORD_LISTS[key]
    return Record(kind, f"{kind} #{index}", _read_record(label, _RECORD_READERS[kind], value, f"{kind} #{index}"))


def _read_record(
    source: str, reader: Callable[[Mapping[str, Any]], Any], record: object, label: str
) -> Any:
    record_id = record_id_for_message(record)
    if not isinstance(record, dict):
        raise ImportRefusedError(source, "each record must be a JSON object", record=label)
    try:
        return reader(record)
    except _Refusal as refusal:
        raise ImportRefusedError(
            source, refusal.problem, record=label, record_id=record_id, field=refusal.field_name
        ) from None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything acyclic)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_csv_text(text: str, label: str) -> ParsedSource:
    """Validate a CSV file of events given as text (see :func:`_csv_records`)."""
    parsed = _collected(label, Document(), _csv_records(lambda: iter((text,)), label, _csv_delimiter(text)))
    parsed.format = "csv"
    return parsed


def _csv_records(chunks: Callable[[], Iterator[str]], label: str, delimiter: str) -> Iterator[Record]:
    """The events of a CSV file: a header row, one event per row.

    ``bodies`` holds ``;``-separated body ids (each optionally ``id:role``), ``tags`` and
    ``sources`` hold ``;``-separated tags and URLs, in the codec of :func:`encode_list_item`;
    every cell loses the formula guard of :func:`guard_formula`. Fields hold at most
    :data:`CSV_MAX_FIELD_CHARS` characters. ``chunks`` gives the text from its start (again
    when a field is too long, to say which column holds it).
    """
    reader = csv.reader(
        csv_lines(chunks(), CSV_MAX_LINE_CHARS), delimiter=delimiter, quotechar='"', doublequote=True, strict=True
    )
    columns: list[str] = []
    rows_read = 0
    row_start = 1
    with field_limit(CSV_MAX_FIELD_CHARS):
        try:
            header = next(reader, None)
            if header is None:
                raise ImportRefusedError(label, "the CSV file is empty: a header row is needed")
            columns = [name.strip().lower() for name in header]
            _check_csv_header(label, columns)
            while True:
                row_start = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    break
                rows_read += 1
                line = f"line {row_start}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(columns):
                    raise ImportRefusedError(label, "the row has more cells than the header", record=line)
                record = {
                    name: cell if name in _CSV_LIST_COLUMNS else unguard_formula(cell)
                    for name, cell in zip(columns, row, strict=False)
                    if cell.strip() != ""
                }
                yield Record("event", line, _read_record(label, _event_from_csv_record, record, line))
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                _refuse_long_field(chunks(), rows_read + 1, row_start, columns, label, delimiter)
            raise ImportRefusedError(label, f"malformed CSV at line {reader.line_num}: {error}") from None
        except LineTooLong:
            raise ImportRefusedError(
                label, f"a line is longer than {CSV_MAX_LINE_CHARS:,} characters, the most an import reads",
                record=f"line {reader.line_num + 1}",
            ) from None


_CSV_LIST_COLUMNS = ("bodies", "tags", "sources", "source_reliability")


def _csv_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the header line uses most (column names hold none of them).

    The header alone decides, so that no cell below it (which may hold anything) can sway it.
    """
    end = re.search(r"[\r\n]", text)
    header = text[: end.start()] if end else text
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _refuse_long_field(
    chunks: Iterator[str], row_number: int, line: int, columns: list[str], label: str, delimiter: str
) -> None:
    """Name the column of the field longer than :data:`CSV_MAX_FIELD_CHARS` in data row ``row_number``."""
    column = "?"
    with field_limit(sys.maxsize):
        reader = csv.reader(csv_lines(chunks, CSV_MAX_LINE_CHARS), delimiter=delimiter, quotechar='"', strict=False)
        row: list[str] = []
        for _ in range(row_number + 1):  # the header, then the rows up to the long one
            row = next(reader, [])
    for index, cell in enumerate(row):
        if len(cell) > CSV_MAX_FIELD_CHARS:
            column = columns[index] if index < len(columns) else f"number {index + 1}"
            break
    raise ImportRefusedError(
        label,
        f"a field is longer than {CSV_MAX_FIELD_CHARS:,} characters (16 MiB), the most an import reads",
        record=f"line {line}",
        field=column,
    ) from None


def _check_csv_header(label: str, columns: list[str]) -> None:
    for name in columns:
        if name not in CSV_COLUMNS:
            raise ImportRefusedError(
                label,
                f"unknown CSV column {name!r} (columns: {', '.join(CSV_COLUMNS)})",
            )
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise ImportRefusedError(label, f"the CSV column {name!r} appears twice")
        seen.add(name)
    for required in ("id", "title", "start"):
        if required not in columns:
            raise ImportRefusedError(label, f"the CSV header has no {required!r} column")


def _event_from_csv_record(record: Mapping[str, str]) -> Event:
    converted: dict[str, Any] = dict(record)
    if "within" in record:
        converted["within"] = _csv_bool(record["within"])
    if "bodies" in record:
        converted["bodies"] = [_csv_participation(item) for item in split_list_cell(record["bodies"]) if item.strip()]
    if "tags" in record:
        converted["tags"] = _decoded_items(record["tags"])
    if "sources" in record:
        converted["sources"] = [{"url": url} for url in _decoded_items(record["sources"])]
    if "source_reliability" in record:
        grades = [decode_list_item(item) for item in split_list_cell(converted.pop("source_reliability"))]
        sources = converted.setdefault("sources", [])
        if len(grades) > len(sources):
            raise _Refusal("source_reliability", f"gives {len(grades)} grades for {len(sources)} sources "
                                                 "(one per source of the sources cell, in its order)")
        for source, grade in zip(sources, grades, strict=False):
            if grade:
                source["reliability"] = grade
    for name in ("latitude", "longitude"):
        if name in record:
            converted[name] = _csv_number(record[name], name)
    if "fields" in record:
        try:
            converted["fields"] = json.loads(record["fields"])
        except (ValueError, RecursionError):
            raise _Refusal("fields", 'must be a JSON object of name -> text, such as {"fatalities": "3"}') from None
    return _event_from_record(converted)


def _csv_number(cell: str, name: str) -> float:
    try:
        return float(cell.strip())
    except ValueError:
        raise _Refusal(name, f"must be a number of degrees, not {cell[:40]!r}") from None


def _decoded_items(cell: str) -> list[str]:
    return [text for text in (decode_list_item(item) for item in split_list_cell(cell)) if text]


def _csv_participation(item: str) -> dict[str, str]:
    body_id, role = decode_participation(item)
    return {"id": body_id, "role": role or DEFAULT_ROLE}


def _csv_bool(cell: str) -> bool:
    value = cell.strip().lower()
    if value in ("1", "true", "yes", "y"):
        return True
    if value in ("", "0", "false", "no", "n"):
        return False
    raise _Refusal("within", f"expected true or false, not {value!r}")


# ----------------------------------------------------------------------------- record readers

_BODY_KEYS, _EVENT_KEYS = frozenset(BODY_FIELDS), frozenset(EVENT_FIELDS + EXTRA_FIELDS)
_LINK_KEYS, _SOURCE_KEYS = frozenset(LINK_FIELDS), frozenset(SOURCE_FIELDS)
_PARTICIPATION_KEYS = frozenset(("id", "name", "role"))
_HISTORY_KEYS = frozenset(("start", "end", "precision", "timezone", "within", "replaced", "file"))
MAX_FIELDS = 500  # an event's other fields (an ACLED row has about 30, GDELT's 50)
MAX_HISTORY = 100  # earlier dates kept per event: the newest
SLUG_LENGTH = 200  # the most of a name a body's id is made from
_SLUG_GAPS = re.compile(r"[\W_]+")


def _body_from_record(record: Mapping[str, Any]) -> Body:
    _reject_unknown(record, _BODY_KEYS)
    body_id = _identifier(record, "id")
    founded = _optional_date(record, "founded")
    dissolved = _optional_date(record, "dissolved")
    if founded and dissolved and dissolved.end_instant() <= founded.first_instant():
        raise _Refusal("dissolved", "the body is dissolved before it was founded")
    body = Body(
        id=body_id,
        name=_required_text(record, "name", limit=MAX_TITLE_LENGTH),
        acronym=_text(record, "acronym"),
        kind=_text(record, "kind"),
        parent=_optional_identifier(record, "parent"),
        location=_text(record, "location"),
        founded=founded.iso() if founded else None,
        dissolved=dissolved.iso() if dissolved else None,
        replaced_by=_optional_identifier(record, "replaced_by"),
        url=_text(record, "url"),
        description=_text(record, "description"),
    )
    if body.parent == body_id:
        raise _Refusal("parent", "a body cannot be its own parent")
    if body.replaced_by == body_id:
        raise _Refusal("replaced_by", "a body cannot replace itself")
    return body


def _event_from_record(record: Mapping[str, Any]) -> Event:
    _reject_unknown(record, _EVENT_KEYS)
    event_id = _identifier(record, "id")
    title = _required_text(record, "title", limit=MAX_TITLE_LENGTH)
    precision = None
    if record.get("precision") is not None:
        precision = _field_date_call("precision", lambda: parse_precision(record["precision"]))
    if record.get("start") is None:
        raise _Refusal("start", "a start date is required")
    # The start may be a range as analysts write it ("15–16 June 2023"): its end is the event's end.
    start, end = _field_date_call("start", lambda: parse_date_range(record["start"], precision))
    if record.get("end") is not None:
        if end is not None:
            raise _Refusal("end", "the start is already a range of dates; give the end in one place only")
        end = _field_date_call("end", lambda: _parse_date(record["end"], start.precision))
    timezone = None
    if record.get("timezone") is not None:
        timezone = _field_date_call("timezone", lambda: normalise_timezone(record["timezone"]))
    else:
        timezone = start.zone or (end.zone if end else None)
    start = _without_zone(start)
    end = _without_zone(end) if end else None
    if end is not None and end.first_instant(timezone) < start.first_instant(timezone):
        raise _Refusal("end", f"the end {end.iso()} is before the start {start.iso()}")
    return Event(
        id=event_id,
        title=title,
        start=start,
        end=end,
        timezone=timezone,
        within=_boolean(record, "within"),
        kind=_text(record, "kind", limit=MAX_ID_LENGTH),
        status=_status(record),
        location=_text(record, "location"),
        summary=_text(record, "summary"),
        description=_text(record, "description"),
        credibility=_grade_code(record, "credibility"),
        bodies=_participations(record),
        tags=_tags(record),
        sources=_sources(record),
        **_place(record),
        fields=_fields(record),
        history=_history(record),
    )


def _place(record: Mapping[str, Any]) -> dict[str, float]:
    """``latitude`` and ``longitude``, both or neither, in degrees of their range."""
    values: dict[str, float] = {}
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = record.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Refusal(name, f"must be a number of degrees, not {type(value).__name__}")
        if not -bound <= value <= bound:  # also refuses NaN
            raise _Refusal(name, f"{value!r} is outside -{bound} to {bound} degrees")
        values[name] = float(value)
    if len(values) == 1:
        missing = "longitude" if "latitude" in values else "latitude"
        raise _Refusal(missing, "a place needs both latitude and longitude")
    return values


def _fields(record: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """``fields``: the source's other columns, an object of name -> text (empty values left out)."""
    value = record.get("fields")
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise _Refusal("fields", "must be an object of name -> text")
    if len(value) > MAX_FIELDS:
        raise _Refusal("fields", f"has {len(value):,} fields; an event may have at most {MAX_FIELDS}")
    try:  # the common case checked by builtins over the whole object; a refusal then says which field
        names = [name.strip() for name in value]
        texts = value.values()
        if all(names) and max(map(len, value), default=0) <= MAX_ID_LENGTH and max(
            map(len, filter(None, texts)), default=0
        ) <= MAX_TITLE_LENGTH:
            return tuple([(name, text) for name, text in zip(names, texts, strict=True)
                          if text is not None and text.strip()])
    except (AttributeError, TypeError):
        pass
    for name, text in value.items():
        if not isinstance(name, str) or not name.strip():
            raise _Refusal("fields", "a field's name cannot be empty")
        _check_length(name, MAX_ID_LENGTH, "fields", "a field's name ")
        where = f"fields.{name[:60]}"
        if text is not None and not isinstance(text, str):
            raise _Refusal(where, f"must be text, not {type(text).__name__}")
        _check_length(text or "", MAX_TITLE_LENGTH, where)
    raise AssertionError("a field the checks above should have refused")  # pragma: no cover


def _history(record: Mapping[str, Any]) -> tuple[EarlierDates, ...]:
    """``history``: the dates the event had before, oldest first (see :class:`EarlierDates`)."""
    items = _list(record, "history")
    result: list[EarlierDates] = []
    for index, item in enumerate(items, start=1):
        where = f"history[{index}]"
        if not isinstance(item, dict):
            raise _Refusal(where, 'each earlier date must be an object {"start": ..., ...}')
        _reject_unknown(item, _HISTORY_KEYS, prefix=where + ".")
        dates = {key: item[key] for key in ("start", "end", "precision", "timezone", "within") if key in item}
        try:
            earlier = _event_from_record({"id": "history", "title": "history", **dates})
        except _Refusal as refusal:
            raise _Refusal(f"{where}.{refusal.field_name}", refusal.problem) from None
        replaced = _optional_date(item, "replaced", label=where + ".replaced")
        entry = EarlierDates(
            start=earlier.start.iso(), end=earlier.end.iso() if earlier.end else None,
            precision=earlier.precision.value, timezone=earlier.timezone, within=earlier.within,
            replaced=replaced.iso() if replaced else None,
            file=_text(item, "file", label=where + ".file", limit=MAX_TITLE_LENGTH),
        )
        if entry not in result:
            result.append(entry)
    return tuple(result[-MAX_HISTORY:])


MAX_HISTORY_JSON = 1024 * 1024  # the stored history of one event, as JSON text


def history_from_json(text: object) -> tuple[EarlierDates, ...]:
    """The earlier dates stored for an event (JSON text, see :func:`history_to_dict`); none when
    the text is not a readable history (a file changed by another program)."""
    if not isinstance(text, str) or len(text) > MAX_HISTORY_JSON:
        return ()
    try:
        return _history({"history": json.loads(text)})
    except (ValueError, _Refusal, RecursionError):
        return ()


def read_extras(latitude: object, longitude: object, fields: object, history: object) -> dict[str, object]:
    """The :class:`Event` fields an ``event_extras`` row holds (stored by an import, perhaps changed
    by another program): each part that is not what an import writes is left out."""
    values: dict[str, object] = {}
    try:
        values.update(_place({"latitude": latitude, "longitude": longitude}))
    except _Refusal:
        pass
    if isinstance(fields, str):
        try:
            values["fields"] = _fields({"fields": json.loads(fields)})
        except (ValueError, _Refusal, RecursionError):
            pass
    earlier = history_from_json(history)
    if earlier:
        values["history"] = earlier
    return {name: value for name, value in values.items() if value != ()}


@functools.lru_cache(maxsize=65_536)  # the same actors name event after event
def body_id_for_name(name: str) -> str:
    """The id a body given by name alone gets: its name in lower case, words joined by hyphens
    ("Military Forces of Russia (2000-)" -> ``military-forces-of-russia-2000``), any script kept."""
    slug = _SLUG_GAPS.sub("-", name.casefold()).strip("-")[:SLUG_LENGTH].strip("-")
    return slug or "body-" + "-".join(f"{ord(character):x}" for character in name.strip()[:20])


def _without_zone(value: PartialDate) -> PartialDate:
    if value.zone is None:
        return value
    return PartialDate(
        value.year, value.month, value.day, value.hour, value.minute, value.precision, None
    )


def _view(value: object) -> tuple[str, str] | None:
    """The optional ``view``: {"start": date, "end": date}, the range to show first."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise _Refusal("view", 'must be {"start": date, "end": date}')
    first = _field_date_call("view.start", lambda: _without_zone(_parse_date(value["start"])))
    last = _field_date_call("view.end", lambda: _without_zone(_parse_date(value["end"])))
    if last.end_instant() <= first.first_instant():
        raise _Refusal("view.end", "the end of the view is before its start")
    return first.iso(), last.iso()


def _link_from_record(record: Mapping[str, Any]) -> Link:
    _reject_unknown(record, _LINK_KEYS)
    source = _identifier(record, "from")
    target = _identifier(record, "to")
    relation_text = record.get("relation")
    if relation_text is None:
        raise _Refusal("relation", "a relation is required")
    try:
        relation = Relation(str(relation_text).strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Relation)
        raise _Refusal(
            "relation", f"unknown relation {str(relation_text)[:60]!r} (use one of: {allowed})"
        ) from None
    if source == target:
        raise _Refusal("to", "an event cannot be linked to itself")
    return Link(source, target, relation, _text(record, "note"), _confidence(record))


def _confidence(record: Mapping[str, Any]) -> Confidence | None:
    value = record.get("confidence")
    if value is None:
        return None
    try:
        return Confidence(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in Confidence)
        raise _Refusal("confidence", f"unknown confidence {str(value)[:60]!r} (use one of: {allowed})") from None


def _grade_code(record: Mapping[str, Any], name: str, *, label: str | None = None) -> str | None:
    """A grade's code as written ("b" → "B", 3 → "3"): letters or digits; the scheme's own codes are
    checked by :func:`grade_problem`, once the scheme is known."""
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Refusal(label or name, f"a grade must be text or a whole number, not {type(value).__name__}")
    code = str(value).strip().upper()
    if len(code) > MAX_CODE_LENGTH or not code.isalnum():
        raise _Refusal(label or name, f"{str(value)[:20]!r} is not a grade (a grade is a code such as A or 3)")
    return code


def _participations(record: Mapping[str, Any]) -> tuple[Participation, ...]:
    items = _list(record, "bodies")
    result: list[Participation] = []
    for index, item in enumerate(items, start=1):
        where = f"bodies[{index}]"
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            item = {"id": item}
        if not isinstance(item, dict):
            raise _Refusal(where, "each body must be an object {\"id\": ..., \"role\": ...}")
        _reject_unknown(item, _PARTICIPATION_KEYS, prefix=where + ".")
        name = None
        if item.get("id") is None and item.get("name") is not None:  # a body by name: created if missing
            name = _required_text(item, "name", label=where + ".name", limit=MAX_TITLE_LENGTH).strip()
            body_id = body_id_for_name(name)
        else:
            body_id = _identifier(item, "id", label=where + ".id")
        role = _text(item, "role", label=where + ".role", limit=MAX_ID_LENGTH) or DEFAULT_ROLE
        participation = Participation(body_id, role.strip(), name)  # a blank role is no role
        if participation not in result:
            result.append(participation)
    return tuple(result)


def _tags(record: Mapping[str, Any]) -> tuple[str, ...]:
    result: list[str] = []
    for index, item in enumerate(_list(record, "tags"), start=1):
        if not isinstance(item, str) or not item.strip():
            raise _Refusal(f"tags[{index}]", "each tag must be non-empty text")
        _check_length(item, MAX_ID_LENGTH, f"tags[{index}]")
        item = item.strip()
        if item not in result:
            result.append(item)
    return tuple(result)


def _sources(record: Mapping[str, Any]) -> tuple[Source, ...]:
    result: list[Source] = []
    for index, item in enumerate(_list(record, "sources"), start=1):
        where = f"sources[{index}]"
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            raise _Refusal(where, "each source must be an object {\"url\": ...}")
        _reject_unknown(item, _SOURCE_KEYS, prefix=where + ".")
        published = _optional_date(item, "published", label=where + ".published")
        url = _text(item, "url", label=where + ".url", limit=MAX_TITLE_LENGTH)
        title = _text(item, "title", label=where + ".title")
        publisher = _text(item, "publisher", label=where + ".publisher")
        if url is None and title is None and publisher is None:
            raise _Refusal(where, "a source needs a URL, a title or a publisher")
        reliability = _grade_code(item, "reliability", label=where + ".reliability")
        result.append(Source(url.strip() if url else None, title, publisher, published.iso() if published else None,
                             reliability))
    return tuple(result)


_RECORD_READERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "body": _body_from_record, "event": _event_from_record, "link": _link_from_record,
}


# ----------------------------------------------------------------------------- field helpers


def _reject_unknown(record: Mapping[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
    if record.keys() <= allowed:
        return
    unknown = next(key for key in record if key not in allowed)
    raise _Refusal(prefix + str(unknown), "unknown field")


def _text(record: Mapping[str, Any], name: str, *, label: str | None = None, limit: int | None = None) -> str | None:
    """An optional text field: ``None`` when absent, empty or only whitespace; at most ``limit``
    characters (the most a viewer reads back: see :mod:`viewer.store.validity`)."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Refusal(label or name, f"must be text, not {type(value).__name__}")
    _check_length(value, limit, label or name)
    return value if value.strip() else None


def _check_length(value: str, limit: int | None, where: str, what: str = "") -> None:
    """Refuse a text longer than ``limit``: the viewer would skip its row as unreadable."""
    if limit is not None and len(value) > limit:
        raise _Refusal(where, f"{what}is {len(value):,} characters long; it may have at most {limit:,}")


def _required_text(record: Mapping[str, Any], name: str, *, label: str | None = None,
                   limit: int | None = None) -> str:
    value = _text(record, name, label=label, limit=limit)
    if value is None or not value.strip():
        raise _Refusal(label or name, f"{name!r} is required and cannot be empty")
    return value


def _identifier(record: Mapping[str, Any], name: str, *, label: str | None = None) -> str:
    value = record.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Refusal(label or name, f"{name!r} is required and cannot be empty")
    if not isinstance(value, str):
        raise _Refusal(label or name, f"an id must be text, not {type(value).__name__}")
    if value != value.strip():
        raise _Refusal(label or name, "an id cannot begin or end with spaces")
    _check_length(value, MAX_ID_LENGTH, label or name, "an id ")
    return value


def _optional_identifier(record: Mapping[str, Any], name: str) -> str | None:
    return None if record.get(name) is None else _identifier(record, name)


def _optional_date(
    record: Mapping[str, Any], name: str, *, label: str | None = None
) -> PartialDate | None:
    if record.get(name) is None:
        return None
    return _field_date_call(label or name, lambda: _without_zone(_parse_date(record[name])))


def _field_date_call(name: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except InvalidDateError as error:
        raise _Refusal(name, str(error)) from None


def _boolean(record: Mapping[str, Any], name: str) -> bool:
    value = record.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _Refusal(name, "must be true or false")
    return value


def _status(record: Mapping[str, Any]) -> Status | None:
    value = record.get("status")
    if value is None:
        return None
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise _Refusal("status", f"unknown status {str(value)[:60]!r} (use one of: {allowed})") from None


def _list(record: Mapping[str, Any], name: str) -> list[Any]:
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Refusal(name, "must be a list")
    return value


# ----------------------------------------------------------------------------- writing


def document_to_dict(document: Document) -> dict[str, Any]:
    """The JSON-ready interchange form; optional fields that are empty are left out."""
    result: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    if document.name is not None:
        result["name"] = document.name
    if document.description is not None:
        result["description"] = document.description
    if document.view is not None:
        result["view"] = {"start": document.view[0], "end": document.view[1]}
    if document.grading is not None:
        result["grading"] = scheme_to_dict(document.grading)
    result["bodies"] = [_compact(body_to_dict(body)) for body in document.bodies]
    result["events"] = [event_to_dict(event) for event in document.events]
    result["links"] = [link_to_dict(link) for link in document.links]
    return result


def link_to_dict(link: Link) -> dict[str, Any]:
    """One link in the interchange form."""
    return _compact({"from": link.source, "to": link.target, "relation": link.relation.value, "note": link.note,
                     "confidence": link.confidence.value if link.confidence else None})


def body_to_dict(body: Body) -> dict[str, Any]:
    """A body's fields by name (the interchange form before empty fields are left out)."""
    return {name: getattr(body, name) for name in BODY_FIELDS}


def event_to_dict(event: Event) -> dict[str, Any]:
    """One event in the interchange form."""
    scalars = scalar_values(event)
    scalars["within"] = True if event.within else None
    return _compact(
        {
            **scalars,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "fields": dict(event.fields) or None,
            "history": [_compact(history_to_dict(entry)) for entry in event.history],
            "bodies": [{"id": p.body_id, "role": p.role} for p in event.bodies],
            "tags": list(event.tags),
            "sources": [
                _compact(
                    {
                        "url": s.url,
                        "title": s.title,
                        "publisher": s.publisher,
                        "published": s.published,
                        "reliability": s.reliability,
                    }
                )
                for s in event.sources
            ],
        }
    )


def history_to_dict(entry: EarlierDates) -> dict[str, Any]:
    """One earlier date of an event, by field name (``within`` only when true)."""
    return {
        "start": entry.start, "end": entry.end, "precision": entry.precision, "timezone": entry.timezone,
        "within": True if entry.within else None, "replaced": entry.replaced, "file": entry.file,
    }


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != []}

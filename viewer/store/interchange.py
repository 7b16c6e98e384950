"""The interchange format: reading JSON and CSV sources into validated records, and back to JSON.

Everything here is checked before anything is written: a source that breaks a rule is refused
with :class:`ImportRefusedError` naming the file, the record and the field.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from viewer.store.dates import InvalidDateError, PartialDate, normalise_timezone, parse_date_range, parse_precision
from viewer.store.dates import parse_date as _parse_date
from viewer.store.errors import ImportRefusedError
from viewer.store.event_fields import EVENT_FIELDS, scalar_values
from viewer.store.input_files import read_source_bytes
from viewer.store.model import (
    DEFAULT_ROLE,
    Body,
    Document,
    Event,
    Link,
    Participation,
    Relation,
    Source,
    Status,
)

FORMAT_NAME = "defence-timeline"
FORMAT_VERSION = 1

DOCUMENT_FIELDS = ("format", "version", "name", "description", "view", "bodies", "events", "links")
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
LINK_FIELDS = ("from", "to", "relation", "note")
SOURCE_FIELDS = ("url", "title", "publisher", "published")
CSV_LIST_SEPARATOR = ";"
CSV_ROLE_SEPARATOR = ":"
CSV_MAX_FIELD_CHARS = 16 * 1024 * 1024  # the longest CSV field an import reads (16 MiB of text)
_RECORD_KINDS = {"bodies": "body", "events": "event", "links": "link"}


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


@dataclass
class ParsedSource:
    """One import source, validated on its own, with a label for each record for messages."""

    label: str
    document: Document
    body_labels: list[str] = field(default_factory=list)
    event_labels: list[str] = field(default_factory=list)
    link_labels: list[str] = field(default_factory=list)

    def refuse(self, record: str, record_id: str | None, field_name: str | None, problem: str):
        """An :class:`ImportRefusedError` located in this source."""
        return ImportRefusedError(
            self.label, problem, record=record, record_id=record_id, field=field_name
        )


# ----------------------------------------------------------------------------- reading files


def read_source(path: str | Path) -> ParsedSource:
    """Read and validate one JSON or CSV file (chosen by content, then by extension)."""
    path = Path(path)
    label = str(path)
    raw = read_source_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefusedError(
            label, f"is not UTF-8 text (bad byte at offset {error.start})"
        ) from None
    if _looks_like_json(text, path):
        return parse_json_text(text, label)
    if path.suffix.lower() in (".csv", ".tsv", ".txt") or "," in text.partition("\n")[0]:
        return parse_csv_text(text, label)
    raise ImportRefusedError(
        label, "unsupported format: expected a Defence Timeline JSON document or a CSV file"
    )


def _looks_like_json(text: str, path: Path) -> bool:
    return path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "[")


def parse_json_text(text: str, label: str) -> ParsedSource:
    """Validate a JSON interchange document given as text.

    Strict JSON: a key given twice in one object, a lone surrogate in a string (``"\\ud800"``;
    an escaped pair is one character and fine) and NaN or Infinity are refused.
    """
    _refuse_raw_surrogates(text, label)
    strict = _StrictJson()
    with _gc_paused():  # millions of small objects: the collector would only slow this down
        try:
            data = json.loads(text, object_pairs_hook=strict.object, parse_constant=strict.constant)
        except json.JSONDecodeError as error:
            raise ImportRefusedError(
                label, f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None
        except RecursionError:
            raise ImportRefusedError(label, "malformed JSON: nested too deeply") from None
        except ValueError:  # an integer longer than Python converts
            raise ImportRefusedError(
                label, f"malformed JSON: a number has more than {sys.get_int_max_str_digits():,} digits"
            ) from None
        if strict.broken:
            _refuse_broken_json(data, label)
        _refuse_escaped_surrogates(text, label)
        return parse_document(data, label)


class _Duplicated(dict):
    """An object that gave a key twice (kept to say where, then refused)."""

    duplicate: str


class _NonFinite:
    """Where the document said NaN, Infinity or -Infinity (kept to say where, then refused)."""

    def __init__(self, name: str) -> None:
        self.name = name


class _StrictJson:
    """The hooks of a strict ``json.loads``: they mark what is wrong rather than raise."""

    def __init__(self) -> None:
        self.broken = False

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        self.broken = True
        seen: set[str] = set()
        marked = _Duplicated(result)
        marked.duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))
        return marked

    def constant(self, name: str) -> _NonFinite:
        self.broken = True
        return _NonFinite(name)


def _refuse_broken_json(data: Any, label: str) -> None:
    """Find the first duplicate key or non-finite number, in document order, and refuse it."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _NonFinite):
            _refuse_at(data, path, label, f"{node.name} is not allowed: JSON has no NaN or Infinity")
        if isinstance(node, _Duplicated):
            where = "the top-level object" if not path else "an object"
            _refuse_at(data, path, label, f"duplicate key {node.duplicate!r} in {where} (keys must be unique)")
        if isinstance(node, dict):
            stack.extend((value, (*path, key)) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((value, (*path, index)) for index, value in reversed(list(enumerate(node))))


def _refuse_at(data: Any, path: tuple[str | int, ...], label: str, problem: str) -> None:
    """Refuse with the record (``event #3``) and the field (``sources[1].url``) of ``path``."""
    record = record_id = None
    rest = path
    if len(path) >= 2 and path[0] in _RECORD_KINDS and isinstance(path[1], int) and isinstance(data, dict):
        record = f"{_RECORD_KINDS[str(path[0])]} #{path[1] + 1}"
        record_id = _record_id_for_message(data[path[0]][path[1]])
        rest = path[2:]
    field_name = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in rest).lstrip(".")
    raise ImportRefusedError(label, problem, record=record, record_id=record_id, field=field_name or None)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_CHUNK = 1 << 24


def _refuse_raw_surrogates(text: str, label: str) -> None:
    """Refuse a text holding surrogate code points themselves (only text not read from UTF-8 can)."""
    if text.isascii():
        return
    for offset in range(0, len(text), _SURROGATE_CHUNK):
        try:
            text[offset:offset + _SURROGATE_CHUNK].encode("utf-8")
        except UnicodeEncodeError as error:
            _refuse_surrogate(text, offset + error.start, label)


def _refuse_escaped_surrogates(text: str, label: str) -> None:
    """Refuse a ``\\uD800``–``\\uDFFF`` escape that is not half of a high–low pair.

    Runs on text that parsed as JSON, so every escape is inside a string; a backslash that is
    itself escaped (``\\\\ud800`` is the six characters ``\\ud800``) is not an escape.
    """
    pending_high = -1  # where an escaped high surrogate waiting for its low half starts
    for match in _SURROGATE_ESCAPE.finditer(text):
        start = before = match.start()
        while before and text[before - 1] == "\\":
            before -= 1
        if (start - before) % 2:  # the backslash is itself escaped: plain text
            continue
        is_high = match.group()[3] in "89abAB"
        if pending_high != -1:
            if not is_high and start == pending_high + 6:
                pending_high = -1
                continue
            _refuse_surrogate(text, pending_high, label)
        if not is_high:
            _refuse_surrogate(text, start, label)
        pending_high = start
    if pending_high != -1:
        _refuse_surrogate(text, pending_high, label)


def _refuse_surrogate(text: str, position: int, label: str) -> None:
    shown = text[position:position + 6] if text[position] == "\\" else f"U+{ord(text[position]):04X}"
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    raise ImportRefusedError(
        label,
        f"malformed JSON at line {line}, column {column}: lone surrogate {shown} in a string "
        "(only a high and a low surrogate together make a character)",
    )


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


def parse_document(data: object, label: str) -> ParsedSource:
    """Validate an already-decoded JSON document."""
    if not isinstance(data, dict):
        raise ImportRefusedError(label, "unsupported format: the document must be a JSON object")
    if data.get("format") != FORMAT_NAME:
        raise ImportRefusedError(
            label, f"unsupported format: expected \"format\": \"{FORMAT_NAME}\"", field="format"
        )
    version = data.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ImportRefusedError(
            label,
            f"unsupported version {version!r}: this program reads version {FORMAT_VERSION}",
            field="version",
        )
    unknown = sorted(set(data) - set(DOCUMENT_FIELDS))
    if unknown:
        raise ImportRefusedError(label, f"unknown top-level field {unknown[0]!r}")
    parsed = ParsedSource(label, Document())
    try:
        parsed.document.name = _text(data, "name")
        parsed.document.description = _text(data, "description")
        parsed.document.view = _view(data.get("view"))
    except _Refusal as refusal:
        raise ImportRefusedError(label, refusal.problem, field=refusal.field_name) from None
    for key, reader, target, labels in (
        ("bodies", _body_from_record, parsed.document.bodies, parsed.body_labels),
        ("events", _event_from_record, parsed.document.events, parsed.event_labels),
        ("links", _link_from_record, parsed.document.links, parsed.link_labels),
    ):
        records = data.get(key)
        if records is None:
            continue
        if not isinstance(records, list):
            raise ImportRefusedError(label, f"{key!r} must be a list", field=key)
        singular = _RECORD_KINDS[key]
        for index, record in enumerate(records, start=1):
            record_label = f"{singular} #{index}"
            target.append(_read_record(parsed, reader, record, record_label))
            labels.append(record_label)
    check_document(parsed)
    return parsed


def _read_record(
    parsed: ParsedSource, reader: Callable[[Mapping[str, Any]], Any], record: object, label: str
) -> Any:
    record_id = _record_id_for_message(record)
    if not isinstance(record, dict):
        raise parsed.refuse(label, None, None, "each record must be a JSON object")
    try:
        return reader(record)
    except _Refusal as refusal:
        raise parsed.refuse(label, record_id, refusal.field_name, refusal.problem) from None


def _record_id_for_message(record: object) -> str | None:
    if isinstance(record, dict):
        value = record.get("id")
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def parse_csv_text(text: str, label: str) -> ParsedSource:
    """Validate a CSV file of events: a header row, one event per row.

    ``bodies`` holds ``;``-separated body ids (each optionally ``id:role``), ``tags`` and
    ``sources`` hold ``;``-separated tags and URLs, in the codec of :func:`encode_list_item`;
    every cell loses the formula guard of :func:`guard_formula`. Fields hold at most
    :data:`CSV_MAX_FIELD_CHARS` characters.
    """
    lines = _CountedLines(text)
    reader = csv.reader(lines, delimiter=_csv_delimiter(text), quotechar='"', doublequote=True, strict=True)
    parsed = ParsedSource(label, Document())
    columns: list[str] = []
    row_start, row_offset = 1, 0
    with _gc_paused(), _csv_field_limit(CSV_MAX_FIELD_CHARS):
        try:
            header = next(reader, None)
            if header is None:
                raise ImportRefusedError(label, "the CSV file is empty: a header row is needed")
            columns = [name.strip().lower() for name in header]
            _check_csv_header(label, columns)
            while True:
                row_start, row_offset = reader.line_num + 1, lines.consumed
                row = next(reader, None)
                if row is None:
                    break
                line = f"line {row_start}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(columns):
                    raise parsed.refuse(line, None, None, "the row has more cells than the header")
                record = {
                    name: cell if name in _CSV_LIST_COLUMNS else unguard_formula(cell)
                    for name, cell in zip(columns, row, strict=False)
                    if cell.strip() != ""
                }
                parsed.document.events.append(
                    _read_record(parsed, _event_from_csv_record, record, line)
                )
                parsed.event_labels.append(line)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                _refuse_long_field(text, row_offset, row_start, columns, label)
            raise ImportRefusedError(label, f"malformed CSV at line {reader.line_num}: {error}") from None
    check_document(parsed)
    return parsed


_CSV_LIST_COLUMNS = ("bodies", "tags", "sources")


class _CountedLines:
    """The lines of a text as the csv module wants them (``newline=""``), counting what was read."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.consumed = 0  # characters handed out so far

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            raise StopIteration
        self.consumed += len(line)
        return line


def _csv_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the header line uses most (column names hold none of them).

    The header alone decides, so that no cell below it (which may hold anything) can sway it.
    """
    end = re.search(r"[\r\n]", text)
    header = text[: end.start()] if end else text
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """The csv module's (process-wide) field size limit, set to ``limit`` for one read."""
    previous = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _refuse_long_field(text: str, offset: int, line: int, columns: list[str], label: str) -> None:
    """Name the column of the field longer than :data:`CSV_MAX_FIELD_CHARS` in the row at ``offset``."""
    column = "?"
    with _csv_field_limit(sys.maxsize):
        lines = _CountedLines(text[offset:])
        row = next(csv.reader(lines, delimiter=_csv_delimiter(text), quotechar='"', strict=False), [])
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
        if name not in EVENT_FIELDS:
            raise ImportRefusedError(
                label,
                f"unknown CSV column {name!r} (columns: {', '.join(EVENT_FIELDS)})",
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
    return _event_from_record(converted)


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


def _body_from_record(record: Mapping[str, Any]) -> Body:
    _reject_unknown(record, BODY_FIELDS)
    body_id = _identifier(record, "id")
    founded = _optional_date(record, "founded")
    dissolved = _optional_date(record, "dissolved")
    if founded and dissolved and dissolved.end_instant() <= founded.first_instant():
        raise _Refusal("dissolved", "the body is dissolved before it was founded")
    body = Body(
        id=body_id,
        name=_required_text(record, "name"),
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
    _reject_unknown(record, EVENT_FIELDS)
    event_id = _identifier(record, "id")
    title = _required_text(record, "title")
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
        kind=_text(record, "kind"),
        status=_status(record),
        location=_text(record, "location"),
        summary=_text(record, "summary"),
        description=_text(record, "description"),
        bodies=_participations(record),
        tags=_tags(record),
        sources=_sources(record),
    )


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
    _reject_unknown(record, LINK_FIELDS)
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
    return Link(source, target, relation, _text(record, "note"))


def _participations(record: Mapping[str, Any]) -> tuple[Participation, ...]:
    items = _list(record, "bodies")
    result: list[Participation] = []
    for index, item in enumerate(items, start=1):
        where = f"bodies[{index}]"
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            item = {"id": item}
        if not isinstance(item, dict):
            raise _Refusal(where, "each body must be an object {\"id\": ..., \"role\": ...}")
        _reject_unknown(item, ("id", "role"), prefix=where + ".")
        body_id = _identifier(item, "id", label=where + ".id")
        role = _text(item, "role", label=where + ".role") or DEFAULT_ROLE
        participation = Participation(body_id, role.strip())  # a blank role is no role
        if participation not in result:
            result.append(participation)
    return tuple(result)


def _tags(record: Mapping[str, Any]) -> tuple[str, ...]:
    result: list[str] = []
    for index, item in enumerate(_list(record, "tags"), start=1):
        if not isinstance(item, str) or not item.strip():
            raise _Refusal(f"tags[{index}]", "each tag must be non-empty text")
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
        _reject_unknown(item, SOURCE_FIELDS, prefix=where + ".")
        published = _optional_date(item, "published", label=where + ".published")
        result.append(
            Source(
                url=_required_text(item, "url", label=where + ".url").strip(),
                title=_text(item, "title", label=where + ".title"),
                publisher=_text(item, "publisher", label=where + ".publisher"),
                published=published.iso() if published else None,
            )
        )
    return tuple(result)


# ----------------------------------------------------------------------------- field helpers


def _reject_unknown(record: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    unknown = [key for key in record if key not in allowed]
    if unknown:
        raise _Refusal(prefix + str(unknown[0]), "unknown field")


def _text(record: Mapping[str, Any], name: str, *, label: str | None = None) -> str | None:
    """An optional text field: ``None`` when absent, empty or only whitespace."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Refusal(label or name, f"must be text, not {type(value).__name__}")
    return value if value.strip() else None


def _required_text(record: Mapping[str, Any], name: str, *, label: str | None = None) -> str:
    value = _text(record, name, label=label)
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


# ----------------------------------------------------------------------------- whole-document rules


def check_document(parsed: ParsedSource) -> None:
    """Refuse duplicate ids and duplicate links inside one source."""
    doc = parsed.document
    for items, labels, key in (
        (doc.bodies, parsed.body_labels, lambda b: b.id),
        (doc.events, parsed.event_labels, lambda e: e.id),
        (doc.links, parsed.link_labels, lambda k: (k.source, k.target, k.relation)),
    ):
        first_seen: dict[object, str] = {}
        for item, label in zip(items, labels, strict=True):
            item_key = key(item)
            if item_key in first_seen:
                record_id = item_key if isinstance(item_key, str) else None
                what = "id" if record_id else "link"
                raise parsed.refuse(
                    label, record_id, None, f"duplicate {what}: already given by {first_seen[item_key]}"
                )
            first_seen[item_key] = label


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
    result["bodies"] = [_compact(body_to_dict(body)) for body in document.bodies]
    result["events"] = [event_to_dict(event) for event in document.events]
    result["links"] = [
        _compact(
            {"from": link.source, "to": link.target, "relation": link.relation.value, "note": link.note}
        )
        for link in document.links
    ]
    return result


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
            "bodies": [{"id": p.body_id, "role": p.role} for p in event.bodies],
            "tags": list(event.tags),
            "sources": [
                _compact(
                    {
                        "url": s.url,
                        "title": s.title,
                        "publisher": s.publisher,
                        "published": s.published,
                    }
                )
                for s in event.sources
            ],
        }
    )


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != []}

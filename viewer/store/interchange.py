"""The interchange format: reading JSON and CSV sources into validated records, and back to JSON.

Everything here is checked before anything is written: a source that breaks a rule is refused
with :class:`ImportRefusedError` naming the file, the record and the field.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from viewer.store.dates import InvalidDateError, PartialDate, normalise_timezone, parse_precision
from viewer.store.dates import parse_date as _parse_date
from viewer.store.errors import ImportRefusedError
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
EVENT_FIELDS = (
    "id",
    "title",
    "start",
    "end",
    "precision",
    "timezone",
    "within",
    "kind",
    "status",
    "location",
    "summary",
    "description",
    "bodies",
    "tags",
    "sources",
)
LINK_FIELDS = ("from", "to", "relation", "note")
SOURCE_FIELDS = ("url", "title", "publisher", "published")
CSV_LIST_SEPARATOR = ";"


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
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefusedError(label, "no such file") from None
    except IsADirectoryError:
        raise ImportRefusedError(label, "is a folder, not a file") from None
    except PermissionError:
        raise ImportRefusedError(label, "permission denied: the file cannot be read") from None
    except OSError as error:
        raise ImportRefusedError(label, f"cannot be read ({error.strerror or error})") from None
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
    """Validate a JSON interchange document given as text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefusedError(
            label, f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise ImportRefusedError(label, "malformed JSON: nested too deeply") from None
    return parse_document(data, label)


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
        singular = {"bodies": "body", "events": "event", "links": "link"}[key]
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
    ``sources`` hold ``;``-separated tags and URLs.
    """
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    reader = csv.reader(text.splitlines(keepends=True), dialect, strict=True)
    parsed = ParsedSource(label, Document())
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRefusedError(label, "the CSV file is empty: a header row is needed")
        columns = [name.strip().lower() for name in header]
        _check_csv_header(label, columns)
        for row in reader:
            line = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                raise parsed.refuse(line, None, None, "the row has more cells than the header")
            record = {
                name: cell for name, cell in zip(columns, row, strict=False) if cell.strip() != ""
            }
            parsed.document.events.append(
                _read_record(parsed, _event_from_csv_record, record, line)
            )
            parsed.event_labels.append(line)
    except csv.Error as error:
        raise ImportRefusedError(label, f"malformed CSV at line {reader.line_num}: {error}") from None
    check_document(parsed)
    return parsed


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
        converted["bodies"] = [_csv_participation(item) for item in _split_list(record["bodies"])]
    if "tags" in record:
        converted["tags"] = _split_list(record["tags"])
    if "sources" in record:
        converted["sources"] = [{"url": url} for url in _split_list(record["sources"])]
    return _event_from_record(converted)


def _split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(CSV_LIST_SEPARATOR) if item.strip()]


def _csv_participation(item: str) -> dict[str, str]:
    body_id, _, role = item.partition(":")
    return {"id": body_id.strip(), "role": role.strip() or DEFAULT_ROLE}


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
    start = _field_date_call("start", lambda: _parse_date(record["start"], precision))
    end = None
    if record.get("end") is not None:
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
        participation = Participation(body_id, role.strip())
        if participation not in result:
            result.append(participation)
    return tuple(result)


def _tags(record: Mapping[str, Any]) -> tuple[str, ...]:
    result: list[str] = []
    for index, item in enumerate(_list(record, "tags"), start=1):
        if not isinstance(item, str) or not item.strip():
            raise _Refusal(f"tags[{index}]", "each tag must be non-empty text")
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
                url=_required_text(item, "url", label=where + ".url"),
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
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Refusal(label or name, f"must be text, not {type(value).__name__}")
    return value


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
    return _compact(
        {
            "id": event.id,
            "title": event.title,
            "start": event.start.iso(),
            "end": event.end.iso() if event.end else None,
            "precision": event.precision.value,
            "timezone": event.timezone,
            "within": True if event.within else None,
            "kind": event.kind,
            "status": event.status.value if event.status else None,
            "location": event.location,
            "summary": event.summary,
            "description": event.description,
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

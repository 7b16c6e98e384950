"""Which column of a table gives which event field: ``--map``, a saved mapping file, or the header.

A table (a CSV/TSV with its own column names, a workbook's sheet) is read through a mapping of
event fields (:data:`~viewer.store.import_options.MAPPABLE_FIELDS`) to its columns:

- given ones first, from ``--map FIELD=COLUMN`` (:func:`parse_map_option`) and a mapping file
  (:func:`load_mapping_file`; ``--map`` wins over the file for the same field);
- then, for every field still without a column, a column whose name is the field's or a common
  name for it (:data:`SYNONYMS`; case, spaces, ``_`` and ``-`` do not matter): "Date" is the
  start, "Event" the title, "Organisations" the bodies.

:func:`resolve_mapping` gives the mapping that a header will be read with (for the import
dialog to show and edit), refusing what cannot be read: an unknown field, a column that is not
in the header, a column mapped twice, a column name given twice, no title or no start.
Columns mapped to no field are kept in each event's ``fields``, so nothing is lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from viewer.store.errors import DefenceTimelineError, ImportRefusedError
from viewer.store.import_options import MAPPABLE_FIELDS, ImportOptions

MAX_MAPPING_FILE_BYTES = 1024 * 1024  # a mapping names a few columns: this is ample
MAPPING_FILE_KEYS = ("mapping", "sheet", "dayfirst")
REQUIRED_FIELDS = ("title", "start")

# Common names of each field's column, best first (compared as :func:`normalised_name` gives them).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "event id", "identifier", "uid", "key", "ref", "reference number"),
    "title": ("title", "event", "name", "subject", "event name", "event title", "headline", "what"),
    "start": (
        "start", "date", "start date", "start time", "starts", "begin", "begins", "from", "when",
        "event date", "date start", "date from", "datetime", "date time",
    ),
    "end": ("end", "end date", "end time", "ends", "finish", "until", "to", "date end", "date to"),
    "kind": ("kind", "type", "category", "event type", "kind of event"),
    "bodies": (
        "bodies", "body", "organisations", "organizations", "organisation", "organization", "orgs",
        "participants", "participant", "actors", "actor", "parties", "institutions",
    ),
    "location": ("location", "place", "venue", "where", "city", "site"),
    "summary": ("summary", "notes", "note", "comment", "comments", "remarks", "abstract"),
    "description": ("description", "details", "detail", "text", "full text"),
    "tags": ("tags", "tag", "keywords", "keyword", "labels", "label", "topics", "topic"),
    "source": ("source", "sources", "url", "link", "links", "reference", "references", "web", "website"),
    "status": ("status", "state"),
    "timezone": ("timezone", "time zone", "tz", "zone"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
}


class MappingError(DefenceTimelineError):
    """A ``--map`` value that cannot be used (the CLI says it in one line and exits 2)."""


def normalised_name(name: str) -> str:
    """A column name as the automatic mapping compares it: case, spaces, ``_`` and ``-`` ignored."""
    return " ".join(name.casefold().replace("_", " ").replace("-", " ").split())


_SYNONYM_RANKS: dict[str, tuple[str, int]] = {}
for _field, _names in SYNONYMS.items():
    for _rank, _name in enumerate(_names):
        _SYNONYM_RANKS.setdefault(_name, (_field, _rank))


def parse_map_option(text: str) -> tuple[str, str]:
    """``FIELD=COLUMN`` (one ``--map``) as (field, column): the column is everything after the
    first ``=`` (a column name may hold one), spaces around either ignored. ``FIELD=`` gives the
    field no column (not even the one its name would find): ``(field, "")``."""
    field, equals, column = text.partition("=")
    field, column = field.strip().lower(), column.strip()
    if not equals or not field:
        raise MappingError(f"--map {text!r}: expected FIELD=COLUMN, e.g. --map start=Date")
    _check_field(field, lambda problem: MappingError(f"--map {text!r}: {problem}"))
    return field, column


def _check_field(field: str, error: Any) -> None:
    if field not in MAPPABLE_FIELDS:
        raise error(f"unknown field {field!r} (fields: {', '.join(MAPPABLE_FIELDS)})")


def load_mapping_file(path: str | Path) -> ImportOptions:
    """The options a saved mapping file gives: a JSON object
    ``{"mapping": {FIELD: COLUMN, ...}, "sheet": NAME, "dayfirst": true}``
    (``sheet`` and ``dayfirst`` optional; a COLUMN of ``null`` gives the field no column),
    refused naming the file and the key when it is not."""
    from viewer.store.input_files import SourceText

    path = Path(path)
    text = SourceText(path, MAX_MAPPING_FILE_BYTES)
    label = text.label
    try:
        content = "".join(text.chunks())
    finally:
        text.close()
    try:
        data = json.loads(content)
    except ValueError as error:
        raise ImportRefusedError(label, f"is not a mapping file: malformed JSON ({error})") from None
    if not isinstance(data, dict):
        raise ImportRefusedError(label, 'is not a mapping file: expected a JSON object {"mapping": {...}}')
    for key in data:
        if key not in MAPPING_FILE_KEYS:
            raise ImportRefusedError(label, f"unknown key {key!r} (keys: {', '.join(MAPPING_FILE_KEYS)})")
    mapping = data.get("mapping")
    if not isinstance(mapping, dict):
        raise ImportRefusedError(
            label, 'needs "mapping": an object of field names to column names', field="mapping"
        )
    pairs: list[tuple[str, str]] = []
    for field, column in mapping.items():
        where = f"mapping.{field}"
        _check_field(field, lambda problem, where=where: ImportRefusedError(label, problem, field=where))
        if column is None:  # no column for this field
            pairs.append((field, ""))
            continue
        if not isinstance(column, str) or not column.strip():
            raise ImportRefusedError(label, "the column must be a name (non-empty text) or null", field=where)
        pairs.append((field, column.strip()))
    sheet = data.get("sheet")
    if sheet is not None and (not isinstance(sheet, str) or not sheet.strip()):
        raise ImportRefusedError(label, "the sheet must be a name (non-empty text)", field="sheet")
    dayfirst = data.get("dayfirst", False)
    if not isinstance(dayfirst, bool):
        raise ImportRefusedError(label, "must be true or false", field="dayfirst")
    return ImportOptions(mapping=tuple(pairs), sheet=sheet, dayfirst=dayfirst)


def with_mapping_file(options: ImportOptions, path: str | Path) -> ImportOptions:
    """``options`` completed by a mapping file: what ``options`` gives (``--map``, ``--sheet``)
    wins; the file's mapping fills the other fields; ``dayfirst`` when either says so."""
    saved = load_mapping_file(path)
    given = {field for field, _column in options.mapping}
    mapping = options.mapping + tuple(pair for pair in saved.mapping if pair[0] not in given)
    return replace(
        options, mapping=mapping, sheet=options.sheet or saved.sheet, dayfirst=options.dayfirst or saved.dayfirst
    )


def mapping_file_text(mapping: Mapping[str, str], *, sheet: str | None = None, dayfirst: bool = False) -> str:
    """The text of a mapping file that :func:`load_mapping_file` reads back as this mapping."""
    data: dict[str, Any] = {"mapping": {field: column or None for field, column in mapping.items()}}
    if sheet is not None:
        data["sheet"] = sheet
    if dayfirst:
        data["dayfirst"] = True
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def automatic_mapping(columns: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Field -> column for the columns whose names are a field's or one of its :data:`SYNONYMS`
    (the best-ranked name wins, then the leftmost column), leaving out the fields and columns
    in ``taken``."""
    taken = set(taken)
    best: dict[str, tuple[int, int, str]] = {}
    for position, column in enumerate(columns):
        if column in taken:
            continue
        found = _SYNONYM_RANKS.get(normalised_name(column))
        if found is None or found[0] in taken:
            continue
        field, rank = found
        if field not in best or (rank, position) < best[field][:2]:
            best[field] = (rank, position, column)
    return {field: best[field][2] for field in MAPPABLE_FIELDS if field in best}


def resolve_mapping(
    columns: Sequence[str], options: ImportOptions | None = None, label: str = ""
) -> dict[str, str]:
    """The mapping (field -> column, as the header names it) a table with the header ``columns``
    is read with: ``options.mapping`` first, the :func:`automatic_mapping` for the other fields
    (a field given the column ``""`` has none).

    A given column is found by its exact name, else by its :func:`normalised_name` when only one
    column has it. Refused with :class:`ImportRefusedError` naming ``label`` and the column: an
    unknown field, a field or a column given twice, a column not in the header (the message
    lists those that are), a column name the header holds twice, and no title or start column.
    """
    options = options or ImportOptions()
    named = [column for column in columns if column != ""]
    seen: set[str] = set()
    for column in named:
        if column in seen:
            raise ImportRefusedError(
                label, "the header names this column twice: rename one", record=f"column {column!r}"
            )
        seen.add(column)
    given: dict[str, str] = {}
    mapped_by: dict[str, str] = {}
    for field, wanted in options.mapping:
        _check_field(field, lambda problem: ImportRefusedError(label, f"the mapping names an {problem}"))
        if field in given:
            raise ImportRefusedError(
                label, f"the field {field!r} is mapped twice (to {given[field]!r} and {wanted!r})"
            )
        if wanted == "":  # no column for this field
            given[field] = ""
            continue
        column = _find_column(named, wanted, label)
        if column in mapped_by:
            raise ImportRefusedError(
                label, f"it is mapped twice (to {mapped_by[column]!r} and {field!r})", record=f"column {column!r}"
            )
        given[field] = column
        mapped_by[column] = field
    automatic = automatic_mapping(named, taken=set(given) | set(mapped_by))
    mapping = {field: given[field] if field in given else automatic[field] for field in MAPPABLE_FIELDS
               if given.get(field) or (field not in given and field in automatic)}
    for required in REQUIRED_FIELDS:
        if required not in mapping:
            names = ", ".join(SYNONYMS[required][:4])
            raise ImportRefusedError(
                label,
                f"no column gives the {required}: name one {names}… or map it with --map "
                f"{required}=COLUMN (columns: {_listed(named)})",
            )
    return mapping


def _find_column(columns: Sequence[str], wanted: str, label: str) -> str:
    if wanted in columns:
        return wanted
    alike = [column for column in columns if normalised_name(column) == normalised_name(wanted)]
    if len(alike) == 1:
        return alike[0]
    raise ImportRefusedError(
        label, f"the mapping names a column that is not in the header (columns: {_listed(columns)})",
        record=f"column {wanted!r}",
    )


def _listed(columns: Sequence[str], most: int = 40) -> str:
    shown = ", ".join(repr(column if len(column) <= 60 else column[:59] + "…") for column in columns[:most])
    if len(columns) > most:
        shown += f", … ({len(columns) - most} more)"
    return shown or "none"

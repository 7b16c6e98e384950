"""ACLED import: an ACLED export (one event a row) or an ACLED deletions file (one id a row).

ACLED (the Armed Conflict Location & Event Data project) publishes CSV files in two layouts:
the current one (since 20 March 2023: ``event_id_cnty, event_date, year, time_precision,
disorder_type, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2,
assoc_actor_2, inter2, interaction, civilian_targeting, iso, region, country, admin1, admin2,
admin3, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities,
tags, timestamp``) and the older one (with ``data_id``, ``event_id_no_cnty`` and ``iso3``, and
without ``disorder_type``, ``civilian_targeting`` and ``tags``). Columns are found by name, in
any order and any case, so both read alike (and so do exports with extra columns). Each row is
given to :func:`viewer.store.interchange.event_record` as an interchange event:

- ``event_id_cnty`` is the id (a revised export imported again updates those events);
- ``event_date`` (``2023-06-15``, ``15 June 2023`` or ``15-06-2023``, day first as ACLED
  writes it) and ``time_precision``: 1 is that day; 2 (the codebook's "specific week or
  weekend") some time within the week around it, three days either side; 3 some time within
  its month (the day ACLED put is kept in ``fields``);
- ``actor1``, ``actor2`` and the ``;``-separated ``assoc_actor_1`` / ``assoc_actor_2`` are
  bodies given by name, in the roles :data:`ROLES` (the import creates those it lacks);
- ``location``, ``admin1`` and ``country`` make the location, ``latitude`` / ``longitude``
  the place, ``notes`` the summary, ``event_type`` the kind; ``sub_event_type``,
  ``disorder_type`` and each of ``tags`` are tags; each outlet of ``source`` is a source
  (a publisher, without URL);
- the title is the sub-event type and the place ("Armed clash in Bakhmut");
- every other column (and the codes behind the fields above) is kept in the event's
  ``fields``, as written, except ``data_id``, which ACLED renumbers at every release.

A deletions file (``event_id_cnty,deleted_timestamp``, from ACLED's deletions API) gives a
deletion record for each id. Refused, naming the file, the line and the column: missing
columns, a row with another number of cells than the header, an empty ``event_id_cnty``, a
date in another form or that does not exist, a ``time_precision`` other than 1, 2 or 3, a
latitude or longitude that is not a number of degrees in range, a ``fatalities`` that is not a
whole number.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from viewer.store.csv_text import csv_rows
from viewer.store.dates import parse_date
from viewer.store.errors import ImportRefusedError, InvalidDateError
from viewer.store.input_files import SourceText, TextFileSource

# The layouts as ACLED documents them (only the names matter: columns are found by name).
CURRENT_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
OLDER_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "timestamp", "iso3",
)
DELETIONS_COLUMNS = ("event_id_cnty", "deleted_timestamp")
# What a row cannot be read without; every other column may be missing (an export of chosen fields).
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
                    "country")
# Besides event_id_cnty and event_date, a header holding this many of these is ACLED's.
_TELLING_COLUMNS = frozenset(("time_precision", "event_type", "sub_event_type", "actor1", "actor2",
                              "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "interaction", "admin1",
                              "geo_precision", "source_scale", "fatalities", "event_id_no_cnty", "disorder_type"))
_TELLING_NEEDED = 3

ROLES = {
    "actor1": "actor 1", "actor2": "actor 2",
    "assoc_actor_1": "associated with actor 1", "assoc_actor_2": "associated with actor 2",
}
LIST_SEPARATOR = ";"  # between the names of assoc_actor_*, source and tags
WEEK_HALF = timedelta(days=3)  # time_precision 2: the week around the date
# Columns given as the event's own fields (not kept again in ``fields``), and data_id, which
# ACLED says is renumbered at every release (kept, every re-import would look like a change).
_NOT_IN_FIELDS = frozenset(("event_id_cnty", "notes", "latitude", "longitude", "source", "tags", "data_id",
                            *ROLES))
_USED_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "disorder_type",
                 "location", "admin1", "country", "latitude", "longitude", "notes", "source", "tags", "fatalities")
_DELIMITERS = (",", ";", "\t")

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAY_FIRST = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
_DAY_IN_WORDS = re.compile(r"[0-9]{1,2} [A-Za-z]+\.? [0-9]{4}")
_DATE_FORMS = "2023-06-15, 15 June 2023 or 15-06-2023"


class RowRefusal(ValueError):
    """A row :func:`row_to_item` cannot read: ``column`` (None for the row as a whole) and why."""

    def __init__(self, column: str | None, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem


# ----------------------------------------------------------------------------- telling the files


def header_columns(head: str) -> tuple[list[str], str] | None:
    """The column names of a text's first line (lower case, stripped) and its delimiter: the one
    of comma, semicolon and tab that splits it into the most columns. None for no header."""
    line = re.split(r"[\r\n]", head, maxsplit=1)[0]
    if not line.strip():
        return None
    delimiter = max(_DELIMITERS, key=line.count)
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return None
    return [cell.strip().lower() for cell in cells], delimiter


def looks_like_acled(head: str) -> bool:
    """True when a text's header row is an ACLED export's (either layout, any delimiter)."""
    found = header_columns(head)
    if found is None:
        return False
    names = set(found[0])
    return {"event_id_cnty", "event_date"} <= names and len(names & _TELLING_COLUMNS) >= _TELLING_NEEDED


def looks_like_acled_deletions(head: str) -> bool:
    """True when a text's header row is an ACLED deletions file's: ``event_id_cnty`` and
    ``deleted_timestamp``, in either order, and nothing else."""
    found = header_columns(head)
    return found is not None and sorted(found[0]) == sorted(DELETIONS_COLUMNS)


# ----------------------------------------------------------------------------- the source


class AcledSource(TextFileSource):
    """An ACLED export or deletions file read a row at a time (a :class:`RecordSource`).

    ``deletions`` says which (told by the header): an export gives event records, a
    deletions file deletion records. Progress is in bytes of the file.
    """

    format = "acled"

    def __init__(self, text: SourceText) -> None:
        super().__init__(text)
        head = text.head()
        found = header_columns(head)
        self._delimiter = found[1] if found else ","
        self.deletions = looks_like_acled_deletions(head)

    def read(self) -> Iterator[Any]:
        from viewer.store.interchange import deletion_record, event_record

        label = self.label
        rows = csv_rows(self.text.chunks(), label, self._delimiter)
        first = next(rows, None)
        if first is None:
            raise ImportRefusedError(label, "the file is empty: an ACLED header row is needed")
        columns = _checked_header(label, first[1], DELETIONS_COLUMNS if self.deletions else REQUIRED_COLUMNS)
        width = len(columns)
        id_index = columns.index("event_id_cnty")
        plan = _plan(tuple(columns))
        for line, cells in rows:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            where = f"line {line}"
            if self.deletions:
                if len(cells) != width:
                    raise ImportRefusedError(label, _count_problem(len(cells), width), record=where)
                event_id = cells[id_index].strip()
                if not event_id:
                    raise ImportRefusedError(label, "the event id is empty", record=where, field="event_id_cnty")
                yield deletion_record(label, event_id, where)
                continue
            try:
                item = plan.item(cells)
            except RowRefusal as refusal:
                event_id = cells[id_index].strip() if id_index < len(cells) else ""
                raise ImportRefusedError(
                    label, refusal.problem, record=where, record_id=event_id or None, field=refusal.column
                ) from None
            yield event_record(label, item, where)


def _checked_header(label: str, header: list[str], required: Sequence[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise ImportRefusedError(label, f"the column {name!r} appears twice in the header", record="line 1")
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise ImportRefusedError(
            label, f"the ACLED header lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            record="line 1",
        )
    return columns


def _count_problem(cells: int, width: int) -> str:
    return f"the row has {cells} cell{'s' if cells != 1 else ''}; the header has {width} columns"


# ----------------------------------------------------------------------------- one row


def row_to_item(columns: Sequence[str], cells: Sequence[str]) -> dict[str, Any]:
    """The interchange event (a dict, to be validated by ``event_record``) of one ACLED row.

    ``columns`` are the header's names in lower case; raises :class:`RowRefusal` naming the
    column for what the interchange could not tell (a date, a code, a number in another form).
    """
    return _plan(tuple(columns)).item(cells)


@functools.lru_cache(maxsize=8)
def _plan(columns: tuple[str, ...]) -> _Plan:
    return _Plan(columns)


class _Plan:
    """Where each column is in the rows of one header, so that a row is read by position."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.width = len(columns)
        position = {name: index for index, name in enumerate(columns)}
        missing = self.width  # a missing column reads the empty cell put after the row's last
        for name in _USED_COLUMNS:
            setattr(self, name, position.get(name, missing))
        self.actors = tuple((position[name], role) for name, role in ROLES.items() if name in position)
        self.fields = tuple((name, index) for index, name in enumerate(columns) if name not in _NOT_IN_FIELDS)

    def item(self, cells: Sequence[str]) -> dict[str, Any]:
        if len(cells) != self.width:
            raise RowRefusal(None, _count_problem(len(cells), self.width))
        row = [cell.strip() for cell in cells]
        row.append("")
        event_id = row[self.event_id_cnty]
        if not event_id:
            raise RowRefusal("event_id_cnty", "the event id is empty")
        what = row[self.sub_event_type] or row[self.event_type] or "Event"
        location, admin1, country = row[self.location], row[self.admin1], row[self.country]
        place = location or admin1 or country
        item: dict[str, Any] = {"id": event_id, "title": f"{what} in {place}" if place else what}
        item.update(_dates(row[self.event_date], row[self.time_precision]))
        if kind := row[self.event_type]:
            item["kind"] = kind
        if place:
            item["location"] = _place_text(location, admin1, country)
        if notes := row[self.notes]:
            item["summary"] = notes
        if row[self.latitude] or row[self.longitude]:
            item.update(_coordinates(row[self.latitude], row[self.longitude]))
        bodies: list[dict[str, str]] = []
        for index, role in self.actors:
            if text := row[index]:
                for name in _split(text) if LIST_SEPARATOR in text else (text,):
                    bodies.append({"name": name, "role": role})  # _split left no repeats
        if bodies:
            item["bodies"] = bodies
        tags = [tag for tag in (row[self.sub_event_type], row[self.disorder_type]) if tag]
        if row[self.tags]:
            tags.extend(_split(row[self.tags]))
        if tags:
            item["tags"] = tags
        if source := row[self.source]:
            item["sources"] = [{"publisher": name} for name in _split(source)]
        fatalities = row[self.fatalities]
        if fatalities and not (fatalities.isascii() and fatalities.isdigit()):
            raise RowRefusal("fatalities", f"{_short(fatalities)!r} is not a whole number of fatalities")
        if fields := {name: row[index] for name, index in self.fields if row[index]}:
            item["fields"] = fields
        return item


@functools.lru_cache(maxsize=4096)  # an export holds a few hundred days: each is read once
def _dates(text: str, precision: str) -> dict[str, Any]:
    """start, end and within of an event_date at an ACLED time_precision (not to be changed:
    the same dict is given for the same date)."""
    day = acled_date(text)
    if precision == "1":
        return {"start": day.isoformat()}
    if precision == "2":
        first = day - WEEK_HALF if day > date.min + WEEK_HALF else date.min
        last = day + WEEK_HALF if day < date.max - WEEK_HALF else date.max
        return {"start": first.isoformat(), "end": last.isoformat(), "within": True}
    if precision == "3":
        return {"start": f"{day.year:04d}-{day.month:02d}", "within": True}
    shown = repr(_short(precision)) if precision else "empty"
    raise RowRefusal(
        "time_precision", f"is {shown}: ACLED's time precision is 1 (the day), 2 (the week) or 3 (the month)"
    )


def acled_date(text: str) -> date:
    """An event_date in one of ACLED's forms: ``2023-06-15``, ``15 June 2023`` (the export
    tool's) or ``15-06-2023`` (day first, as ACLED's codebook has it); anything else is refused."""
    match = _ISO_DAY.fullmatch(text)
    if match:
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    elif _DAY_IN_WORDS.fullmatch(text):
        try:
            value = parse_date(text, "day")
        except InvalidDateError as error:
            raise RowRefusal("event_date", str(error)) from None
        return date(value.year, value.month, value.day)
    else:
        shown = repr(_short(text)) if text else "empty"
        raise RowRefusal("event_date", f"is {shown}: an ACLED date is written {_DATE_FORMS}")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise RowRefusal("event_date", f"{text!r} is not a day of the calendar") from None


@functools.lru_cache(maxsize=4096)
def _place_text(*parts: str) -> str:
    """"Bakhmut, Donetsk, Ukraine": location, admin1 and country, without empty parts or repeats."""
    kept: list[str] = []
    seen: set[str] = set()
    for part in parts:
        if part and part.casefold() not in seen:
            kept.append(part)
            seen.add(part.casefold())
    return ", ".join(kept)


def _coordinates(latitude: str, longitude: str) -> dict[str, float]:
    values: dict[str, float] = {}
    for name, text, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            raise RowRefusal(name, f"{_short(text)!r} is not a number of degrees") from None
        if not math.isfinite(value) or not -bound <= value <= bound:
            raise RowRefusal(name, f"{_short(text)!r} is outside -{bound} to {bound} degrees")
        values[name] = value
    if len(values) == 1:
        missing = "longitude" if "latitude" in values else "latitude"
        raise RowRefusal(missing, "is empty: a place needs both latitude and longitude")
    return values


def _split(text: str) -> list[str]:
    """The names of a ``;``-separated cell, stripped, without empty ones or repeats, in order."""
    if not text:
        return []
    names: list[str] = []
    for name in text.split(LIST_SEPARATOR):
        name = name.strip()
        if name and name not in names:
            names.append(name)
    return names


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"

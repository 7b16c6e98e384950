"""The fields of an event, once: the database columns, the interchange keys and the CSV columns.

Import rows, interchange dicts, CSV rows and the reader's columns are all made from
:data:`SCALAR_FIELDS` (one value each) and :data:`LIST_FIELDS` (bodies, tags, sources), in
this order, so a field added here reaches every one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from viewer.store.grading import MAX_CODE_LENGTH
from viewer.store.model import Event


@dataclass(frozen=True, slots=True)
class EventField:
    """A field holding one value: its name everywhere and its value in stored form."""

    name: str
    value: Callable[[Event], str | bool | None]  # text as stored (ISO dates, enum words), or within's bool


SCALAR_FIELDS: tuple[EventField, ...] = (
    EventField("id", lambda e: e.id),
    EventField("title", lambda e: e.title),
    EventField("start", lambda e: e.start.iso()),
    EventField("end", lambda e: e.end.iso() if e.end else None),
    EventField("precision", lambda e: e.precision.value),
    EventField("timezone", lambda e: e.timezone),
    EventField("within", lambda e: e.within),
    EventField("kind", lambda e: e.kind),
    EventField("status", lambda e: e.status.value if e.status else None),
    EventField("location", lambda e: e.location),
    EventField("summary", lambda e: e.summary),
    EventField("description", lambda e: e.description),
    EventField("credibility", lambda e: e.credibility),  # since schema version 4 (GRADES_SINCE)
)
SCALAR_NAMES: tuple[str, ...] = tuple(field.name for field in SCALAR_FIELDS)
LIST_FIELDS: tuple[str, ...] = ("bodies", "tags", "sources")
EVENT_FIELDS: tuple[str, ...] = SCALAR_NAMES + LIST_FIELDS  # interchange keys and CSV columns, in order
# Interchange keys since format version 2, stored beside the event (the ``event_extras`` table).
EXTRA_FIELDS: tuple[str, ...] = ("latitude", "longitude", "fields", "history")
# The CSV's columns: the event's fields, then its place and other fields (a JSON object in one
# cell), so that a CSV exported and imported again loses none of them (earlier dates stay in JSON).
# ``source_reliability`` holds the reliability of each source of the ``sources`` cell, in its order.
CSV_COLUMNS: tuple[str, ...] = (*EVENT_FIELDS, "latitude", "longitude", "fields", "source_reliability")
GRADE_FIELDS: frozenset[str] = frozenset({"credibility"})  # the scalar fields a file before version 4 lacks


def scalar_values(event: Event) -> dict[str, str | bool | None]:
    """Every one-value field of ``event``, by name, in stored form."""
    return {field.name: field.value(event) for field in SCALAR_FIELDS}


def select_columns(alias: str, *, grades: bool = True) -> str:
    """``seq`` and the one-value columns of ``events`` (aliased ``alias``), for a SELECT;
    ``grades=False`` (a file before version 4) selects NULL for the grade columns it lacks.

    A grade column gives only a text as short as a grade's code (anything longer a crafted file
    holds is read as NULL, never into memory)."""
    def column(name: str) -> str:
        if name not in GRADE_FIELDS:
            return f'{alias}."{name}"'
        if not grades:
            return "NULL"
        value = f'{alias}."{name}"'
        return f"CASE WHEN typeof({value}) = 'text' AND length({value}) <= {MAX_CODE_LENGTH} THEN {value} END"

    return ", ".join([f"{alias}.seq", *(column(name) for name in SCALAR_NAMES)])


FIELD_BY_NAME: dict[str, EventField] = {field.name: field for field in SCALAR_FIELDS}

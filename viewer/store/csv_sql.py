"""The CSV export's rows made by SQLite: one line of text per event, cells encoded and quoted, so
an export streams from the file to the output with no Python object per event.

Each cell is what the codec of :mod:`viewer.store.interchange` makes of the value. SQL only
tells the texts that need nothing done (by far the most: no ``;``, ``\\`` or ``:`` in them,
and not starting with an apostrophe or a formula character); the others go through the codec's
own Python functions (:func:`~viewer.store.interchange.guard_formula`,
:func:`~viewer.store.interchange.encode_list_item`), so the rules exist once. Every cell is
then quoted as Python's ``csv`` module does with ``QUOTE_ALL`` (tests compare the two on any
text).
"""

from __future__ import annotations

import sqlite3

from viewer.store.event_fields import CSV_COLUMNS, GRADE_FIELDS, SCALAR_NAMES
from viewer.store.grading import MAX_CODE_LENGTH
from viewer.store.interchange import (
    CSV_LIST_SEPARATOR,
    CSV_ROLE_SEPARATOR,
    FORMULA_STARTS,
    encode_list_item,
    guard_formula,
)
from viewer.store.validity import valid_participation_sql, valid_source_sql, valid_tag_sql

GUARD_FUNCTION = "dt_csv_guard"  # guard_formula
NUMBER_FUNCTION = "dt_csv_number"  # csv_number
MAX_FIELDS_TEXT = 4 * 1024 * 1024  # an event's other fields, as JSON text, the most a cell carries
ITEM_FUNCTION = "dt_csv_item"  # encode_list_item
LINE_END = "\r\n"
_CELL_SEPARATOR = ","
_QUOTE = '"'
_FIRST_CHARS = ", ".join(str(ord(char)) for char in "'" + FORMULA_STARTS)  # a guard may be needed


def register_csv_functions(connection: sqlite3.Connection) -> None:
    """Add the codec's Python functions, which the cell SQL calls for the texts it cannot pass as they are."""
    connection.create_function(GUARD_FUNCTION, 1, guard_formula, deterministic=True)
    connection.create_function(NUMBER_FUNCTION, 1, csv_number, deterministic=True)
    connection.create_function(
        ITEM_FUNCTION, 2, lambda text, colon: encode_list_item(text, escape_colon=bool(colon)), deterministic=True
    )


def csv_number(value: object) -> str:
    """A coordinate as the CSV writes it: the shortest text that reads back as the same number."""
    return repr(float(value)) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _contains(text: str, char: str) -> str:
    return f"instr({text}, '{char}')"


def guarded_sql(text: str) -> str:
    """SQL for :func:`~viewer.store.interchange.guard_formula` of the text expression ``text``."""
    return f"(CASE WHEN unicode({text}) IN ({_FIRST_CHARS}) THEN {GUARD_FUNCTION}({text}) ELSE {text} END)"


def list_item_sql(text: str, *, escape_colon: bool = False) -> str:
    """SQL for :func:`~viewer.store.interchange.encode_list_item` of ``text``."""
    special = [CSV_LIST_SEPARATOR, "\\"] + ([CSV_ROLE_SEPARATOR] if escape_colon else [])
    needs_work = " OR ".join([f"unicode({text}) IN ({_FIRST_CHARS})", *(_contains(text, c) for c in special)])
    return f"(CASE WHEN {needs_work} THEN {ITEM_FUNCTION}({text}, {int(escape_colon)}) ELSE {text} END)"


def _list_cell(item: str, table: str, alias: str, valid: str) -> str:
    # group_concat follows the rows of a subquery that has an ORDER BY (SQLite does not flatten it).
    return (
        f"coalesce((SELECT group_concat(item, '{CSV_LIST_SEPARATOR}') FROM (SELECT {item} AS item "
        f"FROM {table} {alias} WHERE {alias}.event_id = e.id AND {valid} ORDER BY {alias}.position)), '')"
    )


def _grade(column: str) -> str:
    """A grade as the CSV writes it: a code, or nothing for anything else a crafted file holds."""
    return (f"(CASE WHEN typeof({column}) = 'text' AND length({column}) <= {MAX_CODE_LENGTH} "
            f"AND {column} NOT GLOB '*[^A-Za-z0-9]*' THEN {column} ELSE '' END)")


def _cell(name: str, extras: bool, grades: bool) -> str:
    if name in ("latitude", "longitude", "fields"):
        if not extras:  # a file older than the extras: nothing to give
            return "''"
        if name == "fields":
            value = f"CASE WHEN length(x.fields) <= {MAX_FIELDS_TEXT} THEN x.fields END"
            return guarded_sql(f"coalesce((SELECT {value} FROM event_extras x WHERE x.event_id = e.id), '')")
        number = f"coalesce((SELECT {NUMBER_FUNCTION}(x.{name}) FROM event_extras x WHERE x.event_id = e.id), '')"
        return guarded_sql(number)  # "-33.5" too: the rule is one for every cell
    if name == "within":
        return "(CASE WHEN e.within THEN 'true' ELSE '' END)"
    if name == "bodies":
        item = (f"{list_item_sql('p.body_id', escape_colon=True)} || '{CSV_ROLE_SEPARATOR}' || "
                f"{list_item_sql('p.role', escape_colon=True)}")
        return _list_cell(item, "event_bodies", "p", valid_participation_sql("p"))
    if name == "tags":
        return _list_cell(list_item_sql("t.tag"), "event_tags", "t", valid_tag_sql("t"))
    if name == "sources":
        # The CSV lists URLs: a source without one (an outlet named alone) is in the JSON export only.
        return _list_cell(list_item_sql("s.url"), "sources", "s", f"s.url IS NOT NULL AND {valid_source_sql('s')}")
    if name == "source_reliability":  # one grade per source of the sources cell, in its order
        if not grades:
            return "''"
        cell = _list_cell(_grade("s.reliability"), "sources", "s", f"s.url IS NOT NULL AND {valid_source_sql('s')}")
        return f"rtrim({cell}, '{CSV_LIST_SEPARATOR}')"  # no grade at all: an empty cell
    if name in GRADE_FIELDS:
        return _grade(f'e."{name}"') if grades else "''"
    assert name in SCALAR_NAMES, name
    return guarded_sql(f"coalesce(e.\"{name}\", '')")


def _quoted(cell: str) -> str:
    return f"'{_QUOTE}' || replace({cell}, '{_QUOTE}', '{_QUOTE * 2}') || '{_QUOTE}'"


def csv_header() -> str:
    """The header line (fixed names: no quotes needed), with its line end."""
    return _CELL_SEPARATOR.join(CSV_COLUMNS) + LINE_END


def csv_line_sql(*, extras: bool = True, grades: bool = True) -> str:
    """SQL for one event's CSV line (``events`` aliased ``e``), without its line end: every cell of
    :data:`CSV_COLUMNS`, encoded and quoted (``extras``: the file has ``event_extras``; ``grades``:
    it has the grade columns of schema version 4)."""
    return f" || '{_CELL_SEPARATOR}' || ".join(_quoted(_cell(name, extras, grades)) for name in CSV_COLUMNS)

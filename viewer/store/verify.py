"""Verifying that a database's schema is exactly the one this program creates, before any query.

A file from someone else may hold a view in place of a table, a trigger that tampers with
other tables on insert, an expression index that eats memory, or a virtual table of another
module. None of that runs here: the schema (``sqlite_master``, read without executing anything
in it) is compared, object by object, with the schema :func:`create_schema` builds, and any
difference is refused with a message that names the foreign object.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from viewer.store import errors, schema

# Tables SQLite itself may add to a healthy file (ANALYZE / PRAGMA optimize statistics).
_SQLITE_STATISTICS = frozenset({"sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})
_QUOTES = re.compile(r"[\"'`\[\]]")
_SPACE = re.compile(r"\s+")
_PUNCTUATION_SPACE = re.compile(r"\s*([(),;=<>+\-*/.])\s*")
MAX_SCHEMA_OBJECTS = 1_000
_KIND_NAMES = {"table": "table", "index": "index", "view": "view", "trigger": "trigger"}


def normalised_sql(sql: str | None) -> str:
    """The SQL of a schema object with quoting, case and spacing made uniform for comparison."""
    if sql is None:
        return ""
    text = _QUOTES.sub("", sql).lower()
    text = _SPACE.sub(" ", text)
    return _PUNCTUATION_SPACE.sub(r"\1", text).strip()


_expected_cache: dict[tuple[object, ...], dict[str, tuple[str, str]]] = {}


def expected_schema(version: int) -> dict[str, tuple[str, str]]:
    """Every object of the schema of ``version``: name -> (type, normalised SQL)."""
    key = (version, *schema.MIGRATIONS.items())
    if key not in _expected_cache:
        db = Database(memory=True)
        try:
            schema.create_schema(db, version=version)
            _expected_cache[key] = _schema_objects(db.conn)
        finally:
            db.close()
    return _expected_cache[key]


def _schema_objects(connection: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    rows = connection.execute(
        f"SELECT type, name, sql FROM sqlite_master LIMIT {MAX_SCHEMA_OBJECTS + 1}"
    ).fetchall()
    return {name: (kind, normalised_sql(sql)) for kind, name, sql in rows}


def verify_schema(path: Path, connection: sqlite3.Connection, version: int) -> None:
    """Refuse a file whose schema is not exactly this program's ``version`` (see the module docstring).

    Raises :class:`~viewer.store.errors.ForeignSchemaError` naming the first foreign,
    altered or missing object.
    """
    try:
        found = _schema_objects(connection)
    except sqlite3.Error as error:
        raise errors.CorruptDatabaseError(path, f"the schema cannot be read ({error})") from None
    if len(found) > MAX_SCHEMA_OBJECTS:
        raise errors.ForeignSchemaError(path, f"it holds more than {MAX_SCHEMA_OBJECTS:,} schema objects")
    expected = expected_schema(version)
    for name, (kind, sql) in found.items():
        if name in expected:
            want_kind, want_sql = expected[name]
            if kind != want_kind:
                raise errors.ForeignSchemaError(
                    path, f"{_a(kind)} {name!r} stands where Defence Timeline keeps {_a(want_kind)}"
                )
            if sql != want_sql:
                raise errors.ForeignSchemaError(
                    path, f"the {kind} {name!r} is not defined the way Defence Timeline defines it"
                )
        elif not _is_sqlite_internal(kind, name, sql):
            raise errors.ForeignSchemaError(path, f"it holds {_describe(kind, sql)} {name!r} that Defence Timeline "
                                                  "did not create")
    missing = [name for name in expected if name not in found]
    if missing:
        kind = expected[missing[0]][0]
        raise errors.CorruptDatabaseError(path, f"the {kind} {missing[0]!r} is missing")


def _is_sqlite_internal(kind: str, name: str, sql: str) -> bool:
    if kind == "index" and name.startswith("sqlite_autoindex_") and not sql:
        return True
    return kind == "table" and name in _SQLITE_STATISTICS


def _describe(kind: str, sql: str) -> str:
    if kind == "table" and sql.startswith("create virtual table"):
        return "a virtual table"
    return _a(_KIND_NAMES.get(kind, "an object"))


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun

"""A factory of hostile databases: each class of crafted file, built from a real one.

Every builder takes a copy of a healthy Defence Timeline file and changes it the way a hostile
sender (or a careless other program) could: views and triggers of its own, values a table's
constraints forbid (written with ``writable_schema``, so the schema text still looks like
ours), huge rowids, deep and wide hierarchies, many links, a search index out of step, odd
``user_version`` values.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

Builder = Callable[[Path], None]


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _run(path: Path, *statements: str) -> None:
    connection = _connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


@contextlib.contextmanager
def relaxed(path: Path, table: str) -> Iterator[sqlite3.Connection]:
    """A connection on which ``table`` has no NOT NULL constraints; the schema text is restored after."""
    connection = _connect(path)
    original = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()[0]
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        (original.replace(" NOT NULL", ""), table),
    )
    connection.close()
    connection = _connect(path)
    try:
        yield connection
    finally:
        connection.close()
        connection = _connect(path)
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (original, table))
        connection.close()


def _set(table: str, assignment: str, where: str = "rowid = (SELECT min(rowid) FROM {table})") -> Builder:
    def build(path: Path) -> None:
        with relaxed(path, table) as connection:
            connection.execute(f"UPDATE {table} SET {assignment} WHERE {where.format(table=table)}")

    return build


def _recursive_view(path: Path) -> None:
    columns = (
        "n AS seq, 'e' || n AS id, 't' AS title, '2023-06-15' AS start, NULL AS \"end\", 'day' AS precision, "
        "NULL AS timezone, 0 AS within, NULL AS kind, NULL AS status, NULL AS location, NULL AS summary, "
        "NULL AS description, 1686787200 AS earliest, 1686873600 AS latest"
    )
    _run(
        path,
        "DROP TRIGGER events_ai", "DROP TRIGGER events_ad", "DROP TRIGGER events_au",
        "DROP TABLE events",
        "CREATE VIEW events AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        f"SELECT {columns} FROM r",
    )


def _deep_hierarchy(path: Path, depth: int = 3_000) -> None:
    connection = _connect(path)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO bodies (id, name, parent) VALUES (?, ?, ?)",
        ((f"deep-{i}", f"Deep body {i}", f"deep-{i - 1}" if i else None) for i in range(depth)),
    )
    first = connection.execute("SELECT id FROM events ORDER BY seq LIMIT 1").fetchone()[0]
    connection.execute(
        "INSERT INTO event_bodies (event_id, body_id, role, position) VALUES (?, ?, 'participant', 99)",
        (first, f"deep-{depth - 1}"),
    )
    connection.execute("COMMIT")
    connection.close()


def _parent_loop(path: Path) -> None:
    _run(
        path,
        "INSERT INTO bodies (id, name, parent) VALUES ('loop-a', 'Loop A', 'loop-b')",
        "INSERT INTO bodies (id, name, parent) VALUES ('loop-b', 'Loop B', 'loop-a')",
        "INSERT INTO bodies (id, name, parent) VALUES ('self', 'Self', 'self')",
    )


def _wide_bodies(path: Path, count: int = 100_000) -> None:
    connection = _connect(path)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO bodies (id, name) VALUES (?, ?)", ((f"wide-{i}", f"Wide body {i}") for i in range(count))
    )
    first = connection.execute("SELECT id FROM events ORDER BY seq LIMIT 1").fetchone()[0]
    connection.executemany(
        "INSERT INTO event_bodies (event_id, body_id, role, position) VALUES (?, ?, 'participant', ?)",
        ((first, f"wide-{i}", 100 + i) for i in range(count)),
    )
    connection.execute("COMMIT")
    connection.close()


def _many_links(path: Path, count: int = 20_000) -> None:
    connection = _connect(path)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO events (id, title, start, precision, within, earliest, latest) "
        "VALUES (?, ?, '2023-06-15', 'day', 0, 1686787200, 1686873600)",
        ((f"many-{i}", f"Many {i}") for i in range(count)),
    )
    connection.executemany(
        "INSERT INTO links (from_id, to_id, relation) VALUES ('many-hub', ?, 'related')",
        ((f"many-{i}",) for i in range(count)),
    )
    connection.execute(
        "INSERT INTO events (id, title, start, precision, within, earliest, latest) "
        "VALUES ('many-hub', 'The hub', '2023-06-16', 'day', 0, 1686873600, 1686960000)"
    )
    connection.execute("COMMIT")
    connection.close()


def _fts_out_of_step(path: Path) -> None:
    _run(
        path,
        "DROP TRIGGER events_au",
        "UPDATE events SET title = 'Renamed behind the index' WHERE seq = (SELECT min(seq) FROM events)",
    )
    # Put the trigger back exactly as it was: only the index content is out of step.
    _run(
        path,
        'CREATE TRIGGER "events_au" AFTER UPDATE ON "events" BEGIN\n'
        '  INSERT INTO "events_fts" ("events_fts", rowid, "title", "summary", "description", "location") '
        'VALUES(\'delete\', old.rowid, old."title", old."summary", old."description", old."location");\n'
        '  INSERT INTO "events_fts" (rowid, "title", "summary", "description", "location") '
        'VALUES (new.rowid, new."title", new."summary", new."description", new."location");\nEND',
    )


# Files whose schema is not ours: refused on opening, on import and by check.
FOREIGN_SCHEMA: dict[str, Builder] = {
    "recursive view instead of events": _recursive_view,
    "trigger deleting bodies": lambda p: _run(
        p, "CREATE TRIGGER tamper AFTER INSERT ON events BEGIN DELETE FROM bodies; END"
    ),
    "trigger swallowing rows": lambda p: _run(
        p, "CREATE TRIGGER swallow BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END"
    ),
    "our trigger name, other body": lambda p: _run(
        p, "DROP TRIGGER events_ai", "CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN DELETE FROM links; END"
    ),
    "foreign virtual table": lambda p: _run(p, "CREATE VIRTUAL TABLE other USING fts5(x)"),
    "expression index": lambda p: _run(p, "CREATE INDEX fat ON events(zeroblob(1000000))"),
    "extra view": lambda p: _run(p, "CREATE VIEW summary AS SELECT count(*) FROM events"),
    "extra table": lambda p: _run(p, "CREATE TABLE notes(x)"),
    "missing index": lambda p: _run(p, "DROP INDEX events_kind"),
}

# Files whose schema is ours but whose values are not what import writes: rows skipped and counted.
BAD_VALUES: dict[str, Builder] = {
    "NULL title": _set("events", "title = NULL"),
    "NULL start": _set("events", "start = NULL"),
    "NULL earliest": _set("events", "earliest = NULL"),
    "text in earliest": _set("events", "earliest = 'soon'"),
    "float in latest": _set("events", "latest = latest + 0.5"),
    "huge latest": _set("events", "latest = 9223372036854775807"),
    "negative instants": _set("events", "earliest = -9223372036854775807"),
    "unknown precision": _set("events", "precision = 'fortnight'"),
    "unknown status": _set("events", "status = 'rumoured'"),
    "within is 2": _set("events", "within = 2"),
    "start not a date": _set("events", "start = '15 June 2023'"),
    "start 2023-02-30": _set("events", "start = '2023-02-30', precision = 'day'"),
    "start disagrees with earliest": _set("events", "earliest = earliest - 86400 * 365"),
    "blob title": _set("events", "title = x'00ff00'"),
    "blob id": _set("events", "id = x'6964'"),
    "bad time zone": _set("events", "timezone = 'Mars/Olympus'"),
    "negative rowid": _set("events", "seq = -5"),
    "unknown relation": _set("links", "relation = 'inspires'"),
    "NULL relation": _set("links", "relation = NULL"),
    "link to itself": _set("links", "to_id = from_id"),
    "NULL role": _set("event_bodies", "role = NULL"),
    "blob body id": _set("event_bodies", "body_id = x'6964'"),
    "unknown body": _set("event_bodies", "body_id = 'nobody'"),
    "NULL body name": _set("bodies", "name = NULL"),
    "source without URL, title or publisher": _set("sources", "url = NULL, title = NULL, publisher = NULL"),
    "NULL tag": _set("event_tags", "tag = NULL"),
}

# Valid data of a hostile shape: read correctly, in seconds.
HOSTILE_SHAPES: dict[str, Builder] = {
    "3,000-deep hierarchy": _deep_hierarchy,
    "parent loop": _parent_loop,
    "100,000 bodies on one event": _wide_bodies,
    "20,000 links on one event": _many_links,
    "huge rowid": _set("events", "seq = 300000000"),
}

# The index out of step: readable, but check says so.
FTS_OUT_OF_STEP: dict[str, Builder] = {"search index out of step": _fts_out_of_step}

USER_VERSIONS: dict[str, Builder] = {
    f"user_version {version}": (lambda v: lambda p: _run(p, f"PRAGMA user_version = {v}"))(version)
    for version in (0, -1, 99)
}


def crafted_copy(healthy: Path, folder: Path, name: str, build: Builder) -> Path:
    """A copy of ``healthy`` in ``folder``, changed by ``build``."""
    path = folder / ("".join(c if c.isalnum() else "-" for c in name) + ".db")
    shutil.copyfile(healthy, path)
    build(path)
    return path

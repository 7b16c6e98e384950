"""Importing interchange sources into a database: validate everything, then write all or nothing.

A new database is built in a temporary file beside the target and renamed into place only
when complete; an existing one is updated in a single transaction. A refused or failed import
leaves the target exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from viewer.store import errors
from viewer.store.event_fields import scalar_values
from viewer.store.files import give_new_file_permissions
from viewer.store.interchange import ParsedSource, body_to_dict, read_source
from viewer.store.interrupts import QueryGuard
from viewer.store.model import Body, Event
from viewer.store.opening import (
    APPLICATION_ID,
    check_application,
    check_readable_file,
    check_sqlite_header,
    translate_sqlite_error,
)
from viewer.store.reader import EventStore
from viewer.store.schema import SCHEMA_VERSION, STORED_INDEX_SINCE, create_schema, enable_search, migrate
from viewer.store.stored_index import write_stored_index
from viewer.store.verify import verify_schema

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; raising from it cancels the import."""

WRITE_BATCH = 5_000
WRITER_BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote."""

    database: Path
    created: bool
    events: int
    bodies: int
    links: int


def import_files(
    sources: Sequence[str | Path],
    database: str | Path,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Read, validate and write ``sources`` (JSON or CSV files) into ``database``."""
    if not sources:
        raise errors.ImportRefusedError("import", "no source file given")
    parsed: list[ParsedSource] = []
    for index, source in enumerate(sources):
        _report(progress, "Reading", index, len(sources))
        parsed.append(read_source(source))
    return import_parsed(parsed, database, progress)


def import_parsed(
    parsed: Sequence[ParsedSource],
    database: str | Path,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Write already-read sources into ``database`` (see :func:`import_files`)."""
    database = Path(database)
    _check_across_sources(parsed)
    if _is_new_database(database):
        return _build_new_database(parsed, database, progress)
    return _update_existing_database(parsed, database, progress)


def _report(progress: ProgressCallback | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


# ----------------------------------------------------------------------------- validation


def _check_across_sources(parsed: Sequence[ParsedSource]) -> None:
    """Refuse an id given twice by different sources of one import."""
    for kind, items_of in (
        ("body", lambda s: zip(s.document.bodies, s.body_labels, strict=True)),
        ("event", lambda s: zip(s.document.events, s.event_labels, strict=True)),
    ):
        first_seen: dict[str, str] = {}
        for source in parsed:
            for item, label in items_of(source):
                where = f"{source.label} {label}"
                if item.id in first_seen:
                    raise source.refuse(
                        label, item.id, None, f"duplicate {kind} id: already given by {first_seen[item.id]}"
                    )
                first_seen[item.id] = where


def _check_references(parsed: Sequence[ParsedSource], db: Database | None) -> None:
    """Refuse links and participations naming unknown events or bodies, and parent cycles."""
    new_bodies = {body.id: body for source in parsed for body in source.document.bodies}
    new_events = {event.id for source in parsed for event in source.document.events}
    wanted_bodies = {
        ref
        for source in parsed
        for ref in _body_references(source.document.bodies, source.document.events)
    } - new_bodies.keys()
    wanted_events = {
        ref for source in parsed for link in source.document.links for ref in (link.source, link.target)
    } - new_events
    known_bodies = set(new_bodies) | _existing(db, "bodies", wanted_bodies)
    known_events = new_events | _existing(db, "events", wanted_events)
    for source in parsed:
        doc = source.document
        for body, label in zip(doc.bodies, source.body_labels, strict=True):
            for field_name in ("parent", "replaced_by"):
                reference = getattr(body, field_name)
                if reference is not None and reference not in known_bodies:
                    raise source.refuse(label, body.id, field_name, f"unknown body {reference!r}")
        for event, label in zip(doc.events, source.event_labels, strict=True):
            for index, participation in enumerate(event.bodies, start=1):
                if participation.body_id not in known_bodies:
                    raise source.refuse(
                        label, event.id, f"bodies[{index}].id",
                        f"unknown body {participation.body_id!r}",
                    )
        for link, label in zip(doc.links, source.link_labels, strict=True):
            for field_name, reference in (("from", link.source), ("to", link.target)):
                if reference not in known_events:
                    raise source.refuse(label, None, field_name, f"unknown event {reference!r}")
    _check_parent_cycles(parsed, new_bodies, db)


def _body_references(bodies: Iterable[Body], events: Iterable[Event]) -> Iterator[str]:
    for body in bodies:
        if body.parent:
            yield body.parent
        if body.replaced_by:
            yield body.replaced_by
    for event in events:
        for participation in event.bodies:
            yield participation.body_id


def _existing(db: Database | None, table: str, ids: set[str]) -> set[str]:
    if db is None or not ids:
        return set()
    found: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            row[0] for row in db.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
        )
    return found


def _check_parent_cycles(
    parsed: Sequence[ParsedSource], new_bodies: dict[str, Body], db: Database | None
) -> None:
    parents: dict[str, str | None] = {}
    if db is not None:
        parents.update(db.execute("SELECT id, parent FROM bodies").fetchall())
    parents.update({body_id: body.parent for body_id, body in new_bodies.items()})
    for source in parsed:
        for body, label in zip(source.document.bodies, source.body_labels, strict=True):
            seen = {body.id}
            current = parents.get(body.id)
            while current is not None:
                if current in seen:
                    raise source.refuse(
                        label, body.id, "parent", f"the parent chain loops back through {current!r}"
                    )
                seen.add(current)
                current = parents.get(current)


# ----------------------------------------------------------------------------- opening for write


def _is_new_database(path: Path) -> bool:
    """True when there is nothing at ``path`` worth keeping: no file, 0 bytes, or no tables."""
    if not path.exists():
        if not path.parent.is_dir():
            raise errors.FileMissingError(path.parent, "the folder for the database does not exist")
        return True
    check_readable_file_allowing_empty(path)
    if path.stat().st_size == 0:
        return True
    check_sqlite_header(path)
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=WRITER_BUSY_TIMEOUT_S)) as conn:
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    except sqlite3.Error as error:
        raise translate_sqlite_error(path, error) from None
    return not has_tables


def check_readable_file_allowing_empty(path: Path) -> None:
    """Like :func:`check_readable_file`, but a 0-byte file is acceptable (it becomes the DB)."""
    try:
        check_readable_file(path)
    except errors.EmptyFileError:
        pass
    if not os.access(path, os.W_OK):
        raise errors.FileUnreadableError(path, "the database file is read-only; cannot import into it")


def _open_existing_for_write(path: Path) -> tuple[Database, int]:
    """Open a database to import into, after verifying its schema: no foreign trigger ever fires."""
    try:
        connection = sqlite3.connect(path, timeout=WRITER_BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise translate_sqlite_error(path, error) from None
    try:
        # Nothing in the schema runs before it is verified: no trigger, view or index of another's.
        connection.execute("PRAGMA trusted_schema = OFF")
        version = check_application(path, connection)
        verify_schema(path, connection, version)
        connection.execute("PRAGMA trusted_schema = ON")  # our own FTS triggers write the index
        QueryGuard().install(connection)
    except errors.NotDefenceTimelineError:
        connection.close()
        raise errors.NotDefenceTimelineError(
            path, "an SQLite database of another application; refusing to import into it"
        ) from None
    except sqlite3.Error as error:
        connection.close()
        raise translate_sqlite_error(path, error) from None
    except BaseException:
        connection.close()
        raise
    return Database(connection), version


# ----------------------------------------------------------------------------- writing


def _build_new_database(
    parsed: Sequence[ParsedSource], target: Path, progress: ProgressCallback | None
) -> ImportReport:
    _check_references(parsed, None)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".importing", dir=target.parent
    )
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        give_new_file_permissions(temp_path)
        connection = sqlite3.connect(temp_path, isolation_level=None)
        QueryGuard().install(connection)  # Ctrl+C and SIGTERM stop even the index build
        try:
            db = Database(connection)
            # A temporary file is discarded on any failure, so no journal is needed while building.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            with db.atomic():
                create_schema(db, with_search=False)
                counts = _write(db, parsed, progress, fresh=True)
            _report(progress, "Indexing text", 0, 1)
            enable_search(db)  # fills the index in one pass, then keeps it in sync by triggers
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA optimize")
            with db.atomic():  # last: the index records the schema as it is left
                _store_time_index(connection, target, progress)
        finally:
            connection.close()
        with temp_path.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(temp_path, target)
    except sqlite3.Error as error:
        temp_path.unlink(missing_ok=True)
        raise translate_sqlite_error(target, error) from None
    except OSError as error:
        temp_path.unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            shown = errors.display_path(target)
            raise errors.DiskFullError(f"{shown}: the disk is full; nothing was written") from None
        raise
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return ImportReport(target, True, *counts)


def _update_existing_database(
    parsed: Sequence[ParsedSource], target: Path, progress: ProgressCallback | None
) -> ImportReport:
    db, version = _open_existing_for_write(target)
    try:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise translate_sqlite_error(target, error) from None
        try:
            _check_references(parsed, db)
            if version < SCHEMA_VERSION:
                migrate(db, version)
            counts = _write(db, parsed, progress, fresh=False)
            _store_time_index(db.conn, target, progress)
            _report(progress, "Saving", 0, 1)
            db.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
    except sqlite3.Error as error:
        raise translate_sqlite_error(target, error) from None
    finally:
        db.close()
    return ImportReport(target, False, *counts)


def _store_time_index(connection: sqlite3.Connection, target: Path, progress: ProgressCallback | None) -> None:
    """Store what opening needs (see :mod:`viewer.store.stored_index`), from the rows just written."""
    if connection.execute("PRAGMA user_version").fetchone()[0] < STORED_INDEX_SINCE:
        return
    _report(progress, "Storing the time index", 0, 1)
    write_stored_index(connection, EventStore.over(connection, target).build_stored_index())


def _write(
    db: Database, parsed: Sequence[ParsedSource], progress: ProgressCallback | None, *, fresh: bool
) -> tuple[int, int, int]:
    for source in parsed:
        for key in ("name", "description"):
            value = getattr(source.document, key)
            if value is not None:
                db["meta"].upsert({"key": key, "value": value}, pk="key")
        if source.document.view is not None:
            db["meta"].upsert({"key": "view_start", "value": source.document.view[0]}, pk="key")
            db["meta"].upsert({"key": "view_end", "value": source.document.view[1]}, pk="key")
    bodies = [body for source in parsed for body in source.document.bodies]
    events = [event for source in parsed for event in source.document.events]
    links = [link for source in parsed for link in source.document.links]
    if bodies:
        db["bodies"].upsert_all((body_to_dict(body) for body in bodies), pk="id")
    # Written in time order (ties by id), so the file's own order is the timeline's: reading
    # events by time, as the exports do, then walks the tables front to back.
    instants = [(event.earliest, event.latest) for event in events]
    order = sorted(range(len(events)), key=lambda i: (instants[i], events[i].id))
    events = [events[i] for i in order]
    instants = [instants[i] for i in order]
    total = len(events)
    for start in range(0, total, WRITE_BATCH):
        _report(progress, "Writing events", start, total)
        end = start + WRITE_BATCH
        _write_events(db, events[start:end], instants[start:end], fresh=fresh)
    _report(progress, "Writing events", total, total)
    if links:
        db["links"].upsert_all(
            (
                {"from_id": k.source, "to_id": k.target, "relation": k.relation.value, "note": k.note}
                for k in links
            ),
            pk=("from_id", "to_id", "relation"),
        )
    return len(events), len(bodies), len(links)


def _write_events(
    db: Database, events: Sequence[Event], instants: Sequence[tuple[int, int]], *, fresh: bool
) -> None:
    rows = [_event_row(event, *times) for event, times in zip(events, instants, strict=True)]
    if fresh:
        db["events"].insert_all(rows, batch_size=1000)
    else:
        db["events"].upsert_all(rows, pk="id", batch_size=1000)
        ids = [event.id for event in events]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for table in ("event_bodies", "event_tags", "sources"):
                db.execute(f"DELETE FROM {table} WHERE event_id IN ({marks})", chunk)
    db.conn.executemany(
        "INSERT INTO event_bodies (event_id, body_id, role, position) VALUES (?, ?, ?, ?)",
        (
            (event.id, p.body_id, p.role, position)
            for event in events
            for position, p in enumerate(event.bodies)
        ),
    )
    db.conn.executemany(
        "INSERT INTO event_tags (event_id, tag, position) VALUES (?, ?, ?)",
        ((event.id, tag, position) for event in events for position, tag in enumerate(event.tags)),
    )
    db.conn.executemany(
        "INSERT INTO sources (event_id, position, url, title, publisher, published) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (event.id, position, s.url, s.title, s.publisher, s.published)
            for event in events
            for position, s in enumerate(event.sources)
        ),
    )


def _event_row(event: Event, earliest: int, latest: int) -> dict[str, object]:
    row: dict[str, object] = dict(scalar_values(event))
    row["within"] = int(event.within)
    row["earliest"], row["latest"] = earliest, latest
    return row

"""Importing interchange sources into a database: read a record at a time, write all or nothing.

Sources are read as streams (:func:`viewer.store.interchange.open_source`) and written in
batches, so a file of any size imports in bounded memory. Each record is validated as it is
read; what needs every record (ids given twice, references to bodies and events, parent
chains) is checked once all are written, against the database itself. A new database is
built in a temporary file beside the target and renamed into place only when complete; an
existing one is updated in a single transaction. A refused, cancelled or failed import leaves
the target exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from viewer.progress import Progress
from viewer.store import errors
from viewer.store.event_fields import SCALAR_FIELDS, SCALAR_NAMES
from viewer.store.files import give_new_file_permissions
from viewer.store.grading import ADMIRALTY, GradingScheme, scheme_to_json
from viewer.store.import_options import ImportOptions
from viewer.store.interchange import (
    BODY_FIELDS,
    MAX_HISTORY,
    Record,
    RecordSource,
    grade_problem,
    history_from_json,
    history_to_dict,
    open_source,
)
from viewer.store.interrupts import QueryGuard
from viewer.store.model import Body, EarlierDates, Event, Link
from viewer.store.opening import (
    APPLICATION_ID,
    check_application,
    check_readable_file,
    check_sqlite_header,
    translate_sqlite_error,
)
from viewer.store.reader import EventStore, stored_grading
from viewer.store.schema import (
    EXTRAS_SINCE,
    SCHEMA_VERSION,
    STORED_INDEX_SINCE,
    create_tables,
    finish_schema,
    migrate,
)
from viewer.store.stored_index import write_stored_index
from viewer.store.verify import verify_schema

"""Called as ``progress(stage, done, total)``; raising from it cancels the import."""

WRITE_BATCH = 5_000
IMPORT_CACHE_KIB = 64 * 1024  # SQLite's page cache while importing: indexes of a million rows fit
WRITER_BUSY_TIMEOUT_S = 5.0
_PROGRESS_UNIT = 1024  # a source's progress is counted in KiB, so that a QProgressBar's int holds it


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote: the records read, and what became of the events in the database."""

    database: Path
    created: bool
    events: int
    bodies: int
    links: int
    notices: tuple[str, ...] = ()  # what the sources said of what they gave (see RecordSource)
    added: int = 0  # events the database did not hold
    updated: int = 0  # events it held, now changed
    deleted: int = 0  # events a deletions file removed
    unchanged: int = 0  # events given again as they were (left as they were)

    @property
    def summary_line(self) -> str:
        """``DB: N added, M updated, K deleted, U unchanged``, the line an import ends with."""
        return (
            f"DB: {self.added:,} added, {self.updated:,} updated, {self.deleted:,} deleted, "
            f"{self.unchanged:,} unchanged"
        )


def import_files(
    sources: Sequence[str | Path],
    database: str | Path,
    progress: Progress | None = None,
    guard: QueryGuard | None = None,
    fmt: str | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Read, validate and write ``sources`` (files of any of the ``IMPORT_FORMATS``) into ``database``.

    Every source is opened (and its format told, or taken from ``fmt`` or ``options``: see
    :func:`~viewer.store.interchange.open_source`) before anything is written. ``guard`` (its
    :meth:`~viewer.store.interrupts.QueryGuard.cancel`) stops the import even inside a long
    query, such as the index build; Ctrl+C and SIGTERM always do.
    """
    if not sources:
        raise errors.ImportRefusedError("import", "no source file given")
    opened: list[RecordSource] = []
    try:
        for source in sources:
            opened.append(open_source(source, fmt, options))
        return import_parsed(opened, database, progress, guard)
    finally:
        for source in opened:
            source.close()


def import_parsed(
    sources: Sequence[RecordSource],
    database: str | Path,
    progress: Progress | None = None,
    guard: QueryGuard | None = None,
) -> ImportReport:
    """Write sources already opened or read (see :func:`import_files`) into ``database``."""
    database = Path(database)
    guard = guard or QueryGuard()
    if _is_new_database(database):
        return _build_new_database(sources, database, progress, guard)
    return _update_existing_database(sources, database, progress, guard)


def _notices(sources: Sequence[RecordSource]) -> tuple[str, ...]:
    return tuple(notice for source in sources for notice in source.notices)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


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


def _open_existing_for_write(path: Path, guard: QueryGuard) -> tuple[Database, int]:
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
        guard.install(connection)
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
    sources: Sequence[RecordSource], target: Path, progress: Progress | None, guard: QueryGuard
) -> ImportReport:
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".importing", dir=target.parent
    )
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        give_new_file_permissions(temp_path)
        connection = sqlite3.connect(temp_path, isolation_level=None)
        guard.install(connection)  # Cancel, Ctrl+C and SIGTERM stop even the index build
        try:
            db = Database(connection)
            # A temporary file is discarded on any failure, so no journal is needed while building.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
            db.execute(f"PRAGMA temp.cache_size = {-IMPORT_CACHE_KIB // 2}")  # the events waiting for their order
            with db.atomic():
                create_tables(db)
                writer = _write(db, sources, progress, fresh=True)
            _report(progress, "Indexing", 0, 0)
            finish_schema(db)  # indexes and the full-text index made once over the rows
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA optimize")
            with db.atomic():  # last: the index records the schema as it is left
                _store_time_index(connection, target, progress, fresh=True)
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
    return _finished_report(target, True, writer, sources)


def _finished_report(
    target: Path, created: bool, writer: _BatchWriter, sources: Sequence[RecordSource]
) -> ImportReport:
    return ImportReport(
        target, created, writer.events, writer.bodies, writer.links, (*_notices(sources), *writer.notices),
        added=writer.added, updated=writer.updated, deleted=writer.deleted, unchanged=writer.unchanged,
    )


def _update_existing_database(
    sources: Sequence[RecordSource], target: Path, progress: Progress | None, guard: QueryGuard
) -> ImportReport:
    db, version = _open_existing_for_write(target, guard)
    try:
        try:
            db.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise translate_sqlite_error(target, error) from None
        try:
            if version < SCHEMA_VERSION:
                migrate(db, version)
            writer = _write(db, sources, progress, fresh=False)
            _store_time_index(db.conn, target, progress, fresh=False)
            _report(progress, "Saving", 0, 0)
            db.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
    except sqlite3.Error as error:
        raise translate_sqlite_error(target, error) from None
    finally:
        db.close()
    return _finished_report(target, False, writer, sources)


def _store_time_index(
    connection: sqlite3.Connection, target: Path, progress: Progress | None, *, fresh: bool
) -> None:
    """Store what opening needs (see :mod:`viewer.store.stored_index`), from the rows just written
    (in a new file every row was checked by this import; an older file's rows are checked again)."""
    if connection.execute("PRAGMA user_version").fetchone()[0] < STORED_INDEX_SINCE:
        return
    _report(progress, "Storing the time index", 0, 0)
    # The pages cached for writing are no help here: let go of them for the index's arrays.
    connection.execute("PRAGMA cache_size = -2000")
    connection.execute("PRAGMA shrink_memory")
    write_stored_index(connection, EventStore.over(connection, target).build_stored_index(rows_checked=fresh))


def _write(
    db: Database, sources: Sequence[RecordSource], progress: Progress | None, *, fresh: bool
) -> _BatchWriter:
    """Write every record of ``sources``, then check what needs them all; the writer, with its counts."""
    writer = _BatchWriter(db.conn, [source.label for source in sources], fresh=fresh)
    grading = _Grading(db.conn, fresh=fresh)
    for index, source in enumerate(sources):
        name = Path(source.label).name
        writer.start_source(index, getattr(source, "format", "json"))
        scheme: GradingScheme | None = None
        for record in source.records():
            scheme = scheme or grading.scheme_for(source)  # a document's scheme comes before its records
            grading.check(source.label, record, scheme)
            if writer.add(index, record):
                writer.flush()
                done, total = source.progress()
                _report(progress, f"Importing {name}: {writer.events:,} events", done // _PROGRESS_UNIT,
                        total // _PROGRESS_UNIT)
        writer.flush()
        grading.scheme_for(source)
        _write_meta(db, source)
    grading.store()
    _report(progress, "Checking references", 0, 0)
    writer.place_events()
    writer.delete_events()
    writer.check_references()
    return writer


class _Grading:
    """The grading scheme of an import: a database keeps one.

    A source that declares no scheme (a CSV, a workbook, a JSON document without ``grading``)
    grades in the database's scheme (the Admiralty code unless it stores another). A source that
    declares another scheme is refused while the database holds grades in its own; into a
    database without grades it brings its scheme, which is then stored.
    """

    def __init__(self, connection: sqlite3.Connection, *, fresh: bool) -> None:
        self._conn = connection
        self._stored = None if fresh else stored_grading(connection)
        self._scheme = self._stored or ADMIRALTY
        self._declared = False  # a source of this import declared the scheme in force
        self._graded = False  # a record of this import gave a grade
        self._fresh = fresh

    def scheme_for(self, source: RecordSource) -> GradingScheme:
        """The scheme ``source``'s grades follow (refused when it cannot be the database's)."""
        declared = source.document.grading
        if declared is None or declared == self._scheme:
            self._declared = self._declared or declared is not None
            return self._scheme
        if self._declared or self._graded or (not self._fresh and self._holds_grades()):
            raise errors.ImportRefusedError(
                source.label, f"its grades follow the {declared.name}, but the database's follow the "
                f"{self._scheme.name}: a database keeps one grading scheme", field="grading",
            )
        self._scheme, self._declared = declared, True
        return declared

    def check(self, label: str, record: Record, scheme: GradingScheme) -> None:
        """Refuse ``record`` when one of its grades is not one of ``scheme``'s."""
        item = record.item
        self._graded = self._graded or (isinstance(item, Event) and (
            item.credibility is not None or any(source.reliability for source in item.sources)))
        problem = grade_problem(item, scheme)
        if problem is not None:
            raise errors.ImportRefusedError(label, problem[1], record=record.label, field=problem[0],
                                            record_id=getattr(record.item, "id", None))

    def store(self) -> None:
        """Keep a declared scheme in ``meta`` (the Admiralty code needs no entry)."""
        if self._scheme == (self._stored or ADMIRALTY) or not self._declared:
            return
        self._conn.execute(_UPSERT_META, ("grading", scheme_to_json(self._scheme)))

    def _holds_grades(self) -> bool:
        return bool(self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM events WHERE credibility IS NOT NULL) "
            "OR EXISTS (SELECT 1 FROM sources WHERE reliability IS NOT NULL)"
        ).fetchone()[0])


def _write_meta(db: Database, source: RecordSource) -> None:
    document = source.document
    values = {"name": document.name, "description": document.description}
    if document.view is not None:
        values["view_start"], values["view_end"] = document.view
    for key, value in values.items():
        if value is not None:
            db.execute(_UPSERT_META, (key, value))


def _upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """An INSERT of ``columns`` that updates the row already holding ``key``."""
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in columns if name not in key) or None
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT({', '.join(key)}) {action}"


_EVENT_COLUMNS = (*SCALAR_NAMES, "earliest", "latest")
_UPSERT_META = _upsert("meta", ("key", "value"), ("key",))
_UPSERT_EVENT = _upsert("events", _EVENT_COLUMNS, ("id",))
# A new file's events wait in a temporary table, then go into events in time order (ties by id):
# reading events by time, as the exports do, then walks the table front to back.
_EVENT_NAMES = ", ".join(f'"{name}"' for name in _EVENT_COLUMNS)
_STAGED_EVENT = f"INSERT INTO temp.import_events VALUES ({', '.join('?' for _ in _EVENT_COLUMNS)})"
_EVENTS_IN_TIME_ORDER = (
    f"INSERT INTO events ({_EVENT_NAMES}) SELECT {_EVENT_NAMES} FROM temp.import_events ORDER BY earliest, latest, id"
)
_UPSERT_BODY = _upsert("bodies", BODY_FIELDS, ("id",))
_UPSERT_LINK = _upsert("links", ("from_id", "to_id", "relation", "note", "confidence"),
                       ("from_id", "to_id", "relation"))
_LIST_TABLES = ("event_bodies", "event_tags", "sources")
_LINK_KEY_SEPARATOR = "\x1f"  # no id holds it: an id is text a person typed, of printable characters at most


def _event_values(event: Event) -> tuple[object, ...]:
    """The values of :data:`_EVENT_COLUMNS` for ``event`` (``within`` stored as 0 or 1)."""
    values: list[object] = [field.value(event) for field in SCALAR_FIELDS]
    values[_WITHIN] = int(values[_WITHIN])
    values += (event.earliest, event.latest)
    return tuple(values)


_WITHIN = SCALAR_NAMES.index("within")


class _BatchWriter:
    """Writes records in batches and keeps, in a temporary table, every id given and where.

    The table (``temp.import_given``) finds an id given twice (in one source or across
    sources) and names, in a message, the record that gave an id a reference cannot find.
    In an existing database each event given is compared with the one it holds: an event given
    as it was is left alone (counted unchanged); a changed one keeps its earlier dates.
    """

    def __init__(self, connection: sqlite3.Connection, labels: list[str], *, fresh: bool) -> None:
        self._conn = connection
        self._labels = labels
        self._fresh = fresh
        self._given: list[tuple[str, str, int, int, str]] = []
        self._bodies: list[Body] = []
        self._events: list[Record] = []
        self._links: list[Link] = []
        self._deletions: list[tuple[int, str, str]] = []  # (source, label, event id)
        self._extras = _has_extras(connection)
        now = datetime.now(UTC)
        self._imported = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._replaced = now.strftime("%Y-%m-%dT%H:%M")  # as a history's dates are read back: UTC, to the minute
        self._import_id: int | None = None
        self.bodies = self.events = self.links = 0
        self.added = self.updated = self.unchanged = self.deleted = 0
        self.notices: list[str] = []
        connection.execute("DROP TABLE IF EXISTS temp.import_given")
        connection.execute("DROP TABLE IF EXISTS temp.import_events")
        if fresh:
            connection.execute(f"CREATE TEMP TABLE import_events ({_EVENT_NAMES})")
        connection.execute(
            "CREATE TEMP TABLE import_given (kind TEXT NOT NULL, key TEXT NOT NULL, ordinal INTEGER NOT NULL, "
            "source INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )

    def start_source(self, source: int, format_name: str) -> None:
        """The records that follow come from source number ``source``, in ``format_name``."""
        self.flush()
        if self._extras:
            self._import_id = self._conn.execute(
                "INSERT INTO imports (file, format, imported) VALUES (?, ?, ?)",
                (_file_name(self._labels[source]), format_name, self._imported),
            ).lastrowid

    def add(self, source: int, record: Record) -> bool:
        """Keep ``record`` for the next batch; True when the batch is full."""
        item = record.item
        if record.kind == "deletion":
            self._deletions.append((source, record.label, item))
            return False
        if isinstance(item, Link):
            key = _LINK_KEY_SEPARATOR.join((item.source, item.target, item.relation.value))
            self._links.append(item)
        elif isinstance(item, Event):
            key = item.id
            self._events.append(record)
        else:
            key = item.id
            self._bodies.append(item)
        self._given.append((record.kind, key, self.bodies + self.events + self.links + len(self._given), source,
                            record.label))
        return len(self._given) >= WRITE_BATCH

    def flush(self) -> None:
        """Write the batch: bodies, then events with their lists, then links."""
        if not self._given:
            return
        self._record_given()
        conn = self._conn
        if self._bodies:
            conn.executemany(_UPSERT_BODY, ([getattr(b, name) for name in BODY_FIELDS] for b in self._bodies))
        if self._events:
            self._write_events(self._events)
        if self._links:
            conn.executemany(
                _UPSERT_LINK, ((k.source, k.target, k.relation.value, k.note,
                                k.confidence.value if k.confidence else None) for k in self._links)
            )
        self.bodies += len(self._bodies)
        self.events += len(self._events)
        self.links += len(self._links)
        self._given, self._bodies, self._events, self._links = [], [], [], []

    def _record_given(self) -> None:
        before = self._conn.total_changes
        self._conn.executemany("INSERT INTO temp.import_given VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                               self._given)
        if self._conn.total_changes - before == len(self._given):
            return
        for kind, key, ordinal, source, label in self._given:
            first = self._conn.execute(
                "SELECT ordinal, source, label FROM temp.import_given WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
            if first[0] != ordinal:
                same_source = first[1] == source
                where = first[2] if same_source else f"{self._labels[first[1]]} {first[2]}"
                what = "link" if kind == "link" else "id" if same_source else f"{kind} id"
                raise errors.ImportRefusedError(
                    self._labels[source], f"duplicate {what}: already given by {where}", record=label,
                    record_id=None if kind == "link" else key,
                )

    def _write_events(self, records: list[Record]) -> None:
        conn = self._conn
        events: list[Event] = [record.item for record in records]  # type: ignore[misc]
        named = {(p.body_id, p.name) for event in events for p in event.bodies if p.name is not None}
        if named:  # a body given by name alone: made when the database has none of that id (counted then)
            self.bodies += conn.executemany(
                "INSERT INTO bodies (id, name) VALUES (?, ?) ON CONFLICT(id) DO NOTHING", sorted(named)
            ).rowcount
        histories: dict[str, tuple[EarlierDates, ...]] = {}
        if self._fresh:
            conn.executemany(_STAGED_EVENT, map(_event_values, events))
            self.added += len(events)
        else:
            records, histories = self._changed(records)
            events = [record.item for record in records]  # type: ignore[misc]
            conn.executemany(_UPSERT_EVENT, map(_event_values, events))
            ids = [event.id for event in events]
            for chunk in _chunks(ids):
                marks = ", ".join("?" for _ in chunk)
                for table in _LIST_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE event_id IN ({marks})", chunk)
        conn.executemany(
            "INSERT INTO event_bodies (event_id, body_id, role, position) VALUES (?, ?, ?, ?)",
            ((e.id, p.body_id, p.role, position) for e in events for position, p in enumerate(e.bodies)),
        )
        conn.executemany(
            "INSERT INTO event_tags (event_id, tag, position) VALUES (?, ?, ?)",
            ((e.id, tag, position) for e in events for position, tag in enumerate(e.tags)),
        )
        conn.executemany(
            "INSERT INTO sources (event_id, position, url, title, publisher, published, reliability) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (e.id, position, s.url, s.title, s.publisher, s.published, s.reliability)
                for e in events
                for position, s in enumerate(e.sources)
            ),
        )
        if self._extras:
            conn.executemany(
                _UPSERT_EXTRAS,
                (
                    (*_extras_values(record.item, histories.get(record.item.id)), self._import_id, record.label)
                    for record in records
                ),
            )

    def _changed(self, records: list[Record]) -> tuple[list[Record], dict[str, tuple[EarlierDates, ...]]]:
        """The records of events that are new or differ from the database's (the rest counted
        unchanged), and the history each changed one has now (its earlier dates added)."""
        stored = _stored_events(self._conn, [record.item.id for record in records], extras=self._extras)
        changed: list[Record] = []
        histories: dict[str, tuple[EarlierDates, ...]] = {}
        for record in records:
            event: Event = record.item  # type: ignore[assignment]
            old = stored.get(event.id)
            if old is None:
                self.added += 1
                changed.append(record)
                continue
            history = _merged_history(old.history, event.history)
            if old.dates != _dates_of(event):
                earlier = EarlierDates(*old.dates, replaced=self._replaced, file=old.file)
                history = (*history, earlier)[-MAX_HISTORY:]
            if old.form == _stored_form(event) and history == old.history:
                self.unchanged += 1
                continue
            self.updated += 1
            histories[event.id] = history
            changed.append(record)
        return changed, histories

    # ------------------------------------------------------------------------- once all are written

    def place_events(self) -> None:
        """A new file's events, from the temporary table into ``events`` in time order."""
        if self._fresh:
            self._conn.execute(_EVENTS_IN_TIME_ORDER)
            self._conn.execute("DROP TABLE temp.import_events")
            self._conn.execute("PRAGMA shrink_memory")

    def delete_events(self) -> None:
        """Delete the events a deletions file names, with their lists and links; report those
        not found (the rest are deleted all the same)."""
        if not self._deletions:
            return
        conn = self._conn
        wanted = list(dict.fromkeys(event_id for _, _, event_id in self._deletions))
        present: set[str] = set()
        links = 0
        for chunk in _chunks(wanted):
            marks = ", ".join("?" for _ in chunk)
            present.update(row[0] for row in conn.execute(f"SELECT id FROM events WHERE id IN ({marks})", chunk))
            links += conn.execute(  # rowcount: the trigger's own deletions are not counted
                f"DELETE FROM links WHERE from_id IN ({marks}) OR to_id IN ({marks})", chunk + chunk
            ).rowcount
            for table in (*_LIST_TABLES, *(("event_extras",) if self._extras else ())):
                conn.execute(f"DELETE FROM {table} WHERE event_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM events WHERE id IN ({marks})", chunk)
        self.deleted = len(present)
        missing = [event_id for event_id in wanted if event_id not in present]
        if missing:
            shown = ", ".join(errors.shortened(event_id) for event_id in missing[:5])
            more = f" and {len(missing) - 5:,} more" if len(missing) > 5 else ""
            rest = "; the rest were deleted" if present else ""
            self.notices.append(
                f"{len(missing):,} of the {len(wanted):,} events to delete were not in the database "
                f"({shown}{more}){rest}"
            )
        if links:
            self.notices.append(f"{links:,} links to or from deleted events were removed")

    def check_references(self) -> None:
        """Refuse a reference to a body or an event the database does not hold, and a parent loop."""
        conn = self._conn
        missing = conn.execute(
            "SELECT g.source, g.label, g.key, r.field, r.target FROM temp.import_given AS g "
            "JOIN (SELECT id, 'parent' AS field, 1 AS rank, parent AS target FROM bodies WHERE parent IS NOT NULL "
            "      UNION ALL SELECT id, 'replaced_by', 2, replaced_by FROM bodies WHERE replaced_by IS NOT NULL) AS r "
            "  ON r.id = g.key "
            "WHERE g.kind = 'body' AND NOT EXISTS (SELECT 1 FROM bodies WHERE id = r.target) "
            "ORDER BY g.ordinal, r.rank LIMIT 1"
        ).fetchone()
        if missing:
            self._refuse(missing[0], missing[1], missing[2], missing[3], f"unknown body {missing[4]!r}")
        if conn.execute(
            "SELECT 1 FROM event_bodies WHERE body_id NOT IN (SELECT id FROM bodies) LIMIT 1"
        ).fetchone():
            missing = conn.execute(
                "SELECT g.source, g.label, g.key, eb.position, eb.body_id FROM temp.import_given AS g "
                "JOIN event_bodies AS eb ON eb.event_id = g.key "
                "WHERE g.kind = 'event' AND NOT EXISTS (SELECT 1 FROM bodies WHERE id = eb.body_id) "
                "ORDER BY g.ordinal, eb.position LIMIT 1"
            ).fetchone()
            if missing:
                self._refuse(missing[0], missing[1], missing[2], f"bodies[{missing[3] + 1}].id",
                             f"unknown body {missing[4]!r}")
        # One query (a lookup per link would scan a new file's events, which have no index yet).
        missing = conn.execute(
            "SELECT g.source, g.label, l.from_id, l.to_id, l.from_id NOT IN (SELECT id FROM events) "
            "FROM links AS l JOIN temp.import_given AS g "
            "  ON g.kind = 'link' AND g.key = l.from_id || ?1 || l.to_id || ?1 || l.relation "
            "WHERE l.from_id NOT IN (SELECT id FROM events) OR l.to_id NOT IN (SELECT id FROM events) "
            "ORDER BY g.ordinal LIMIT 1",
            (_LINK_KEY_SEPARATOR,),
        ).fetchone()
        if missing:
            source, label, from_id, to_id, from_missing = missing
            field_name, reference = ("from", from_id) if from_missing else ("to", to_id)
            self._refuse(source, label, None, field_name, f"unknown event {reference!r}")
        self._check_parent_loops()

    def _check_parent_loops(self) -> None:
        parents = dict(self._conn.execute("SELECT id, parent FROM bodies").fetchall())
        given = self._conn.execute(
            "SELECT source, label, key FROM temp.import_given WHERE kind = 'body' ORDER BY ordinal"
        )
        for source, label, body_id in given:
            seen = {body_id}
            current = parents.get(body_id)
            while current is not None:
                if current in seen:
                    self._refuse(source, label, body_id, "parent", f"the parent chain loops back through {current!r}")
                seen.add(current)
                current = parents.get(current)

    def _refuse(self, source: int, label: str, record_id: str | None, field_name: str | None, problem: str):
        raise errors.ImportRefusedError(
            self._labels[source], problem, record=label, record_id=record_id, field=field_name
        )


# ----------------------------------------------------------------------------- comparing with the database

_EXTRAS_COLUMNS = ("event_id", "latitude", "longitude", "fields", "history", "import_id", "record")
_UPSERT_EXTRAS = _upsert("event_extras", _EXTRAS_COLUMNS, ("event_id",))
_SELECT_STORED = ", ".join(f'e."{name}"' for name in _EVENT_COLUMNS)


def _file_name(label: str) -> str:
    """The name of the file ``label`` names, as text SQLite can store (a name that is not UTF-8 escaped)."""
    return errors.display_path(Path(label).name)


def _has_extras(connection: sqlite3.Connection) -> bool:
    return connection.execute("PRAGMA user_version").fetchone()[0] >= EXTRAS_SINCE or bool(
        connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'event_extras'").fetchone()
    )


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _fields_json(event: Event) -> str | None:
    return json.dumps(dict(event.fields), ensure_ascii=False, separators=(",", ":")) if event.fields else None


def _history_json(history: tuple[EarlierDates, ...]) -> str | None:
    if not history:
        return None
    entries = [{k: v for k, v in history_to_dict(entry).items() if v is not None} for entry in history]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


def _extras_values(event: Event, history: tuple[EarlierDates, ...] | None) -> tuple[object, ...]:
    return (event.id, event.latitude, event.longitude, _fields_json(event),
            _history_json(event.history if history is None else history))


def _dates_of(event: Event) -> tuple[object, ...]:
    return (event.start.iso(), event.end.iso() if event.end else None, event.precision.value, event.timezone,
            event.within)


def _stored_form(event: Event) -> tuple[object, ...]:
    """What the database holds of ``event``, as :func:`_stored_events` reads it back."""
    return (
        _event_values(event),
        tuple((p.body_id, p.role) for p in event.bodies),
        event.tags,
        tuple((s.url, s.title, s.publisher, s.published, s.reliability) for s in event.sources),
        event.latitude, event.longitude, _fields_json(event),
    )


@dataclass(frozen=True)
class _StoredEvent:
    form: tuple[object, ...]  # as :func:`_stored_form`
    dates: tuple[object, ...]  # as :func:`_dates_of`
    history: tuple[EarlierDates, ...]
    file: str | None  # the file it last came from


def _stored_events(connection: sqlite3.Connection, ids: list[str], *, extras: bool) -> dict[str, _StoredEvent]:
    """The events of ``ids`` the database holds, in the forms an import compares."""
    found: dict[str, _StoredEvent] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        rows = connection.execute(f"SELECT {_SELECT_STORED} FROM events e WHERE e.id IN ({marks})", chunk).fetchall()
        if not rows:
            continue
        lists: list[dict[str, list[tuple]]] = []
        for sql in (
            "SELECT event_id, body_id, role FROM event_bodies",
            "SELECT event_id, tag FROM event_tags",
            "SELECT event_id, url, title, publisher, published, reliability FROM sources",
        ):
            grouped: dict[str, list[tuple]] = {}
            for row in connection.execute(f"{sql} WHERE event_id IN ({marks}) ORDER BY event_id, position", chunk):
                grouped.setdefault(row[0], []).append(row[1:])
            lists.append(grouped)
        extra_rows: dict[str, tuple] = {}
        if extras:
            extra_rows = {
                row[0]: row[1:] for row in connection.execute(
                    "SELECT x.event_id, x.latitude, x.longitude, x.fields, x.history, i.file FROM event_extras x "
                    f"LEFT JOIN imports i ON i.id = x.import_id WHERE x.event_id IN ({marks})", chunk)
            }
        for row in rows:
            event_id = row[0]
            bodies, tags, sources = (tuple(grouped.get(event_id, ())) for grouped in lists)
            latitude, longitude, fields, history, file = extra_rows.get(event_id, (None,) * 5)
            start, end, precision, timezone, within = row[2:7]
            found[event_id] = _StoredEvent(
                form=(tuple(row), bodies, tuple(tag for (tag,) in tags), sources, latitude, longitude, fields),
                dates=(start, end, precision, timezone, bool(within)),
                history=history_from_json(history),
                file=file if isinstance(file, str) else None,
            )
    return found


def _merged_history(stored: tuple[EarlierDates, ...], given: tuple[EarlierDates, ...]) -> tuple[EarlierDates, ...]:
    """The earlier dates the database holds, then those given that it does not."""
    merged = list(stored)
    merged.extend(entry for entry in given if entry not in stored)
    return tuple(merged[-MAX_HISTORY:])

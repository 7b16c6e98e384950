"""Reading a Defence Timeline file opened read-only: counts, filtered events, bodies, links."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np

from viewer.store.csv_sql import csv_line_sql, register_csv_functions
from viewer.store.dates import PartialDate, Precision, normalise_timezone, parse_date
from viewer.store.errors import DefenceTimelineError, OperationCancelledError
from viewer.store.event_fields import SCALAR_NAMES, select_columns
from viewer.store.filters import EventFilter, annotated_ids
from viewer.store.grading import (
    ADMIRALTY,
    MAX_CODE_LENGTH,
    MAX_SCHEME_JSON,
    Confidence,
    GradingScheme,
    scheme_from_json,
)
from viewer.store.interchange import read_extras
from viewer.store.interrupts import QueryGuard
from viewer.store.linking import linked_seqs
from viewer.store.model import Body, Document, Event, Link, Participation, Relation, Source, Status
from viewer.store.opening import open_for_viewing, translate_sqlite_error
from viewer.store.schema import EXTRAS_SINCE, GRADES_SINCE, STORED_INDEX_SINCE
from viewer.store.stored_index import ORDERED_COLUMNS, StaleIndex, StoredIndex, read_stored_index
from viewer.store.time_index import TimeIndex
from viewer.store.validity import (
    UnreadableCounts,
    indexable_event_sql,
    register_functions,
    unreadable_counts,
    unreadable_event_seqs,
    valid_body_sql,
    valid_event_sql,
    valid_link_sql,
    valid_participation_sql,
    valid_source_sql,
    valid_tag_sql,
)
from viewer.store.workspace import Workspace, load_workspace, workspace_path

P = ParamSpec("P")
R = TypeVar("R")
BATCH = 500
STREAM_BATCH = 5_000  # rows per fetch when streaming an export
MAX_META_LENGTH = 100_000  # a dataset's name or description
MAX_EXTRAS_TEXT = 4 * 1024 * 1024  # an event's other fields or earlier dates, as JSON text
RELATED_LIMIT = 500  # related events listed for one event; the rest are counted
_VALID_EVENT = valid_event_sql("e")
_VALID_LINK = valid_link_sql("l")
_VALID_BODY = valid_body_sql("bodies")
# Readable links between two readable events (aliases f and t for their ends).
_LINK_ENDS = (
    "JOIN events f ON f.id = l.from_id JOIN events t ON t.id = l.to_id "
    f"WHERE {_VALID_LINK} AND {valid_event_sql('f')} AND {valid_event_sql('t')}"
)

_BODY_COLUMNS = "id, name, acronym, kind, parent, location, founded, dissolved, replaced_by, url, description"
_EVENT_COLUMNS = {graded: select_columns("e", grades=graded) for graded in (True, False)}
_CSV_LINES = {(extras, graded): csv_line_sql(extras=extras, grades=graded)
              for extras in (True, False) for graded in (True, False)}
_CONFIDENCES = list(Confidence)


_CONFIDENCE_LENGTH = max(len(confidence.value) for confidence in Confidence)


def _grade_sql(column: str, limit: int = MAX_CODE_LENGTH) -> str:
    """A grade column as read: a text of at most ``limit`` characters (anything else a crafted file holds is NULL)."""
    return f"(CASE WHEN typeof({column}) = 'text' AND length({column}) <= {limit} THEN {column} END)"


def stored_grading(connection: sqlite3.Connection) -> GradingScheme | None:
    """The grading scheme a database keeps in ``meta`` (None: it keeps none, so grades follow the
    Admiralty code; a scheme that is not one, in a crafted file, is not used either)."""
    try:
        row = connection.execute(
            "SELECT value FROM meta WHERE key = 'grading' AND typeof(value) = 'text' AND length(value) <= ?",
            (MAX_SCHEME_JSON,),
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    if row is None:
        return None
    try:
        return scheme_from_json(row[0])
    except ValueError:
        return None


_ROW_NAMES = ("seq", *SCALAR_NAMES)


@dataclass(frozen=True)
class RelatedEvent:
    """An event linked to another, seen from that other one."""

    relation: Relation
    outgoing: bool  # True: "<this> <relation> <related>"; False: "<related> <relation> <this>"
    event: Event  # without bodies, tags or sources
    note: str | None
    confidence: Confidence | None = None  # None: as sure as its sources (confirmed)

    @property
    def label(self) -> str:
        """"Prepares" or "Prepared by", as seen from the event the list belongs to."""
        return self.relation.forward_label if self.outgoing else self.relation.backward_label


@dataclass(frozen=True)
class Provenance:
    """Where an event came from: the file an import read (its name), in which format, when (UTC), which record."""

    file: str
    format: str
    imported: str
    record: str


@dataclass(frozen=True)
class BodyContext:
    """What the details pane shows about a body beyond its own record."""

    parent: Body | None
    children: list[Body]
    replaces: list[Body]
    replaced_by: Body | None
    event_count: int


@dataclass(frozen=True)
class TableRow:
    """The columns of the events table that are not in the time index."""

    start: str
    end: str | None
    location: str | None
    bodies: tuple[str, ...]


@dataclass(frozen=True)
class StoreSummary:
    """What a file holds, for ``check`` and the window's status line."""

    name: str | None
    events: int
    bodies: int
    links: int
    first_date: str | None  # normalised start of the earliest event
    last_date: str | None  # normalised end (or start) of the latest-ending event


def _sqlite_errors_translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite failures met while reading (a file damaged later) into store errors.

    A cancelled store refuses every later call at once, however short the query.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        store = args[0]
        if store._guard.cancelled:  # type: ignore[attr-defined]
            raise OperationCancelledError()
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            raise translate_sqlite_error(store.path, error) from None  # type: ignore[attr-defined]

    return wrapper


class EventStore:
    """A read-only view of one database file. Never writes to it."""

    def __init__(self, path: str | Path, connection: sqlite3.Connection | None = None) -> None:
        """Open ``path`` read-only (or read through ``connection``, already open: see :meth:`over`)."""
        self.path = Path(path)
        self._guard = QueryGuard()
        self._connection = connection or open_for_viewing(self.path, self._guard)
        self._unreadable: UnreadableCounts | None = None
        self._events_skipped_while_reading = 0
        self._stored: StoredIndex | None = None
        self._stored_read = connection is not None  # over another's connection: no stored index is read
        self._scanned = False
        self._version: int | None = None
        self._grading: GradingScheme | None = None
        self._workspace: tuple[tuple[int, int] | None, Workspace] | None = None  # (file stamp, workspace)
        self.index_reason = ""  # why the time index was rebuilt on opening ("" when the stored one was used)

    @classmethod
    def over(cls, connection: sqlite3.Connection, path: Path) -> EventStore:
        """The readers over a connection that is already open (the import's, to build the stored
        index from the rows it wrote); the stored index itself is not read."""
        register_functions(connection)  # the validity conditions call them
        return cls(path, connection)

    def close(self) -> None:
        """Release the file."""
        self._connection.close()

    def cancel(self) -> None:
        """Interrupt the query running now (from any thread) and refuse every later one."""
        self._guard.cancel()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The file's schema version (verified on opening)."""
        if self._version is None:
            self._version = int(self._connection.execute("PRAGMA user_version").fetchone()[0])
        return self._version

    @property
    def graded(self) -> bool:
        """True when the file can hold grades (schema version 4 or later)."""
        return self.schema_version >= GRADES_SINCE

    @property
    def grading(self) -> GradingScheme:
        """The scheme the file's grades follow: the one it keeps, else the Admiralty code."""
        if self._grading is None:
            self._grading = (stored_grading(self._connection) if self.graded else None) or ADMIRALTY
        return self._grading

    @property
    def _event_columns(self) -> str:
        return _EVENT_COLUMNS[self.graded]

    @property
    def connection(self) -> sqlite3.Connection:
        """The read-only SQLite connection (for the time index loader)."""
        return self._connection

    # ------------------------------------------------------------------------- summaries

    @_sqlite_errors_translated
    def name(self) -> str | None:
        """The dataset's name, if it has one."""
        return self._meta_text("name")

    @_sqlite_errors_translated
    def description(self) -> str | None:
        """The dataset's description, if it has one."""
        return self._meta_text("description")

    @_sqlite_errors_translated
    def view(self) -> tuple[str, str] | None:
        """The range the dataset asks a viewer to show first, if it names one."""
        first, last = self._meta_text("view_start"), self._meta_text("view_end")
        if first is None or last is None:
            return None
        try:  # a crafted file may hold anything here: only a real pair of dates is a view
            if parse_date(last).end_instant() <= parse_date(first).first_instant():
                return None
        except DefenceTimelineError:
            return None
        return first, last

    def _meta_text(self, key: str) -> str | None:
        """A text value of the ``meta`` table (anything else a crafted file put there is ignored)."""
        row = self._connection.execute(
            "SELECT value FROM meta WHERE key = ? AND typeof(value) = 'text' AND length(value) <= ?",
            (key, MAX_META_LENGTH),
        ).fetchone()
        return row[0] if row else None

    @property
    def index_note(self) -> str:
        """A sentence for the user when the time index had to be built on opening, else ""."""
        if not self.index_reason:
            return ""
        return (f"The time index was built on opening because {self.index_reason}; "
                "importing into the file with this version stores it again")

    @_sqlite_errors_translated
    def stored_index(self) -> StoredIndex | None:
        """The time index stored at import when it is there and sound, else None (and
        :attr:`index_note` says why it is rebuilt). Read once per store."""
        if not self._stored_read:
            self._stored_read = True
            if self.schema_version < STORED_INDEX_SINCE:
                self.index_reason = "the file was written by an older Defence Timeline"
            else:
                try:
                    self._stored = read_stored_index(self._connection, _VALID_EVENT,
                                                     self.grading if self.graded else None)
                except StaleIndex as reason:
                    self.index_reason = str(reason)
        return self._stored

    def build_stored_index(self, *, rows_checked: bool = False) -> StoredIndex:
        """The stored index made from the rows (import calls this before storing it).

        ``rows_checked``: every event row was validated by the import that wrote it (a new file),
        so the conditions that find unreadable rows are not run again (the result is the same).
        """
        link_from, link_to, relations, confidence = self._link_rows()
        readable = "1" if rows_checked else _VALID_EVENT
        return StoredIndex(
            self._loaded_time_index(), link_from, link_to, relations,
            self._counted_summary(readable), {column: self._ordered_seqs(column, readable)
                                              for column in ORDERED_COLUMNS},
            confidence,
        )

    def _loaded_time_index(self) -> TimeIndex:
        index = TimeIndex.load(self._connection, indexable_event_sql("e"))
        if self.graded:
            index.load_grades(self._connection, self.grading)
        return index

    @_sqlite_errors_translated
    def summary(self) -> StoreSummary:
        """Counts and the date range of the readable records."""
        stored = self.stored_index()
        counted = stored.summary if stored is not None else self._counted_summary()
        return StoreSummary(name=self.name(), **counted)

    def _counted_summary(self, readable: str = _VALID_EVENT) -> dict[str, object]:
        count = self._scalar
        first = self._connection.execute(
            f"SELECT e.start FROM events e WHERE {readable} ORDER BY e.earliest LIMIT 1"
        ).fetchone()
        last = self._connection.execute(
            f'SELECT coalesce(e."end", e.start) FROM events e WHERE {readable} ORDER BY e.latest DESC LIMIT 1'
        ).fetchone()
        return {
            "events": count(f"SELECT count(*) FROM events e WHERE {readable}"),
            "bodies": count(f"SELECT count(*) FROM bodies WHERE {_VALID_BODY}"),
            "links": count(f"SELECT count(*) FROM links l WHERE {_VALID_LINK}"),
            "first_date": first[0] if first else None,
            "last_date": last[0] if last else None,
        }

    @_sqlite_errors_translated
    def stored_event_count(self) -> int:
        """How many rows the events table holds, readable or not (for progress messages)."""
        stored = self.stored_index()
        return len(stored.index) if stored is not None else self._scalar("SELECT count(*) FROM events")

    @_sqlite_errors_translated
    def unreadable(self, *, scan: bool = False) -> UnreadableCounts:
        """How many stored records could not be read (counted once per store, then cached).

        A file whose stored index is sound holds only what import wrote and checked, so nothing
        is counted; ``scan`` counts anyway (``check``).
        """
        if self._unreadable is None and not scan and self.stored_index() is not None:
            self._unreadable = UnreadableCounts()
        if self._unreadable is None or (scan and not self._scanned):
            self._unreadable = unreadable_counts(self._connection)
            self._scanned = True
        counts = self._unreadable
        if self._events_skipped_while_reading:
            return UnreadableCounts(
                counts.events + self._events_skipped_while_reading, counts.bodies, counts.participations,
                counts.tags, counts.sources, counts.links,
            )
        return counts

    @_sqlite_errors_translated
    def unreadable_event_seqs(self) -> list[int]:
        """The ``seq`` numbers of stored events that could not be read (none for a sound file)."""
        if not self.unreadable().events:
            return []
        return unreadable_event_seqs(self._connection)

    @_sqlite_errors_translated
    def integrity_problem(self) -> str | None:
        """A description of damage found by SQLite's quick check, or None when healthy."""
        rows = self._connection.execute("PRAGMA quick_check(5)").fetchall()
        problems = [str(row[0])[:500] for row in rows if row[0] != "ok"]
        return "; ".join(problems) if problems else None

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> int:
        return int(self._connection.execute(sql, params).fetchone()[0])

    @_sqlite_errors_translated
    def time_index(self) -> TimeIndex:
        """Every event's time columns, sorted, for the timeline: stored at import, or read in one query."""
        stored = self.stored_index()
        return stored.index if stored is not None else self._loaded_time_index()

    # ------------------------------------------------------------------------- events

    @_sqlite_errors_translated
    def count(self, event_filter: EventFilter | None = None) -> int:
        """How many events pass the filter."""
        where, params = self._where(event_filter)
        return self._scalar(f"SELECT count(*) FROM events e WHERE {where}", params)

    @_sqlite_errors_translated
    def event_ids(self, event_filter: EventFilter | None = None) -> list[str]:
        """Ids of the events passing the filter, in time order."""
        where, params = self._where(event_filter)
        rows = self._connection.execute(
            f"SELECT e.id FROM events e WHERE {where} ORDER BY e.earliest, e.latest, e.id", params
        )
        return [row[0] for row in rows]

    @_sqlite_errors_translated
    def ids_with_linked(self, event_filter: EventFilter | None = None) -> list[str]:
        """Ids of the events passing the filter and of those one link away (either direction),
        readable ones only; "linked" as :func:`viewer.store.linking.linked_to` defines it."""
        where, params = self._where(event_filter)
        chosen = self._connection.execute(f"SELECT e.seq, e.id FROM events e WHERE {where}", params).fetchall()
        # The links in memory when the stored index was read already; else from the rows (reading
        # the whole stored index for them would cost more).
        stored = self._stored
        link_from, link_to = (stored.link_from, stored.link_to) if stored else self._link_rows()[:2]
        seqs = np.fromiter((row[0] for row in chosen), dtype=np.int64, count=len(chosen))
        extra = linked_seqs(link_from, link_to, seqs).tolist()
        ids = [row[1] for row in chosen]
        for start in range(0, len(extra), BATCH):
            chunk = extra[start : start + BATCH]
            marks = ", ".join("?" for _ in chunk)
            ids.extend(row[0] for row in self._connection.execute(
                f"SELECT e.id FROM events e WHERE e.seq IN ({marks}) AND {_VALID_EVENT}", chunk
            ))
        return ids

    @_sqlite_errors_translated
    def event_seqs(self, event_filter: EventFilter | None = None) -> np.ndarray:
        """Row numbers (``seq``) of the events passing the filter, unordered, as int64.

        For masks over the time index, which holds only readable rows: the row checks are left
        to it (they cost more than the search itself).
        """
        where, params = self._where_sql(event_filter)
        rows = self._connection.execute(f"SELECT e.seq FROM events e WHERE {where}", params)
        return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)

    def events(self, event_filter: EventFilter | None = None) -> list[Event]:
        """The full events passing the filter, in time order."""
        return list(self.iter_events(event_filter))

    def iter_events(self, event_filter: EventFilter | None = None) -> Iterator[Event]:
        """The full events passing the filter, in time order, read in batches."""
        where, params = self._where(event_filter)
        cursor = self._execute(
            f"SELECT {self._event_columns} FROM events e WHERE {where} "
            "ORDER BY e.earliest, e.latest, e.id",
            params,
        )
        while True:
            rows = self._fetch(cursor)
            if not rows:
                return
            yield from self._complete_events(rows)

    def csv_line_batches(self, event_filter: EventFilter | None = None) -> Iterator[list[str]]:
        """The CSV lines (:mod:`viewer.store.csv_sql`, without line ends) of the events passing the
        filter, in time order, a batch at a time: the export streams them with no object per event."""
        register_csv_functions(self._connection)
        where, params = self._where(event_filter)
        cursor = self._execute(
            f"SELECT {_CSV_LINES[self.schema_version >= EXTRAS_SINCE, self.graded]} FROM events e WHERE {where} "
            "ORDER BY e.earliest, e.latest, e.id", params
        )
        while rows := self._fetch(cursor, STREAM_BATCH):
            yield [row[0] for row in rows]

    def _where(self, event_filter: EventFilter | None) -> tuple[str, list[object]]:
        where, params = self._where_sql(event_filter)
        return f"{_VALID_EVENT} AND {where}", params

    def _where_sql(self, event_filter: EventFilter | None) -> tuple[str, list[object]]:
        """The filter's condition, its starred and noted events read from the workspace beside the file."""
        event_filter = event_filter or EventFilter()
        if event_filter.starred or event_filter.noted:
            workspace = self.workspace()
            chosen = annotated_ids(event_filter, workspace.starred(), workspace.with_notes())
            if not chosen:
                return "0", []
            event_filter = event_filter.with_changes(ids=chosen, starred=False, noted=False)
        return event_filter.where_sql(grading=self._filter_grading)

    def workspace(self) -> Workspace:
        """The analyst's workspace beside the file (read again only when the workspace file changed);
        WorkspaceError when it cannot be read (it is left as it is)."""
        path = workspace_path(self.path)
        try:
            found = path.stat()
            stamp: tuple[int, int] | None = (found.st_mtime_ns, found.st_size)
        except OSError:
            stamp = None
        if self._workspace is None or self._workspace[0] != stamp or stamp is None:
            self._workspace = (stamp, load_workspace(self.path))
        return self._workspace[1]

    @property
    def _filter_grading(self) -> GradingScheme | None:
        """The scheme a filter's grades are read in (None: the file holds no grades)."""
        return self.grading if self.graded else None

    @_sqlite_errors_translated
    def _execute(self, sql: str, params: Sequence[object]) -> sqlite3.Cursor:
        return self._connection.execute(sql, params)

    @_sqlite_errors_translated
    def _fetch(self, cursor: sqlite3.Cursor, size: int = BATCH) -> list[tuple]:
        return cursor.fetchmany(size)

    @_sqlite_errors_translated
    def _complete_events(self, rows: list[tuple]) -> list[Event]:
        ids = [row[1] for row in rows]
        marks = ", ".join("?" for _ in ids)
        participations: dict[str, list[Participation]] = defaultdict(list)
        for event_id, body_id, role in self._connection.execute(
            f"SELECT p.event_id, p.body_id, p.role FROM event_bodies p WHERE p.event_id IN ({marks}) "
            f"AND {valid_participation_sql('p')} ORDER BY p.event_id, p.position",
            ids,
        ):
            participations[event_id].append(Participation(body_id, role))
        tags: dict[str, list[str]] = defaultdict(list)
        for event_id, tag in self._connection.execute(
            f"SELECT t.event_id, t.tag FROM event_tags t WHERE t.event_id IN ({marks}) "
            f"AND {valid_tag_sql('t')} ORDER BY t.event_id, t.position",
            ids,
        ):
            tags[event_id].append(tag)
        sources: dict[str, list[Source]] = defaultdict(list)
        scheme = self.grading
        reliability = _grade_sql("s.reliability") if self.graded else "NULL"
        for event_id, url, title, publisher, published, grade in self._connection.execute(
            f"SELECT s.event_id, s.url, s.title, s.publisher, s.published, {reliability} FROM sources s "
            f"WHERE s.event_id IN ({marks}) AND {valid_source_sql('s')} ORDER BY s.event_id, s.position",
            ids,
        ):
            grade = grade if scheme.position("reliability", grade) is not None else None
            sources[event_id].append(Source(url, title, publisher, published, grade))
        extras = self._extras(ids, marks)
        events = []
        for row in rows:
            event = self._checked_event(
                row,
                tuple(participations.get(row[1], ())),
                tuple(tags.get(row[1], ())),
                tuple(sources.get(row[1], ())),
            )
            if event is not None:
                if row[1] in extras:
                    event = dataclasses.replace(event, **extras[row[1]])
                events.append(event)
        return events

    def _extras(self, ids: list[str], marks: str) -> dict[str, dict[str, object]]:
        """The place, other fields and earlier dates of the events ``ids`` (what of them is readable)."""
        if self.schema_version < EXTRAS_SINCE:
            return {}
        found: dict[str, dict[str, object]] = {}
        for event_id, latitude, longitude, fields, history in self._connection.execute(
            "SELECT x.event_id, x.latitude, x.longitude, "
            f"CASE WHEN length(x.fields) <= {MAX_EXTRAS_TEXT} THEN x.fields END, "
            f"CASE WHEN length(x.history) <= {MAX_EXTRAS_TEXT} THEN x.history END "
            f"FROM event_extras x WHERE x.event_id IN ({marks})",
            ids,
        ):
            values = read_extras(latitude, longitude, fields, history)
            if values:
                found[event_id] = values
        return found

    @_sqlite_errors_translated
    def provenance(self, event_id: str) -> Provenance | None:
        """Where the event last came from (the import's file, format and time, and the record), if known."""
        if self.schema_version < EXTRAS_SINCE:
            return None
        row = self._connection.execute(
            "SELECT i.file, i.format, i.imported, x.record FROM event_extras x JOIN imports i ON i.id = x.import_id "
            "WHERE x.event_id = ?", (event_id,)
        ).fetchone()
        if row is None or not all(isinstance(value, str) and len(value) <= MAX_META_LENGTH for value in row):
            return None
        return Provenance(*row)

    def _checked_event(
        self, row: tuple, bodies: tuple[Participation, ...], tags: tuple[str, ...], sources: tuple[Source, ...]
    ) -> Event | None:
        """The event of a row that passed the SQL checks, or None (counted) if Python's refuse it."""
        try:
            return _event_from_row(row, bodies, tags, sources, self.grading)
        except (DefenceTimelineError, ValueError):
            self._events_skipped_while_reading += 1
            return None

    def event(self, event_id: str) -> Event | None:
        """One event with everything it holds, or None."""
        found = self.events(EventFilter(ids=frozenset({event_id})))
        return found[0] if found else None

    @_sqlite_errors_translated
    def related(self, event_id: str, limit: int = RELATED_LIMIT) -> list[RelatedEvent]:
        """Events linked to ``event_id`` in either direction, in time order (at most ``limit``)."""
        columns, sure = self._event_columns, self._confidence_sql
        rows = self._connection.execute(
            f"SELECT * FROM (SELECT l.relation, 1, l.note, {sure}, e.earliest AS sort_time, {columns} FROM links l "
            f"JOIN events e ON e.id = l.to_id WHERE l.from_id = ? AND {_VALID_LINK} AND {_VALID_EVENT} "
            f"UNION ALL SELECT l.relation, 0, l.note, {sure}, e.earliest, {columns} FROM links l "
            f"JOIN events e ON e.id = l.from_id WHERE l.to_id = ? AND {_VALID_LINK} AND {_VALID_EVENT}) "
            "ORDER BY sort_time, id LIMIT ?",
            (event_id, event_id, max(0, int(limit))),
        ).fetchall()
        found = []
        for row in rows:
            event = self._checked_event(row[5:], (), (), ())
            if event is not None:
                found.append(RelatedEvent(Relation(row[0]), bool(row[1]), event, row[2], _confidence(row[3])))
        return found

    @_sqlite_errors_translated
    def related_count(self, event_id: str) -> int:
        """How many links (in either direction) join ``event_id`` to readable events."""
        return self._scalar(
            f"SELECT (SELECT count(*) FROM links l JOIN events e ON e.id = l.to_id "
            f"WHERE l.from_id = ? AND {_VALID_LINK} AND {_VALID_EVENT}) + "
            f"(SELECT count(*) FROM links l JOIN events e ON e.id = l.from_id "
            f"WHERE l.to_id = ? AND {_VALID_LINK} AND {_VALID_EVENT})",
            (event_id, event_id),
        )

    @_sqlite_errors_translated
    def body(self, body_id: str) -> Body | None:
        """One body, or None."""
        found = self.bodies([body_id])
        return found[0] if found else None

    @_sqlite_errors_translated
    def body_context(self, body: Body) -> BodyContext:
        """The parent, sub-bodies, history and event count of a body."""
        children = [Body(*row) for row in self._connection.execute(
            f"SELECT {_BODY_COLUMNS} FROM bodies WHERE parent = ? AND {_VALID_BODY} ORDER BY name LIMIT ?",
            (body.id, RELATED_LIMIT),
        )]
        replaces = [Body(*row) for row in self._connection.execute(
            f"SELECT {_BODY_COLUMNS} FROM bodies WHERE replaced_by = ? AND {_VALID_BODY} ORDER BY name LIMIT ?",
            (body.id, RELATED_LIMIT),
        )]
        count = self._scalar(
            f"SELECT count(DISTINCT p.event_id) FROM event_bodies p JOIN events e ON e.id = p.event_id "
            f"WHERE p.body_id = ? AND {valid_participation_sql('p')} AND {_VALID_EVENT}",
            (body.id,),
        )
        return BodyContext(
            parent=self.body(body.parent) if body.parent else None,
            children=children,
            replaces=replaces,
            replaced_by=self.body(body.replaced_by) if body.replaced_by else None,
            event_count=count,
        )

    @_sqlite_errors_translated
    def table_rows(self, seqs: Iterable[int]) -> dict[int, TableRow]:
        """Start, end, location and body ids for the events with these ``seq`` numbers."""
        wanted = list(dict.fromkeys(int(seq) for seq in seqs))
        rows: dict[int, TableRow] = {}
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            marks = ", ".join("?" for _ in chunk)
            bodies: dict[int, list[str]] = defaultdict(list)
            for seq, body_id in self._connection.execute(
                f"SELECT e.seq, p.body_id FROM event_bodies p JOIN events e ON e.id = p.event_id "
                f"WHERE e.seq IN ({marks}) AND {valid_participation_sql('p')} ORDER BY e.seq, p.position",
                chunk,
            ):
                bodies[seq].append(body_id)
            for seq, first, last, location in self._connection.execute(
                f'SELECT e.seq, e.start, e."end", e.location FROM events e WHERE e.seq IN ({marks}) '
                f"AND {_VALID_EVENT}",
                chunk,
            ):
                rows[seq] = TableRow(first, last, location, tuple(bodies.get(seq, ())))
        return rows

    @_sqlite_errors_translated
    def seqs_ordered_by(self, column: str) -> np.ndarray:
        """Every event's ``seq``, ordered by ``location`` or ``title`` (for sorting the table;
        the stored order itself when the file holds one: do not change it)."""
        if column not in ORDERED_COLUMNS:
            raise ValueError(f"cannot order by {column!r}")
        stored = self.stored_index()
        return stored.orders[column] if stored is not None else self._ordered_seqs(column)

    def order_in_memory(self, column: str) -> bool:
        """True when :meth:`seqs_ordered_by` answers at once (from the stored index already read)."""
        return self._stored is not None and column in ORDERED_COLUMNS

    def _ordered_seqs(self, column: str, readable: str = _VALID_EVENT) -> np.ndarray:
        rows = self._connection.execute(
            f"SELECT e.seq FROM events e WHERE {readable} ORDER BY e.{column} COLLATE NOCASE, e.earliest, e.seq"
        )
        return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)

    # ------------------------------------------------------------------------- bodies and links

    @_sqlite_errors_translated
    def bodies(self, ids: Iterable[str] | None = None) -> list[Body]:
        """All bodies (or those with the given ids), ordered by id."""
        columns = _BODY_COLUMNS
        if ids is None:
            rows = self._connection.execute(f"SELECT {columns} FROM bodies WHERE {_VALID_BODY} ORDER BY id").fetchall()
        else:
            rows = self._rows_for_ids(f"SELECT {columns} FROM bodies WHERE id IN ({{}}) AND {_VALID_BODY}", ids)
            rows.sort(key=lambda row: row[0])
        return [Body(*row) for row in rows]

    @_sqlite_errors_translated
    def links(self, among: Iterable[str] | None = None, *, at_least: Confidence | None = None) -> list[Link]:
        """All links, or only those whose both ends are in ``among``; in a stable order.

        ``at_least``: only the links that sure or surer (a link without a confidence counts as confirmed).
        """
        rows = self._connection.execute(
            f"SELECT l.from_id, l.to_id, l.relation, l.note, {self._confidence_sql} FROM links l {_LINK_ENDS} "
            "ORDER BY l.from_id, l.to_id, l.relation"
        ).fetchall()
        if among is not None:
            keep = set(among)
            rows = [row for row in rows if row[0] in keep and row[1] in keep]
        found = [Link(row[0], row[1], Relation(row[2]), row[3], _confidence(row[4])) for row in rows]
        if at_least is not None:
            found = [link for link in found if _CONFIDENCES.index(link.sureness) <= _CONFIDENCES.index(at_least)]
        return found

    @property
    def _confidence_sql(self) -> str:
        return _grade_sql("l.confidence", _CONFIDENCE_LENGTH) if self.graded else "NULL"

    @_sqlite_errors_translated
    def link_seqs(self) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
        """Every readable link's (from seqs, to seqs, relations, confidences as positions in
        :class:`Confidence`), for the in-memory timeline."""
        stored = self.stored_index()
        if stored is not None:
            return stored.link_from, stored.link_to, stored.link_relations, stored.confidences()
        return self._link_rows()

    def _link_rows(self) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
        # Ends that the time index left out map to no position there and are dropped by the caller.
        rows = self._connection.execute(
            f"SELECT f.seq, t.seq, l.relation, {self._confidence_sql} FROM links l JOIN events f ON f.id = l.from_id "
            f"JOIN events t ON t.id = l.to_id WHERE {_VALID_LINK}"
        ).fetchall()
        ends = np.array([(source, target) for source, target, _, _ in rows], dtype=np.int64).reshape(-1, 2)
        confidence = np.fromiter((_CONFIDENCES.index(_confidence(row[3]) or Confidence.CONFIRMED) for row in rows),
                                 dtype=np.int8, count=len(rows))
        return ends[:, 0].copy(), ends[:, 1].copy(), [relation for _, _, relation, _ in rows], confidence

    def _rows_for_ids(self, sql_template: str, ids: Iterable[str]) -> list[tuple]:
        wanted = list(dict.fromkeys(ids))
        rows: list[tuple] = []
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            marks = ", ".join("?" for _ in chunk)
            rows.extend(self._connection.execute(sql_template.format(marks), chunk).fetchall())
        return rows

    # ------------------------------------------------------------------------- export

    def document(self, event_filter: EventFilter | None = None) -> Document:
        """The events passing the filter as an interchange document, with the links among them.

        Without a filter it is the whole file, every body included. With one, it holds the
        bodies those events reference (and the parents and successors those name), so that
        it imports on its own.
        """
        event_filter = event_filter or EventFilter()
        document = self.document_head(event_filter)
        document.events = self.events(event_filter)
        document.links = self.links_among({event.id for event in document.events}, event_filter)
        return document

    @_sqlite_errors_translated
    def document_head(self, event_filter: EventFilter | None = None) -> Document:
        """:meth:`document` without its events and links, to stream those (:meth:`iter_events`,
        then :meth:`links_among` the events given)."""
        event_filter = event_filter or EventFilter()
        if event_filter.is_empty:
            bodies = self.bodies()
        else:
            where, params = self._where(event_filter)
            referenced = self._connection.execute(
                f"SELECT DISTINCT p.body_id FROM events e JOIN event_bodies p ON p.event_id = e.id "
                f"WHERE {where} AND {valid_participation_sql('p')}",
                params,
            ).fetchall()
            bodies = self._bodies_closure({row[0] for row in referenced})
        return Document(name=self.name(), description=self.description(), view=self.view(), bodies=bodies,
                        grading=self._declared_grading())

    def _declared_grading(self) -> GradingScheme | None:
        """The scheme an export declares: the file's own, when it keeps one other than the Admiralty code."""
        return None if self.grading == ADMIRALTY else self.grading

    @_sqlite_errors_translated
    def time_zones_used(self, event_filter: EventFilter | None = None) -> set[tuple[str, bool, str]]:
        """The (precision, within, time zone) combinations of the events passing the filter that have a zone."""
        where, params = self._where(event_filter)
        rows = self._connection.execute(
            f"SELECT DISTINCT e.precision, e.within, e.timezone FROM events e WHERE {where} AND e.timezone IS NOT NULL",
            params,
        )
        return {(precision, bool(within), zone) for precision, within, zone in rows}

    def links_among(self, event_ids: set[str], event_filter: EventFilter | None = None) -> list[Link]:
        """The links of :meth:`document`: all of them without a filter, else those among ``event_ids``
        (and as sure as the filter's link confidence asks)."""
        event_filter = event_filter or EventFilter()
        return self.links(among=None if event_filter.is_empty else event_ids, at_least=event_filter.link_confidence)

    def _bodies_closure(self, wanted: set[str]) -> list[Body]:
        found: dict[str, Body] = {}
        pending = set(wanted)
        while pending:
            batch = self.bodies(pending)
            pending = set()
            for body in batch:
                found[body.id] = body
                for reference in (body.parent, body.replaced_by):
                    if reference and reference not in found:
                        pending.add(reference)
            pending -= found.keys()
        return sorted(found.values(), key=lambda body: body.id)


def _event_from_row(
    row: tuple,
    bodies: tuple[Participation, ...],
    tags: tuple[str, ...],
    sources: tuple[Source, ...],
    grading: GradingScheme = ADMIRALTY,
) -> Event:
    value = dict(zip(_ROW_NAMES, row, strict=True))
    credibility = value["credibility"]
    if not (isinstance(credibility, str) and grading.position("credibility", credibility) is not None):
        credibility = None  # a value a crafted file holds that is no grade: the event is shown ungraded
    level = Precision(value["precision"])
    end, timezone, status = value["end"], value["timezone"], value["status"]
    return Event(
        id=value["id"],
        title=value["title"],
        start=_stored_date(value["start"], level),
        end=_stored_date(end, level) if end is not None else None,
        timezone=normalise_timezone(timezone) if timezone is not None else None,
        within=bool(value["within"]),
        kind=value["kind"],
        status=Status(status) if status else None,
        location=value["location"],
        summary=value["summary"],
        description=value["description"],
        credibility=credibility,
        bodies=bodies,
        tags=tags,
        sources=sources,
    )


def _confidence(value: object) -> Confidence | None:
    """A link's stored confidence (None for none, or for anything else a crafted file holds)."""
    try:
        return Confidence(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _stored_date(text: str, precision: Precision) -> PartialDate:
    return parse_date(text, precision)

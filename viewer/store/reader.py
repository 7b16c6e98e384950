"""Reading a Defence Timeline file opened read-only: counts, filtered events, bodies, links."""

from __future__ import annotations

import functools
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from viewer.store.dates import PartialDate, Precision, parse_date
from viewer.store.filters import EventFilter
from viewer.store.model import Body, Document, Event, Link, Participation, Relation, Source, Status
from viewer.store.opening import open_for_viewing, translate_sqlite_error
from viewer.store.time_index import TimeIndex

P = ParamSpec("P")
R = TypeVar("R")
BATCH = 500

_EVENT_COLUMNS = (
    'seq, id, title, start, "end", precision, timezone, within, kind, status, location, '
    "summary, description"
)


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
    """Turn SQLite failures met while reading (a file damaged later) into store errors."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            store = args[0]
            raise translate_sqlite_error(store.path, error) from None  # type: ignore[attr-defined]

    return wrapper


class EventStore:
    """A read-only view of one database file. Never writes to it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._connection = open_for_viewing(self.path)

    def close(self) -> None:
        """Release the file."""
        self._connection.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The read-only SQLite connection (for the time index loader)."""
        return self._connection

    # ------------------------------------------------------------------------- summaries

    @_sqlite_errors_translated
    def name(self) -> str | None:
        """The dataset's name, if it has one."""
        row = self._connection.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
        return row[0] if row else None

    @_sqlite_errors_translated
    def description(self) -> str | None:
        """The dataset's description, if it has one."""
        row = self._connection.execute(
            "SELECT value FROM meta WHERE key = 'description'"
        ).fetchone()
        return row[0] if row else None

    @_sqlite_errors_translated
    def summary(self) -> StoreSummary:
        """Counts and the date range."""
        count = self._scalar
        first = self._connection.execute(
            "SELECT start FROM events ORDER BY earliest LIMIT 1"
        ).fetchone()
        last = self._connection.execute(
            'SELECT coalesce("end", start) FROM events ORDER BY latest DESC LIMIT 1'
        ).fetchone()
        return StoreSummary(
            name=self.name(),
            events=count("SELECT count(*) FROM events"),
            bodies=count("SELECT count(*) FROM bodies"),
            links=count("SELECT count(*) FROM links"),
            first_date=first[0] if first else None,
            last_date=last[0] if last else None,
        )

    @_sqlite_errors_translated
    def integrity_problem(self) -> str | None:
        """A description of damage found by SQLite's quick check, or None when healthy."""
        rows = self._connection.execute("PRAGMA quick_check(5)").fetchall()
        problems = [row[0] for row in rows if row[0] != "ok"]
        return "; ".join(problems) if problems else None

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> int:
        return int(self._connection.execute(sql, params).fetchone()[0])

    @_sqlite_errors_translated
    def time_index(self) -> TimeIndex:
        """Every event's time columns, sorted, for the timeline (one query, no objects)."""
        return TimeIndex.load(self._connection)

    # ------------------------------------------------------------------------- events

    @_sqlite_errors_translated
    def count(self, event_filter: EventFilter | None = None) -> int:
        """How many events pass the filter."""
        where, params = (event_filter or EventFilter()).where_sql()
        return self._scalar(f"SELECT count(*) FROM events e WHERE {where}", params)

    @_sqlite_errors_translated
    def event_ids(self, event_filter: EventFilter | None = None) -> list[str]:
        """Ids of the events passing the filter, in time order."""
        where, params = (event_filter or EventFilter()).where_sql()
        rows = self._connection.execute(
            f"SELECT e.id FROM events e WHERE {where} ORDER BY e.earliest, e.latest, e.id", params
        )
        return [row[0] for row in rows]

    @_sqlite_errors_translated
    def event_seqs(self, event_filter: EventFilter | None = None) -> list[int]:
        """Row numbers (``seq``) of the events passing the filter, unordered."""
        where, params = (event_filter or EventFilter()).where_sql()
        return [row[0] for row in self._connection.execute(
            f"SELECT e.seq FROM events e WHERE {where}", params
        )]

    def events(self, event_filter: EventFilter | None = None) -> list[Event]:
        """The full events passing the filter, in time order."""
        return list(self.iter_events(event_filter))

    def iter_events(self, event_filter: EventFilter | None = None) -> Iterator[Event]:
        """The full events passing the filter, in time order, read in batches."""
        where, params = (event_filter or EventFilter()).where_sql()
        cursor = self._execute(
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE {where} "
            "ORDER BY e.earliest, e.latest, e.id",
            params,
        )
        while True:
            rows = self._fetch(cursor)
            if not rows:
                return
            yield from self._complete_events(rows)

    @_sqlite_errors_translated
    def _execute(self, sql: str, params: Sequence[object]) -> sqlite3.Cursor:
        return self._connection.execute(sql, params)

    @_sqlite_errors_translated
    def _fetch(self, cursor: sqlite3.Cursor) -> list[tuple]:
        return cursor.fetchmany(BATCH)

    @_sqlite_errors_translated
    def _complete_events(self, rows: list[tuple]) -> list[Event]:
        ids = [row[1] for row in rows]
        marks = ", ".join("?" for _ in ids)
        participations: dict[str, list[Participation]] = defaultdict(list)
        for event_id, body_id, role in self._connection.execute(
            f"SELECT event_id, body_id, role FROM event_bodies WHERE event_id IN ({marks}) "
            "ORDER BY event_id, position",
            ids,
        ):
            participations[event_id].append(Participation(body_id, role))
        tags: dict[str, list[str]] = defaultdict(list)
        for event_id, tag in self._connection.execute(
            f"SELECT event_id, tag FROM event_tags WHERE event_id IN ({marks}) "
            "ORDER BY event_id, position",
            ids,
        ):
            tags[event_id].append(tag)
        sources: dict[str, list[Source]] = defaultdict(list)
        for event_id, url, title, publisher, published in self._connection.execute(
            "SELECT event_id, url, title, publisher, published FROM sources "
            f"WHERE event_id IN ({marks}) ORDER BY event_id, position",
            ids,
        ):
            sources[event_id].append(Source(url, title, publisher, published))
        return [
            _event_from_row(
                row,
                tuple(participations.get(row[1], ())),
                tuple(tags.get(row[1], ())),
                tuple(sources.get(row[1], ())),
            )
            for row in rows
        ]

    # ------------------------------------------------------------------------- bodies and links

    @_sqlite_errors_translated
    def bodies(self, ids: Iterable[str] | None = None) -> list[Body]:
        """All bodies (or those with the given ids), ordered by id."""
        columns = (
            "id, name, acronym, kind, parent, location, founded, dissolved, replaced_by, url, "
            "description"
        )
        if ids is None:
            rows = self._connection.execute(f"SELECT {columns} FROM bodies ORDER BY id").fetchall()
        else:
            rows = self._rows_for_ids(f"SELECT {columns} FROM bodies WHERE id IN ({{}})", ids)
            rows.sort(key=lambda row: row[0])
        return [Body(*row) for row in rows]

    @_sqlite_errors_translated
    def links(self, among: Iterable[str] | None = None) -> list[Link]:
        """All links, or only those whose both ends are in ``among``; in a stable order."""
        rows = self._connection.execute(
            "SELECT from_id, to_id, relation, note FROM links ORDER BY from_id, to_id, relation"
        ).fetchall()
        if among is not None:
            keep = set(among)
            rows = [row for row in rows if row[0] in keep and row[1] in keep]
        return [Link(row[0], row[1], Relation(row[2]), row[3]) for row in rows]

    @_sqlite_errors_translated
    def link_seqs(self) -> list[tuple[int, int, str]]:
        """Every link as (from seq, to seq, relation), for the in-memory timeline."""
        return self._connection.execute(
            "SELECT f.seq, t.seq, l.relation FROM links l "
            "JOIN events f ON f.id = l.from_id JOIN events t ON t.id = l.to_id"
        ).fetchall()

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
        """The events passing the filter, the bodies they reference (with the parents and
        successors those name) and the links among them, as an interchange document."""
        events = self.events(event_filter)
        event_ids = {event.id for event in events}
        return Document(
            name=self.name(),
            description=self.description(),
            bodies=self._bodies_closure(
                {p.body_id for event in events for p in event.bodies}
            ),
            events=events,
            links=self.links(among=event_ids),
        )

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
) -> Event:
    (_seq, event_id, title, start, end, precision, timezone, within, kind, status, location,
     summary, description) = row
    level = Precision(precision)
    return Event(
        id=event_id,
        title=title,
        start=_stored_date(start, level),
        end=_stored_date(end, level) if end is not None else None,
        timezone=timezone,
        within=bool(within),
        kind=kind,
        status=Status(status) if status else None,
        location=location,
        summary=summary,
        description=description,
        bodies=bodies,
        tags=tags,
        sources=sources,
    )


def _stored_date(text: str, precision: Precision) -> PartialDate:
    return parse_date(text, precision)

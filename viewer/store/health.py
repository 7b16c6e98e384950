"""``check``'s deeper look: SQLite's own check, the full-text index, and unreadable records.

The file is only ever read. FTS5's integrity check is an INSERT command, which a read-only
connection may not run, so it runs on a private copy of the file in a temporary folder.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from viewer.store.interrupts import QueryGuard
from viewer.store.opening import translate_sqlite_error
from viewer.store.reader import EventStore, StoreSummary
from viewer.store.stored_index import first_difference
from viewer.store.validity import UnreadableCounts


@dataclass(frozen=True)
class HealthReport:
    """What ``check`` found."""

    summary: StoreSummary
    damage: str | None  # SQLite's quick_check, when it is not "ok"
    search_index: str | None  # the full-text index's problem, if any
    unreadable: UnreadableCounts
    time_index: str = ""  # how opening gets the time index, for the report
    time_index_problem: str | None = None  # the stored index disagrees with the rows

    @property
    def problems(self) -> list[str]:
        """Each problem as a sentence; empty when the file is healthy."""
        found = []
        if self.damage:
            found.append(f"the database file is damaged ({self.damage})")
        if self.search_index:
            found.append(self.search_index)
        if self.unreadable.total:
            found.append(self.unreadable.describe())
        if self.time_index_problem:
            found.append(self.time_index_problem)
        return found


def check_health(store: EventStore) -> HealthReport:
    """Run every check on an open store (the schema was verified when it was opened)."""
    damage = store.integrity_problem()
    if damage:
        return HealthReport(store.summary(), damage, None, store.unreadable(scan=True))
    time_index, time_index_problem = _time_index_state(store)
    return HealthReport(
        summary=store.summary(),
        damage=damage,
        search_index=search_index_problem(store),
        unreadable=store.unreadable(scan=True),
        time_index=time_index,
        time_index_problem=time_index_problem,
    )


def _time_index_state(store: EventStore) -> tuple[str, str | None]:
    """How opening gets the time index, and a problem when the stored one is not what the rows give."""
    stored = store.stored_index()
    if stored is None:
        return f"built on opening ({store.index_reason})", None
    difference = first_difference(stored, store.build_stored_index())
    if difference is None:
        return "stored at import, matches the events", None
    return "stored at import, does not match the events", (
        f"the stored time index does not match the events ({difference}), so the timeline would show "
        "what the file no longer holds; import any file into it to store the index again"
    )


def search_index_problem(store: EventStore) -> str | None:
    """A sentence when the full-text index is out of step with the events, else None."""
    guard = QueryGuard()
    with tempfile.TemporaryDirectory(prefix="defence-timeline-check-") as folder:
        copy_path = Path(folder) / "copy.db"
        copy = sqlite3.connect(copy_path, isolation_level=None)
        try:
            guard.install(copy)
            try:
                store.connection.backup(copy)
            except sqlite3.Error as error:
                raise translate_sqlite_error(store.path, error) from None
            try:
                copy.execute("INSERT INTO events_fts(events_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as error:
                if "interrupt" in str(error):
                    raise translate_sqlite_error(store.path, error) from None
                return (
                    "the full-text index is out of step with the events, so searches miss events "
                    f"({error}); import the file's own export into a new file to rebuild it"
                )
        finally:
            with contextlib.suppress(sqlite3.Error):
                copy.close()
    return None

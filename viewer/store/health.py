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
from viewer.store.validity import UnreadableCounts


@dataclass(frozen=True)
class HealthReport:
    """What ``check`` found."""

    summary: StoreSummary
    damage: str | None  # SQLite's quick_check, when it is not "ok"
    search_index: str | None  # the full-text index's problem, if any
    unreadable: UnreadableCounts

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
        return found


def check_health(store: EventStore) -> HealthReport:
    """Run every check on an open store (the schema was verified when it was opened)."""
    damage = store.integrity_problem()
    return HealthReport(
        summary=store.summary(),
        damage=damage,
        search_index=None if damage else search_index_problem(store),
        unreadable=store.unreadable(),
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

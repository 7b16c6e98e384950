"""Random mutations of a valid database never give an internal error, a crash or a hang."""

from __future__ import annotations

import io
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from crafted import relaxed
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from viewer.export.formats import ExportRequest, write_export
from viewer.store.errors import DefenceTimelineError
from viewer.store.filters import EventFilter
from viewer.store.reader import EventStore
from viewer.timeline_source import load_timeline_data

TABLES = ("events", "bodies", "event_bodies", "event_tags", "sources", "links", "meta")
HOSTILE_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=30),
    st.sampled_from(["fortnight", "rumoured", "inspires", "2023-02-30", "15 June 2023", "Mars/Olympus", "-0500"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.binary(max_size=8),
)


def _columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _read_all(path: Path) -> None:
    with EventStore(path) as store:
        data = load_timeline_data(store)
        store.summary()
        store.unreadable().describe()
        for event in store.iter_events():
            store.related(event.id)
        store.table_rows(data.index.seq.tolist())
        for fmt in ("csv", "json", "md", "ics", "timelinejs"):
            write_export(store, ExportRequest(fmt, EventFilter(), with_linked=fmt == "json"), io.BytesIO())


@pytest.fixture(scope="module")
def sample_columns(sample_db: Path) -> dict[str, list[str]]:
    return {table: _columns(sample_db, table) for table in TABLES}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_value_never_gives_an_internal_error(sample_db: Path, sample_columns, data) -> None:
    table = data.draw(st.sampled_from(TABLES), label="table")
    column = data.draw(st.sampled_from(sample_columns[table]), label="column")
    value = data.draw(HOSTILE_VALUES, label="value")
    row = data.draw(st.integers(min_value=0, max_value=30), label="row")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.db"
        shutil.copyfile(sample_db, path)
        try:
            with relaxed(path, table) as connection:
                connection.execute(
                    f'UPDATE {table} SET "{column}" = ? WHERE rowid = (SELECT rowid FROM {table} LIMIT 1 OFFSET ?)',
                    (value, row),
                )
        except (sqlite3.IntegrityError, sqlite3.OperationalError, OverflowError):
            assume(False)  # SQLite itself refused the mutation (a rowid must be an integer, a key unique)
        started = time.monotonic()
        try:
            _read_all(path)
        except DefenceTimelineError as error:
            assert str(error)  # a clear message, never an internal error
        assert time.monotonic() - started < 30


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    statement=st.sampled_from([
        "DROP INDEX events_time",
        "DROP TRIGGER events_ad",
        "CREATE TRIGGER t AFTER DELETE ON links BEGIN DELETE FROM events; END",
        "CREATE VIEW v AS SELECT 1",
        "CREATE INDEX x ON events(title || summary)",
        "ALTER TABLE events ADD COLUMN extra TEXT",
        "ALTER TABLE links RENAME COLUMN note TO remark",
        "DROP TABLE event_tags",
    ])
)
def test_a_changed_schema_is_refused_with_a_message(sample_db: Path, statement: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "changed.db"
        shutil.copyfile(sample_db, path)
        with sqlite3.connect(path) as connection:
            connection.execute(statement)
        before = path.read_bytes()
        with pytest.raises(DefenceTimelineError) as refused:
            _read_all(path)
        assert "Defence Timeline" in str(refused.value) or "missing" in str(refused.value)
        assert path.read_bytes() == before

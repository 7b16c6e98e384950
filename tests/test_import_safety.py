"""Import under pressure: cancelled midway, a locked database, and upgrading an older schema."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import file_state, minimal_document, write_json

from viewer.store import errors, importer, schema
from viewer.store.importer import import_files
from viewer.store.interrupts import QueryGuard
from viewer.store.reader import EventStore


class Cancelled(Exception):
    pass


def _many_events(count: int, first: int = 0) -> dict:
    document = minimal_document(links=[])
    document["events"] = [
        {"id": f"e{i}", "title": f"Event {i}", "start": "2023-06-15"} for i in range(first, first + count)
    ]
    return document


def _events_written(stage: str) -> int:
    """The count of events in a stage such as "Importing many.json: 1,200 events" (0 for others)."""
    found = re.fullmatch(r"Importing many\.json: ([\d,]+) events", stage)
    return int(found.group(1).replace(",", "")) if found else 0


def test_cancelling_an_update_leaves_the_database_unchanged(small_db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(importer, "WRITE_BATCH", 100)
    source = write_json(tmp_path / "many.json", _many_events(1_000))
    before = file_state(small_db)
    stages: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        stages.append((stage, done, total))
        if _events_written(stage) >= 500:
            raise Cancelled

    with pytest.raises(Cancelled):
        import_files([source], small_db, progress)
    written = [_events_written(stage) for stage, _done, _total in stages]
    assert written == sorted(written) and 0 < written[0] <= 100 and 500 <= written[-1] < 600
    assert file_state(small_db) == before


def test_cancelling_a_new_database_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(importer, "WRITE_BATCH", 100)
    source = write_json(tmp_path / "many.json", _many_events(1_000))

    def progress(stage: str, _done: int, _total: int) -> None:
        if _events_written(stage) >= 300:
            raise Cancelled

    with pytest.raises(Cancelled):
        import_files([source], tmp_path / "new.db", progress)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.json"]


@pytest.mark.parametrize("stage", ["Indexing", "Storing the time index"])
def test_a_guard_cancelled_inside_a_long_query_stops_a_new_import(tmp_path: Path, stage: str) -> None:
    # The window's Cancel reaches SQLite itself: the index build is one query, which only an
    # interrupt stops. Here the progress report only cancels the guard, it does not raise.
    source = write_json(tmp_path / "many.json", _many_events(2_000))
    guard = QueryGuard()

    def progress(reported: str, _done: int, _total: int) -> None:
        if reported == stage:
            guard.cancel()

    with pytest.raises(errors.OperationCancelledError):
        import_files([source], tmp_path / "new.db", progress, guard)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.json"]


def test_a_guard_cancelled_while_storing_the_index_leaves_an_update_undone(small_db: Path, tmp_path: Path) -> None:
    source = write_json(tmp_path / "many.json", _many_events(2_000))
    before = file_state(small_db)
    guard = QueryGuard()

    def progress(reported: str, _done: int, _total: int) -> None:
        if reported == "Storing the time index":
            guard.cancel()

    with pytest.raises(errors.OperationCancelledError):
        import_files([source], small_db, progress, guard)
    assert file_state(small_db) == before


def test_importing_into_a_locked_database_says_so(small_db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(importer, "WRITER_BUSY_TIMEOUT_S", 0.2)
    source = write_json(tmp_path / "more.json", _many_events(3))
    writer = sqlite3.connect(small_db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(errors.DatabaseLockedError, match="locked"):
            import_files([source], small_db)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with EventStore(small_db) as store:
        assert store.count() == 3


def test_an_older_file_opens_as_it_is_and_is_migrated_by_import(tmp_path: Path) -> None:
    """A version 1 file (no stored time index) is read as it is; an import brings it to this version."""
    # Written by the release before the stored index: three events e0, e1, e2 (see _many_events).
    path = tmp_path / "older.db"
    shutil.copyfile(Path(__file__).parent / "data" / "schema-v1.db", path)
    before = path.read_bytes()
    with EventStore(path) as store:
        assert store.schema_version == 1
        assert store.count() == 3
        assert store.stored_index() is None
        assert "older Defence Timeline" in store.index_note
        assert len(store.time_index()) == 3
    assert path.read_bytes() == before  # viewing never migrates
    import_files([write_json(tmp_path / "more.json", _many_events(2, first=3))], path)
    with EventStore(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.count() == 5
        assert store.stored_index() is not None and store.index_note == ""
        assert len(store.time_index()) == 5

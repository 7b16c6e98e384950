"""Opening files for viewing: read-only, and a precise typed error for each kind of bad file."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import file_state

from viewer.store import errors
from viewer.store.filters import EventFilter
from viewer.store.reader import EventStore


def _copy(sample_db: Path, tmp_path: Path, name: str = "copy.db") -> Path:
    target = tmp_path / name
    shutil.copyfile(sample_db, target)
    return target


def test_viewing_browsing_filtering_and_exporting_change_nothing(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    before = file_state(path)
    with EventStore(path) as store:
        store.summary()
        store.events()
        store.event_ids(EventFilter.build(search="vilnius", since="2023-06", until="2023-07"))
        store.document(EventFilter.build(bodies=["north-atlantic-council"]))
        store.integrity_problem()
    assert file_state(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]


def test_the_viewing_connection_cannot_write(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    with EventStore(path) as store, pytest.raises(sqlite3.OperationalError, match=r"readonly|unsafe use|query_only"):
        store.connection.execute("DELETE FROM events")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.FileMissingError, match="no such file"):
        EventStore(tmp_path / "absent.db")


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(errors.NotAFileError, match="folder"):
        EventStore(tmp_path)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(errors.EmptyFileError, match="0 bytes"):
        EventStore(path)
    assert path.stat().st_size == 0


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(errors.NotSQLiteError, match="not SQLite"):
        EventStore(path)


@pytest.mark.parametrize("keep", [60, 0.5])
def test_a_truncated_database(sample_db: Path, tmp_path: Path, keep: float) -> None:
    data = sample_db.read_bytes()
    path = tmp_path / "truncated.db"
    path.write_bytes(data[: int(keep if keep > 1 else len(data) * keep)])
    with pytest.raises(errors.CorruptDatabaseError, match="truncated"):
        EventStore(path)


def test_a_database_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (number INTEGER)")
    connection.close()
    before = file_state(path)
    with pytest.raises(errors.NotDefenceTimelineError, match="another application"):
        EventStore(path)
    assert file_state(path) == before


def test_a_newer_schema_version(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(errors.NewerSchemaError, match=r"newer Defence Timeline.*99"):
        EventStore(path)


def test_a_file_locked_by_a_writer(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(errors.DatabaseLockedError, match="locked"):
            EventStore(path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_a_file_without_read_permission(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    path.chmod(0)
    with pytest.raises(errors.FileUnreadableError, match="permission"):
        EventStore(path)


def test_a_database_with_no_events_opens_and_says_so(tmp_path: Path) -> None:
    from conftest import minimal_document, write_json

    from viewer.store.importer import import_files

    path = tmp_path / "empty-events.db"
    import_files([write_json(tmp_path / "e.json", minimal_document(events=[], links=[]))], path)
    with EventStore(path) as store:
        summary = store.summary()
    assert (summary.events, summary.bodies, summary.first_date) == (0, 2, None)


def test_damage_inside_the_file_is_reported_by_the_integrity_check(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(2, len(data) // page_size):
        data[page * page_size + 8 : page * page_size + 40] = b"\xff" * 32
    path.write_bytes(bytes(data))
    try:
        store = EventStore(path)
    except errors.CorruptDatabaseError:
        return  # refused at once: also correct
    with store:
        assert store.integrity_problem() is not None

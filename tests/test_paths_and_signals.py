"""Paths and interruptions: only regular files are read or written, and nothing is left half-done."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON, file_state, minimal_document, write_json

from viewer.store import errors
from viewer.store.importer import import_files
from viewer.store.interrupts import QueryGuard
from viewer.store.reader import EventStore

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _cli(*args: str, timeout: float = 60, **options) -> subprocess.CompletedProcess[str]:
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "viewer", *args], text=True, timeout=timeout, **options)


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


# ----------------------------------------------------------------------------- import sources


def test_a_fifo_source_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "events.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    message = _one_clear_line(_cli("import", str(fifo), "--db", str(tmp_path / "t.db"), timeout=20))
    assert "pipe (FIFO), not a regular file" in message
    assert time.monotonic() - started < 20
    assert not (tmp_path / "t.db").exists()


def test_a_device_source_is_refused_before_reading(tmp_path: Path) -> None:
    message = _one_clear_line(_cli("import", "/dev/zero", "--db", str(tmp_path / "t.db"), timeout=20))
    assert "/dev/zero: is a device, not a regular file" in message


def test_a_folder_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(errors.ImportRefusedError, match="is a folder"):
        import_files([tmp_path], tmp_path / "t.db")


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9 \x1b[31mred.json")
    source = tmp_path / name
    source.write_text("{not json", encoding="utf-8")
    message = _one_clear_line(_cli("import", str(source), "--db", str(tmp_path / "t.db")))
    assert "caf\\xe9 \\x1b[31mred.json" in message
    assert "malformed JSON" in message


# ----------------------------------------------------------------------------- export targets


@pytest.mark.parametrize("suffix", ["", "-journal", "-wal", "-shm"])
def test_export_never_writes_onto_the_database_or_its_companions(sample_db: Path, tmp_path: Path, suffix: str) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(sample_db.read_bytes())
    before = file_state(db)
    target = Path(str(db) + suffix)
    message = _one_clear_line(_cli("export", str(db), "--format", "json", "-o", str(target), "--force"))
    assert "choose another file name" in message
    assert file_state(db) == before
    assert target.exists() == (suffix == "")


def test_export_through_a_link_to_the_database_is_refused(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(sample_db.read_bytes())
    (tmp_path / "alias.json").symlink_to(db)
    before = file_state(db)
    alias = str(tmp_path / "alias.json")
    message = _one_clear_line(_cli("export", str(db), "--format", "json", "-o", alias, "--force"))
    assert "is the database being exported" in message
    assert file_state(db) == before


def test_export_never_replaces_a_device_or_a_pipe(sample_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/null")):
        message = _one_clear_line(_cli("export", str(sample_db), "--format", "csv", "-o", str(target), "--force"))
        assert "not a regular file" in message
    assert Path("/dev/null").is_char_device()
    assert fifo.is_fifo()


def test_a_full_standard_output_gives_one_line(sample_db: Path) -> None:
    with open("/dev/full", "w") as full:
        result = _cli("export", str(sample_db), "--format", "json", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2 and "no space left on device" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_closed_standard_output_gives_one_line(sample_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.close(1); from viewer.cli import main; sys.exit(main(sys.argv[1:]))",
         "export", str(sample_db), "--format", "json"],
        stderr=subprocess.PIPE, text=True, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "standard output" in result.stderr and result.stderr.count("\n") == 1


def test_standard_output_appended_to_the_database_is_refused(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(sample_db.read_bytes())
    before = file_state(db)
    with db.open("ab") as same:
        result = _cli("export", str(db), "--format", "json", stdout=same)
    assert result.returncode == 2 and "is the database" in result.stderr
    assert file_state(db)[0] == before[0]


# ----------------------------------------------------------------------------- interruptions


def test_a_cancelled_store_interrupts_a_running_query_at_once(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        timer = threading.Timer(0.2, store.cancel)
        timer.start()
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            store.connection.execute(
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
            ).fetchone()
        assert time.monotonic() - started < 5
        with pytest.raises(errors.OperationCancelledError):
            store.count()


def test_the_guard_stops_an_endless_query(tmp_path: Path) -> None:
    connection = sqlite3.connect(":memory:")
    guard = QueryGuard()
    guard.install(connection)
    threading.Timer(0.2, guard.cancel).start()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        connection.execute("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r")


def _big_document(path: Path, events: int) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from synthetic import generate_document
    finally:
        sys.path.remove(str(BENCH))
    path.write_text(json.dumps(generate_document(events)), encoding="utf-8")
    return path


def _terminate_when(process: subprocess.Popen, ready, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the work never started"
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)


def test_sigterm_during_an_import_leaves_nothing_behind(tmp_path: Path) -> None:
    source = _big_document(tmp_path / "big.json", 60_000)
    folder = tmp_path / "out"
    folder.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "viewer", "import", str(source), "--db", str(folder / "new.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    _terminate_when(process, lambda: any(folder.iterdir()))
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "terminated" in err and "Traceback" not in err
    assert list(folder.iterdir()) == []


def test_sigterm_during_an_import_into_a_database_leaves_it_intact(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    import_files([SAMPLE_JSON], db)
    before = file_state(db)
    source = _big_document(tmp_path / "big.json", 60_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "viewer", "import", str(source), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    journal = Path(str(db) + "-journal")
    _terminate_when(process, journal.exists)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert not journal.exists()
    assert file_state(db)[0] == before[0]
    with EventStore(db) as store:
        assert store.count() == 25


def test_sigterm_during_an_export_leaves_no_partial_file(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    import_files([_big_document(tmp_path / "big.json", 60_000)], db)
    folder = tmp_path / "out"
    folder.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "viewer", "export", str(db), "--format", "md", "-o", str(folder / "brief.md")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    _terminate_when(process, lambda: any(folder.iterdir()))
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert list(folder.iterdir()) == []


# ----------------------------------------------------------------------------- a full disk


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 256 KiB tmpfs, where the machine lets the test mount one (root on Linux)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root on Linux)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_import_gives_one_line_and_leaves_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    document = minimal_document()
    document["events"] = [
        {"id": f"e{i}", "title": "A long title " * 20, "start": "2023-06-15", "summary": "words " * 200}
        for i in range(2_000)
    ]
    document["links"] = []
    source = write_json(tmp_path / "big.json", document)
    message = _one_clear_line(_cli("import", str(source), "--db", str(tiny_disk / "new.db")))
    assert "disk is full" in message
    assert list(tiny_disk.iterdir()) == []


def test_a_full_disk_during_export_gives_one_line_and_leaves_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    import_files([_big_document(tmp_path / "big.json", 3_000)], db)
    message = _one_clear_line(_cli("export", str(db), "--format", "json", "-o", str(tiny_disk / "all.json")))
    assert "disk is full" in message
    assert list(tiny_disk.iterdir()) == []

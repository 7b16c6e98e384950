"""The time index stored at import: equal to one rebuilt from the rows, and set aside (the file
still opening, rebuilt, and saying so) whenever it is missing, stale or not well formed."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import minimal_document, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import documents

from viewer.store import stored_index
from viewer.store.importer import import_files
from viewer.store.reader import EventStore
from viewer.store.stored_index import TABLE, first_difference


def _stored_and_rebuilt(path: Path):
    with EventStore(path) as store:
        stored = store.stored_index()
        assert stored is not None, store.index_note
        return stored, store.build_stored_index()


def _rebuilt_on_opening(path: Path) -> tuple[str, list[str], list[str]]:
    """The store's note, and the time index's titles and ids it read once the stored one was set aside."""
    with EventStore(path) as store:
        assert store.stored_index() is None
        index = store.time_index()
        return store.index_note, list(index.titles), list(index.ids)


def _copy(path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.db"
    shutil.copyfile(path, target)
    return target


def _write(path: Path, *statements: str) -> None:
    """Change the file as another program would (sqlite3, with the file's own triggers)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer", "check", str(path)], capture_output=True, text=True,
                          timeout=120)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=documents(), second=documents())
def test_the_stored_index_equals_one_rebuilt_from_the_rows(tmp_path_factory, first: dict, second: dict) -> None:
    folder = tmp_path_factory.mktemp("stored")
    path = folder / "t.db"
    import_files([write_json(folder / "first.json", first)], path)
    stored, rebuilt = _stored_and_rebuilt(path)
    assert first_difference(stored, rebuilt) is None
    assert len(stored.index) == len(first["events"])
    # An import into the file (new events, changed ones, links across both) stores it again.
    import_files([write_json(folder / "second.json", second)], path)
    stored, rebuilt = _stored_and_rebuilt(path)
    assert first_difference(stored, rebuilt) is None


def test_the_sample_opens_from_its_stored_index(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        stored = store.stored_index()
        assert stored is not None and store.index_note == ""
        assert first_difference(stored, store.build_stored_index()) is None
        assert store.time_index() is stored.index
        titles = dict(zip(stored.index.ids, stored.index.titles, strict=True))
        assert titles["dmm-2023-06"] == "Meeting of NATO Defence Ministers, June 2023"
    assert "time index: stored at import, matches the events" in _check(sample_db).stdout


def test_a_change_by_another_program_sets_the_stored_index_aside(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    _write(path, "UPDATE events SET title = 'Retitled by hand' WHERE id = 'dmm-2023-06'")
    with sqlite3.connect(path) as connection:
        assert connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 0  # the file's trigger
    note, titles, ids = _rebuilt_on_opening(path)
    assert "built on opening because the file holds no stored copy" in note
    assert titles[ids.index("dmm-2023-06")] == "Retitled by hand"
    result = _check(path)
    assert result.returncode == 0, result.stderr
    assert "time index: built on opening (the file holds no stored copy" in result.stdout
    # The next import stores it again.
    import_files([write_json(tmp_path / "one.json", minimal_document())], path)
    stored, rebuilt = _stored_and_rebuilt(path)
    assert first_difference(stored, rebuilt) is None


@pytest.mark.parametrize("change", ["truncated", "garbage", "empty", "absent"])
@pytest.mark.parametrize("part", ["header", "seq", "earliest", "flags", "titles", "ids", "body_sizes",
                                  "body_positions", "link_from", "link_relation", "order_title"])
def test_a_part_not_well_formed_sets_the_stored_index_aside(sample_db: Path, tmp_path: Path, part: str,
                                                            change: str) -> None:
    path = _copy(sample_db, tmp_path)
    statement = {
        "truncated": f"UPDATE {TABLE} SET data = substr(data, 1, length(data) - 1) WHERE part = '{part}'",
        "garbage": f"UPDATE {TABLE} SET data = randomblob(length(data) + 8) WHERE part = '{part}'",
        "empty": f"UPDATE {TABLE} SET data = x'' WHERE part = '{part}'",
        "absent": f"DELETE FROM {TABLE} WHERE part = '{part}'",
    }[change]
    _write(path, statement)
    note, titles, ids = _rebuilt_on_opening(path)
    assert "the stored copy could not be used" in note
    with EventStore(sample_db) as original:
        index = original.time_index()
        assert (titles, ids) == (index.titles, index.ids)


def test_a_stored_title_that_is_not_the_row_s_sets_it_aside(sample_db: Path, tmp_path: Path) -> None:
    path = _copy(sample_db, tmp_path)
    with sqlite3.connect(path) as connection:
        titles = json.loads(connection.execute(f"SELECT data FROM {TABLE} WHERE part = 'titles'").fetchone()[0])
        titles[5] = "Forged title"
        connection.execute(f"UPDATE {TABLE} SET data = ? WHERE part = 'titles'", (json.dumps(titles).encode(),))
    note, shown, _ = _rebuilt_on_opening(path)
    assert "does not match the events" in note
    assert "Forged title" not in shown


@pytest.mark.parametrize(("key", "value"), [("relations", ["prepares", "overthrows"]), ("bodies", ["no-such-body"]),
                                            ("kinds", [""]), ("count", -1), ("schema_cookie", 0)])
def test_a_header_that_does_not_fit_sets_it_aside(sample_db: Path, tmp_path: Path, key: str, value) -> None:
    path = _copy(sample_db, tmp_path)
    with sqlite3.connect(path) as connection:
        header = json.loads(connection.execute(f"SELECT data FROM {TABLE} WHERE part = 'header'").fetchone()[0])
        if key == "bodies":
            value = header["bodies"][:-1] + value  # the same number of bodies, one unknown
        header[key] = value
        connection.execute(f"UPDATE {TABLE} SET data = ? WHERE part = 'header'", (json.dumps(header).encode(),))
    note, titles, _ = _rebuilt_on_opening(path)
    assert "could not be used" in note
    assert len(titles) == 25


@pytest.mark.parametrize("how", ["trigger remade", "vacuum"])
def test_a_schema_change_since_import_sets_it_aside(sample_db: Path, tmp_path: Path, how: str) -> None:
    path = _copy(sample_db, tmp_path)
    if how == "vacuum":
        _write(path, "VACUUM")
    else:  # the trigger dropped, a row changed behind its back, the trigger made again as it was
        with sqlite3.connect(path) as connection:
            sql = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'stored_index_stale_events_update'").fetchone()[0]
        _write(path, "DROP TRIGGER stored_index_stale_events_update",
               "UPDATE events SET title = 'Behind its back' WHERE id = 'dmm-2023-06'", sql)
    note, titles, _ = _rebuilt_on_opening(path)
    assert "schema was changed after it was written" in note
    assert ("Behind its back" in titles) == (how != "vacuum")


def test_check_finds_a_stored_index_the_sample_on_opening_cannot(sample_db: Path, tmp_path: Path) -> None:
    """A forged part that passes the checks of opening (bodies are not sampled) is found by ``check``."""
    path = _copy(sample_db, tmp_path)
    with sqlite3.connect(path) as connection:
        data = connection.execute(f"SELECT data FROM {TABLE} WHERE part = 'body_positions'").fetchone()[0]
        positions = np.frombuffer(data, dtype="<i8").copy()
        positions[0] = (positions[0] + 1) % 10
        connection.execute(f"UPDATE {TABLE} SET data = ? WHERE part = 'body_positions'", (positions.tobytes(),))
    with EventStore(path) as store:
        assert store.stored_index() is not None
    result = _check(path)
    assert result.returncode == 2
    assert "the stored time index does not match the events (the events' bodies differ)" in result.stderr


def test_the_window_says_when_the_index_was_built_on_opening(qtbot, sample_db: Path, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QLabel

    from viewer.ui.main_window import MainWindow

    path = _copy(sample_db, tmp_path)
    _write(path, f"DELETE FROM {TABLE}")
    window = MainWindow()
    qtbot.addWidget(window)
    notice = window.findChild(QLabel, "indexNotice")
    window.open_path(sample_db)
    qtbot.waitUntil(lambda: window.state.dataset is not None and not window.loader.loading, timeout=10_000)
    assert notice.isHidden()
    window.open_path(path)
    qtbot.waitUntil(lambda: getattr(window.state.dataset, "path", None) == path and not window.loader.loading,
                    timeout=10_000)
    assert not notice.isHidden()
    assert notice.text() == "Index built on opening"
    assert "no stored copy" in notice.toolTip()
    assert window.state.total_count() > 0


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet='ab",\\é\n', min_size=1, max_size=8).filter(str.strip), min_size=1, max_size=40))
def test_titles_read_back_in_pieces_are_the_titles(tmp_path_factory, monkeypatch, titles: list[str]) -> None:
    """The stored titles are decoded a piece at a time; quotes, commas and backslashes at a cut change nothing."""
    monkeypatch.setattr(stored_index, "_PIECE_BYTES", 8)
    folder = tmp_path_factory.mktemp("pieces")
    document = minimal_document(bodies=[], links=[])
    document["events"] = [{"id": f"e{i}", "title": title, "start": f"2023-01-{i % 28 + 1:02d}"}
                          for i, title in enumerate(titles)]
    import_files([write_json(folder / "t.json", document)], folder / "t.db")
    with EventStore(folder / "t.db") as store:
        stored = store.stored_index()
        assert stored is not None, store.index_reason
        by_id = dict(zip(stored.index.ids, stored.index.titles, strict=True))
    assert by_id == {f"e{i}": title for i, title in enumerate(titles)}


def test_an_event_to_the_last_month_a_date_may_name_reads_back_after_an_import(tmp_path: Path) -> None:
    """December 9999 at month precision: SQLite's date(…, '+1 month') is NULL there (found by hypothesis)."""
    path = tmp_path / "t.db"
    import_files([write_json(tmp_path / "first.json", {"format": "defence-timeline", "version": 1})], path)
    late = {"format": "defence-timeline", "version": 1, "events": [
        {"id": "a0", "title": "Long", "start": "0001-01", "end": "9999-12", "precision": "month"},
        {"id": "b", "title": "Short", "start": "2023"}]}
    import_files([write_json(tmp_path / "second.json", late)], path)
    with EventStore(path) as store:
        assert sorted(event.id for event in store.events()) == ["a0", "b"]
        assert store.stored_index() is not None, store.index_reason
        assert store.unreadable(scan=True).total == 0

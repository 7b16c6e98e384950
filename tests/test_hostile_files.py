"""Crafted databases: every class gets a clear message or a correct result, in seconds, with the file untouched."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import file_state, minimal_document, write_json
from crafted import BAD_VALUES, FOREIGN_SCHEMA, FTS_OUT_OF_STEP, HOSTILE_SHAPES, USER_VERSIONS, crafted_copy

from viewer.export.formats import FORMATS, ExportRequest, write_export
from viewer.store import errors
from viewer.store.filters import EventFilter
from viewer.store.importer import import_files
from viewer.store.reader import EventStore
from viewer.store.schema import SCHEMA_VERSION
from viewer.timeline_source import load_timeline_data

# For every read and all twelve exports: about 100 s for 100,000 bodies on one event on a 2-core machine (each
# export reads the 100,000 bodies again); a hang or a quadratic walk takes far longer.
SECONDS = 150


def _read_everything(path: Path) -> dict[str, object]:
    """What the window and every export read; returns what was seen."""
    with EventStore(path) as store:
        data = load_timeline_data(store)
        events = list(store.iter_events())
        seen = {
            "indexed": len(data.index),
            "events": len(events),
            "summary": store.summary(),
            "unreadable": store.unreadable(),
        }
        for event in events[:50]:
            store.related(event.id)
            store.related_count(event.id)
        for body in store.bodies()[:50]:
            store.body_context(body)
        store.table_rows(data.index.seq[:200].tolist())
        store.seqs_ordered_by("title")
        for fmt in FORMATS:
            request = ExportRequest(fmt, EventFilter(), width=800)
            try:
                write_export(store, request, io.BytesIO())
            except errors.ExportError as error:  # an empty selection, a Word or PDF brief of too many: refused
                assert "no event" in str(error) or "brief holds at most" in str(error)
        write_export(store, ExportRequest("json", EventFilter(search="nato"), with_linked=True), io.BytesIO())
        return seen


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "viewer", "check", str(path)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", sorted(FOREIGN_SCHEMA))
def test_a_foreign_schema_is_refused_everywhere_and_never_runs(sample_db: Path, tmp_path: Path, name: str) -> None:
    path = crafted_copy(sample_db, tmp_path, name, FOREIGN_SCHEMA[name])
    before = file_state(path)
    started = time.monotonic()
    with pytest.raises(errors.StoreOpenError) as refused:
        EventStore(path)
    assert "Defence Timeline" in str(refused.value) or "missing" in str(refused.value)
    with pytest.raises(errors.StoreOpenError):
        import_files([write_json(tmp_path / "more.json", minimal_document())], path)
    result = _check(path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert time.monotonic() - started < SECONDS
    assert file_state(path) == before


def test_the_message_names_the_foreign_object(sample_db: Path, tmp_path: Path) -> None:
    path = crafted_copy(sample_db, tmp_path, "t", FOREIGN_SCHEMA["trigger deleting bodies"])
    with pytest.raises(errors.ForeignSchemaError, match="trigger 'tamper' that Defence Timeline did not create"):
        EventStore(path)
    path = crafted_copy(sample_db, tmp_path, "v", FOREIGN_SCHEMA["recursive view instead of events"])
    with pytest.raises(errors.ForeignSchemaError, match="a view 'events' stands where Defence Timeline keeps a table"):
        EventStore(path)


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_bad_values_are_skipped_and_counted(sample_db: Path, tmp_path: Path, name: str) -> None:
    path = crafted_copy(sample_db, tmp_path, name, BAD_VALUES[name])
    before = file_state(path)
    started = time.monotonic()
    seen = _read_everything(path)
    unreadable = seen["unreadable"]
    assert unreadable.total >= 1, name
    assert "could not be read" in unreadable.describe()
    assert seen["events"] <= seen["indexed"] <= 25
    result = _check(path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert time.monotonic() - started < SECONDS
    assert file_state(path) == before


def test_what_is_readable_is_still_shown(sample_db: Path, tmp_path: Path) -> None:
    path = crafted_copy(sample_db, tmp_path, "p", BAD_VALUES["unknown precision"])
    with EventStore(path) as store:
        assert store.count() == 24
        assert store.unreadable().describe() == "1 record could not be read and was skipped: 1 event"


def test_a_huge_rowid_costs_no_memory(sample_db: Path, tmp_path: Path) -> None:
    import resource

    path = crafted_copy(sample_db, tmp_path, "r", HOSTILE_SHAPES["huge rowid"])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with EventStore(path) as store:
        data = load_timeline_data(store)
    assert len(data.index) == 25  # a large rowid is legal SQLite: the event is read, not dropped
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # kB: far below 4.7 GB


@pytest.mark.parametrize("name", sorted(HOSTILE_SHAPES))
def test_hostile_shapes_are_read_in_seconds(sample_db: Path, tmp_path: Path, name: str) -> None:
    path = crafted_copy(sample_db, tmp_path, name, HOSTILE_SHAPES[name])
    before = file_state(path)
    started = time.monotonic()
    seen = _read_everything(path)
    assert seen["unreadable"].total == 0
    assert _check(path).returncode == 0
    assert time.monotonic() - started < SECONDS
    assert file_state(path) == before


def test_many_links_are_listed_up_to_a_bound_and_counted(sample_db: Path, tmp_path: Path) -> None:
    path = crafted_copy(sample_db, tmp_path, "l", HOSTILE_SHAPES["20,000 links on one event"])
    with EventStore(path) as store:
        assert len(store.related("many-hub")) == 500
        assert store.related_count("many-hub") == 20_000


def test_a_search_index_out_of_step_is_reported_by_check(sample_db: Path, tmp_path: Path) -> None:
    path = crafted_copy(sample_db, tmp_path, "f", FTS_OUT_OF_STEP["search index out of step"])
    before = file_state(path)
    seen = _read_everything(path)
    assert seen["events"] == 25
    result = _check(path)
    assert result.returncode == 2
    assert "search: out of step" in result.stdout
    assert "full-text index is out of step" in result.stderr
    assert file_state(path) == before


@pytest.mark.parametrize("name", sorted(USER_VERSIONS))
def test_odd_user_versions_get_a_clear_message(sample_db: Path, tmp_path: Path, name: str) -> None:
    path = crafted_copy(sample_db, tmp_path, name, USER_VERSIONS[name])
    before = file_state(path)
    with pytest.raises(errors.StoreOpenError, match="schema version"):
        EventStore(path)
    with pytest.raises(errors.StoreOpenError, match="schema version"):
        import_files([write_json(tmp_path / "more.json", minimal_document())], path)
    result = _check(path)
    assert result.returncode == 2 and "schema version" in result.stderr
    assert file_state(path) == before


def test_a_healthy_file_passes_check(sample_db: Path) -> None:
    result = _check(sample_db)
    assert result.returncode == 0, result.stderr
    assert f"schema: version {SCHEMA_VERSION}, verified" in result.stdout
    assert "search: in step with the events" in result.stdout
    assert "unreadable records: 0" in result.stdout

"""The analyst's workspace beside a database: stars, notes and tags, never inside the database."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON, file_state

from viewer.cli import main as cli
from viewer.store.importer import import_files
from viewer.store.reader import EventStore
from viewer.store.workspace import (
    MAX_NOTE_LENGTH,
    WorkspaceError,
    load_workspace,
    save_workspace,
    workspace_path,
)


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "events.db"
    shutil.copyfile(sample_db, copy)
    return copy


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli(list(args))
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def test_a_note_is_kept_beside_the_database_which_is_never_written(capsys, db: Path) -> None:
    before = file_state(db)
    code, out, _ = _cli(capsys, "note", str(db), "dmm-2023-06", "--star", "--text", "Prepares Vilnius",
                        "--tag", "follow-up", "--tag", "vilnius")
    assert code == 0 and out == "dmm-2023-06: starred; tags: follow-up, vilnius; note: Prepares Vilnius"
    assert _cli(capsys, "note", str(db), "dmm-2023-06")[1] == out  # shown again, unchanged
    assert file_state(db) == before
    path = workspace_path(db)
    assert path.name == "events.db.workspace.json" and path.parent == db.parent
    saved = json.loads(path.read_text("utf-8"))
    assert saved["format"] == "defence-timeline-workspace" and saved["version"] == 2
    assert saved["annotations"]["dmm-2023-06"]["note"] == "Prepares Vilnius"
    code, out, _ = _cli(capsys, "note", str(db), "dmm-2023-06", "--unstar", "--text", "", "--clear-tags")
    assert out == "dmm-2023-06: not starred" and load_workspace(db).annotations == {}
    assert file_state(db) == before


def test_starred_and_noted_events_are_exported(capsys, db: Path, tmp_path: Path) -> None:
    _cli(capsys, "note", str(db), "dmm-2023-06", "--star")
    _cli(capsys, "note", str(db), "vilnius-summit-2023", "--star", "--text", "Decisions")
    _cli(capsys, "note", str(db), "npg-2023-06", "--text", "One agenda only")
    target = tmp_path / "starred.json"
    assert _cli(capsys, "export", str(db), "--format", "json", "--starred", "-o", str(target))[0] == 0
    assert {e["id"] for e in json.loads(target.read_text("utf-8"))["events"]} == {"dmm-2023-06", "vilnius-summit-2023"}
    assert _cli(capsys, "export", str(db), "--format", "json", "--starred", "--has-note", "-o", str(target),
                "--force")[0] == 0
    assert [e["id"] for e in json.loads(target.read_text("utf-8"))["events"]] == ["vilnius-summit-2023"]
    code, _, err = _cli(capsys, "export", str(db), "--format", "json", "--has-note", "--id", "dmm-2023-06")
    assert code == 2
    assert err.endswith("no event has a note among those chosen in the workspace events.db.workspace.json")


def test_annotations_survive_a_reimport(capsys, db: Path) -> None:
    _cli(capsys, "note", str(db), "dmm-2023-06", "--star", "--text", "Keep")
    import_files([SAMPLE_JSON], db)  # the same events again: updated or unchanged, never renumbered
    assert load_workspace(db).annotation("dmm-2023-06").note == "Keep"
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli(["export", str(db), "--format", "csv-readable", "--starred"]) == 0
    assert out.getvalue().count("\r\n") == 2 and "dmm-2023-06" in out.getvalue()


@pytest.mark.parametrize(("content", "expected"), [
    ('{"format": "defence-timeline-workspace", "version": 3, "annotations": {}}',
     "was written by a newer Defence Timeline (workspace version 3); this one reads version 2"),
    ('{"format": "defence-timeline-workspace", "version": 1, "annotations": {"dmm-2023-06": {"starred": "yes"}}}',
     "annotation of event 'dmm-2023-06': field 'starred': must be true or false"),
    ('{"format": "defence-timeline-workspace", "version": 1, "annotations": {"e": {"colour": 1}}}',
     "annotation of event 'e': field 'colour': unknown field"),
    ('{"format": "defence-timeline-workspace", "version": 1, "annotations": {"e": {"tags": [""]}}}',
     "field 'tags[1]': a tag is text of 1 to"),
    ('{"format": "defence-timeline-workspace", "version": 1, "annotations": {"a": {}, "a": {}}}',
     "duplicate key 'a'"),
    ('{"format": "something else"}', "is not a Defence Timeline workspace"),
    ("not json", "malformed JSON at line 1, column 1"),
    ("[1, 2]", "the document must be a JSON object"),
])
def test_a_damaged_or_newer_workspace_is_refused_and_left_as_it_is(capsys, db: Path, content: str,
                                                                   expected: str) -> None:
    path = workspace_path(db)
    path.write_text(content, encoding="utf-8")
    for args in (["note", str(db), "dmm-2023-06", "--star"], ["export", str(db), "--format", "json", "--starred"]):
        code, _out, err = _cli(capsys, *args)
        assert code == 2 and expected in err and len(err.splitlines()) == 1, err
        assert "events.db.workspace.json" in err and "Traceback" not in err
    assert path.read_text("utf-8") == content  # never overwritten
    with pytest.raises(WorkspaceError):
        load_workspace(db)


def test_bytes_that_are_not_text_are_refused(db: Path) -> None:
    workspace_path(db).write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(WorkspaceError, match="is not UTF-8 text"):
        load_workspace(db)


def test_each_save_keeps_the_previous_workspace_as_a_backup(db: Path) -> None:
    workspace = load_workspace(db)
    workspace.annotate("dmm-2023-06", starred=True)
    save_workspace(workspace, db)
    first = workspace_path(db).read_text("utf-8")
    workspace.annotate("dmm-2023-06", note="Second thoughts")
    save_workspace(workspace, db)
    backup = workspace_path(db).with_name("events.db.workspace.json.bak")
    assert backup.read_text("utf-8") == first
    assert load_workspace(db).annotation("dmm-2023-06").note == "Second thoughts"
    assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_bad_notes_and_unknown_events_are_refused_with_one_line(capsys, db: Path) -> None:
    code, _out, err = _cli(capsys, "note", str(db), "no-such-event", "--star")
    assert code == 2 and err.endswith("events.db has no event 'no-such-event'")
    code, _out, err = _cli(capsys, "note", str(db), "dmm-2023-06", "--text", "x" * (MAX_NOTE_LENGTH + 1))
    assert code == 2 and f"a note may have at most {MAX_NOTE_LENGTH:,}" in err and "'dmm-2023-06'" in err
    assert not workspace_path(db).exists()  # nothing written for a refused change


def test_a_saved_view_reads_back_and_exports_from_the_command_line(capsys, db: Path, tmp_path: Path) -> None:
    from viewer.store.filters import EventFilter
    from viewer.store.workspace import SavedView

    workspace = load_workspace(db)
    june = EventFilter.build(since="2023-06", until="2023-06", kinds=["meeting", "session"], min_credibility="5")
    workspace.save_view(SavedView("June meetings", june, window=(1686000000, 1687000000), lanes="kind",
                                  selection=("dmm-2023-06",)))
    workspace.save_view(SavedView("Prepared", EventFilter(), linked_only=True, selection=("dmm-2023-06",)))
    save_workspace(workspace, db)
    again = load_workspace(db)
    assert list(again.views) == ["June meetings", "Prepared"]
    view = again.views["June meetings"]
    assert (view.event_filter, view.window, view.lanes, view.selection) == (
        june, (1686000000, 1687000000), "kind", ("dmm-2023-06",))
    target = tmp_path / "view.json"
    assert _cli(capsys, "export", str(db), "--format", "json", "--view", "June meetings", "-o", str(target))[0] == 0
    with EventStore(db) as store:
        expected = store.event_ids(june)
        linked = store.ids_with_linked(EventFilter(ids=frozenset({"dmm-2023-06"})))
    assert 0 < len(expected) and [e["id"] for e in json.loads(target.read_text(encoding="utf-8"))["events"]] == expected
    code = _cli(capsys, "export", str(db), "--format", "json", "--view", "Prepared", "-o", str(target), "--force")[0]
    assert code == 0
    assert sorted(e["id"] for e in json.loads(target.read_text(encoding="utf-8"))["events"]) == sorted(linked)
    code, out, _ = _cli(capsys, "views", str(db))
    assert code == 0 and out.splitlines()[0].startswith(f"June meetings: {len(expected)} events (kinds: meeting")
    code, _, err = _cli(capsys, "export", str(db), "--format", "json", "--view", "Nope")
    assert code == 2 and "no view 'Nope'" in err and "'June meetings'" in err
    code, _, err = _cli(capsys, "export", str(db), "--format", "json", "--view", "Prepared", "--kind", "summit")
    assert code == 2 and err.endswith("--view takes the view's own filter: leave out --kind")


@pytest.mark.parametrize("views, expected", [
    ('{"v": {"filter": {"kinds": "summit"}}}', "view 'v': field 'filter': field 'kinds': must be a list"),
    ('{"v": {"filter": {"since": "31 February 2023"}}}', "view 'v': field 'filter': date range"),
    ('{"v": {"window": [5, 1]}}', "view 'v': field 'window': must be [first, end]"),
    ('{"v": {"lanes": "tree"}}', "view 'v': field 'lanes': must be one of body, kind, none"),
    ('{"v": {"colour": 1}}', "view 'v': field 'colour': unknown field"),
    ('{"": {}}', "a view's name is text of 1 to 100 characters"),
    ('[]', "field 'views': must be an object"),
])
def test_a_damaged_saved_view_is_refused_and_the_file_left_as_it_is(db: Path, views: str, expected: str) -> None:
    path = workspace_path(db)
    text = '{"format": "defence-timeline-workspace", "version": 2, "views": ' + views + "}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as refused:
        load_workspace(db)
    assert expected in str(refused.value)
    assert path.read_text(encoding="utf-8") == text

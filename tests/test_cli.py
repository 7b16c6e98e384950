"""The command line: subcommands, filters, and one clear line with the right exit code on failure."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON, file_state, minimal_document, write_json

from viewer.cli import TerminalProgress, main
from viewer.store.reader import EventStore


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_then_check(capsys, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    code, out, err = _run(capsys, "import", str(SAMPLE_JSON), "--db", str(db))
    assert (code, err) == (0, "")
    assert "created" in out and "25 events" in out
    code, out, _ = _run(capsys, "check", str(db))
    assert code == 0
    assert "events: 25" in out and "bodies: 21" in out and "links:  28" in out
    assert "dates:  2014-09-04 to 2024-05" in out


def test_export_filters_match_the_expected_events(capsys, sample_db: Path) -> None:
    code, out, _ = _run(
        capsys, "export", str(sample_db), "--format", "json",
        "--body", "nuclear-planning-group", "--body", "lithuania",
    )
    assert code == 0
    ids = {event["id"] for event in json.loads(out)["events"]}
    assert ids == {"npg-2023-06", "vilnius-summit-2023"}
    code, out, _ = _run(
        capsys, "export", str(sample_db), "--format", "json", "--search", "summit",
        "--kind", "summit", "--since", "2020", "--until", "2023-12-31",
    )
    assert [event["id"] for event in json.loads(out)["events"]] == ["vilnius-summit-2023"]
    code, out, _ = _run(capsys, "export", str(sample_db), "--format", "csv", "--tag", "nuclear-deterrence")
    assert code == 0
    assert out.splitlines()[0].startswith("id,title,start")
    assert len(out.splitlines()) == 2


def test_export_to_a_file_refuses_to_overwrite_without_force(capsys, sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert _run(capsys, "export", str(sample_db), "--format", "json", "-o", str(target))[0] == 0
    assert json.loads(target.read_text())["format"] == "defence-timeline"
    target.write_text("keep me")
    code, _, err = _run(capsys, "export", str(sample_db), "--format", "json", "-o", str(target))
    assert code == 2 and "already exists" in err
    assert target.read_text() == "keep me"
    assert _run(capsys, "export", str(sample_db), "--format", "json", "-o", str(target), "--force")[0] == 0
    assert len(json.loads(target.read_text())["events"]) == 25


def test_export_into_a_missing_folder_leaves_nothing(capsys, sample_db: Path, tmp_path: Path) -> None:
    code, _, err = _run(
        capsys, "export", str(sample_db), "--format", "csv", "-o", str(tmp_path / "gone" / "x.csv")
    )
    assert code == 2 and "does not exist" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "{missing}"], "no such file"),
        (["check", "{random}"], "not SQLite"),
        (["check", "{empty}"], "0 bytes"),
        (["export", "{db}", "--format", "xml"], "invalid choice"),
        (["export", "{db}", "--format", "json", "--since", "someday"], "date range"),
        (["import", "{bad}", "--db", "{db}"], "bad.json: event #1"),
        (["import", "{db}"], "required: --db"),
        (["frobnicate", "x", "y"], "unrecognized arguments"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, sample_db: Path, tmp_path: Path, args, expected) -> None:
    (tmp_path / "random.db").write_bytes(b"\x00\x01garbage" * 100)
    (tmp_path / "empty.db").touch()
    document = minimal_document()
    document["events"][0]["start"] = "not a date"
    bad = write_json(tmp_path / "bad.json", document)
    db = tmp_path / "db.db"
    db.write_bytes(sample_db.read_bytes())
    before = file_state(db)
    paths = {"missing": tmp_path / "missing.db", "random": tmp_path / "random.db",
             "empty": tmp_path / "empty.db", "db": db, "bad": bad}
    code, out, err = _run(capsys, *[a.format(**paths) for a in args])
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("defence-timeline: ")
    assert "Traceback" not in err + out
    assert file_state(db) == before


def test_check_refuses_a_damaged_file(capsys, sample_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    data = bytearray(sample_db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(2, len(data) // page_size):
        data[page * page_size : page * page_size + 64] = b"\xab" * 64
    path.write_bytes(bytes(data))
    code, _, err = _run(capsys, "check", str(path))
    assert code == 2 and "damaged" in err


def test_an_unexpected_error_exits_1_without_traceback(capsys, monkeypatch, sample_db: Path) -> None:
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("viewer.store.reader.EventStore.summary", explode)
    code, _, err = _run(capsys, "check", str(sample_db))
    assert code == 1
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_hostile_text_in_messages_is_printed_as_inert_text(capsys, tmp_path: Path) -> None:
    document = minimal_document()
    document["events"][0]["id"] = "x\x1b[2J\nwiped"
    document["events"][0]["start"] = "bad"
    bad = write_json(tmp_path / "bad.json", document)
    code, _, err = _run(capsys, "import", str(bad), "--db", str(tmp_path / "x.db"))
    assert code == 2
    assert "\x1b" not in err and len(err.strip().splitlines()) == 1


def test_python_dash_m_and_the_console_script_agree(tmp_path: Path, sample_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "check", str(tmp_path / "nope.db")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"defence-timeline: {tmp_path / 'nope.db'}: no such file"
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "export", str(sample_db), "--format", "csv"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 26


def test_new_files_get_ordinary_permissions(capsys, sample_db: Path, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert _run(capsys, "import", str(SAMPLE_JSON), "--db", str(tmp_path / "n.db"))[0] == 0
        assert _run(capsys, "export", str(sample_db), "--format", "csv", "-o", str(tmp_path / "n.csv"))[0] == 0
    finally:
        os.umask(umask)
    assert (tmp_path / "n.db").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "n.csv").stat().st_mode & 0o777 == 0o644


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_on_a_terminal_shows_progress_then_clears_it(monkeypatch, capsys, tmp_path: Path) -> None:
    document = minimal_document(links=[])
    document["events"] = [{"id": f"e{i}", "title": "T", "start": "2023"} for i in range(12_000)]
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(TerminalProgress, "__init__", _every_report(TerminalProgress.__init__))
    assert main(["import", str(write_json(tmp_path / "many.json", document)), "--db", str(tmp_path / "t.db")]) == 0
    shown = terminal.getvalue()
    # The percentage follows the file read (a small file does not jump to 100% at once); the
    # stages after reading, whose length is not known, show no percentage.
    percents = [int(p) for p in re.findall(r"\rImporting many\.json: (?:4|9),998 events… (\d+)%", shown)]
    assert len(percents) == 2 and 0 < percents[0] < percents[1] < 100, shown
    assert "\rIndexing…" in shown and "Indexing… 0%" not in shown
    assert shown.endswith("\r")  # the line is left empty for what comes next
    assert "12,000 events, 2 bodies, 0 links imported" in capsys.readouterr().out


def _every_report(init):
    def without_throttle(self, stream, interval_s: float = 0.2) -> None:
        init(self, stream, 0.0)

    return without_throttle


def test_from_names_the_format_a_file_does_not_tell(tmp_path: Path, capsys) -> None:
    """A one-column list named .dat is not recognised; --from csv reads it; a wrong --from is refused."""
    source = tmp_path / "week.dat"
    source.write_text("title\r\nDefence Ministers 2023\r\n", encoding="utf-8")
    db = tmp_path / "week.db"
    assert main(["import", str(source), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "week.dat: unsupported format" in err and "--from names the format" in err
    assert not db.exists()
    assert main(["import", str(source), "--from", "csv", "--db", str(db)]) == 2  # read as a table: no start column
    assert "week.dat" in (err := capsys.readouterr().err) and "start" in err
    tabbed = tmp_path / "tabbed.dat"
    tabbed.write_text("id\ttitle\tstart\r\nm1\tDefence Ministers\t2023-06-15\r\n", encoding="utf-8")
    assert main(["import", str(tabbed), "--db", str(db)]) == 0  # tabs tell a table, whatever the name
    assert capsys.readouterr().out.splitlines()[-1] == "DB: 1 added, 0 updated, 0 deleted, 0 unchanged"
    before = file_state(db)
    assert main(["import", str(tabbed), "--from", "ics", "--db", str(db)]) == 2
    assert "tabbed.dat: is not an iCalendar file" in capsys.readouterr().err
    assert main(["import", str(tabbed), "--from", "xlsx", "--db", str(db)]) == 2
    assert "tabbed.dat: is not an Excel workbook" in capsys.readouterr().err
    assert main(["import", str(tabbed), "--from", "pdf", "--db", str(db)]) == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    assert file_state(db) == before


def _table(tmp_path: Path) -> Path:
    source = tmp_path / "tracker.csv"
    source.write_text("Date;Event;Where\r\n15.06.2023;Defence Ministers;Brussels\r\n", encoding="utf-8")
    return source


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--map", "colour=Event"], "unknown field 'colour'"),
        (["--map", "title"], "FIELD=COLUMN"),
        (["--map", "title=Nope", "--dayfirst"], "Nope"),
        (["--mapping", "missing.json"], "missing.json"),
        (["--sheet", "2023"], "a column mapping or a sheet applies to tables"),
        ([], "--dayfirst"),
    ],
)
def test_bad_import_options_get_one_clear_line_and_write_nothing(
    tmp_path: Path, capsys, arguments: list[str], message: str
) -> None:
    source = _table(tmp_path) if "--sheet" not in arguments else write_json(tmp_path / "s.json", minimal_document())
    db = tmp_path / "t.db"
    with contextlib.chdir(tmp_path):
        assert main(["import", str(source), "--db", str(db), *arguments]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not db.exists()


def test_a_table_with_its_own_columns_imports_with_dayfirst_and_a_map(tmp_path: Path, capsys) -> None:
    db = tmp_path / "t.db"
    assert main(["import", str(_table(tmp_path)), "--db", str(db), "--dayfirst", "--map", "location=Where"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "DB: 1 added, 0 updated, 0 deleted, 0 unchanged"
    with EventStore(db) as store:
        (event,) = store.events()
    assert (event.title, event.start.iso(), event.location) == ("Defence Ministers", "2023-06-15", "Brussels")


def test_map_field_to_nothing_leaves_a_column_its_name_would_find_unread(tmp_path: Path, capsys) -> None:
    source = tmp_path / "tracker.csv"
    source.write_text("Date,Event,Location\r\n2023-06-15,Defence Ministers,Brussels\r\n", encoding="utf-8")
    db = tmp_path / "t.db"
    assert main(["import", str(source), "--db", str(db), "--map", "location="]) == 0
    with EventStore(db) as store:
        (event,) = store.events()
    assert event.location is None and event.fields == (("Location", "Brussels"),)  # kept, not lost
    mapping = tmp_path / "m.json"
    mapping.write_text('{"mapping": {"location": null}}', encoding="utf-8")
    assert main(["import", str(source), "--db", str(db), "--mapping", str(mapping)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "DB: 0 added, 0 updated, 0 deleted, 1 unchanged"
    assert main(["import", str(source), "--db", str(db), "--map", "title="]) == 2
    assert "no column gives the title" in capsys.readouterr().err


@pytest.mark.parametrize(("fmt", "option", "expected"), [
    ("md", ["--excel"], "--excel applies to csv-readable, csv, not to md"),
    ("docx", ["--size", "slide"], "--size applies to png, svg, pdf, not to docx"),
    ("json", ["--title", "Road to Vilnius"], "--title applies to png, svg, pdf, md, docx, pdf-brief, not to json"),
])
def test_an_option_the_format_has_no_use_for_is_refused(capsys, sample_db: Path, tmp_path: Path, fmt: str,
                                                        option: list[str], expected: str) -> None:
    target = tmp_path / "out"
    code, _out, err = _run(capsys, "export", str(sample_db), "--format", fmt, *option, "-o", str(target))
    assert code == 2 and err.strip().endswith(expected) and len(err.strip().splitlines()) == 1
    assert not target.exists()

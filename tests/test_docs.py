"""The documentation's examples stay true."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.store.importer import import_files
from viewer.store.reader import EventStore

ROOT = Path(__file__).resolve().parents[1]
IMPORT_DOC = ROOT / "docs" / "import.md"
EXAMPLES = ROOT / "docs" / "examples" / "import"
WORKBOOK_SCRIPT = EXAMPLES / "make_workbook.py"
PROG = "defence-timeline"


def test_the_full_example_in_the_format_document_imports(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = [block for block in re.findall(r"```json\n(.*?)```", text, re.S) if '"events"' in block][-1]
    source = tmp_path / "example.json"
    source.write_text(example, encoding="utf-8")
    import_files([source], tmp_path / "example.db")
    with EventStore(tmp_path / "example.db") as store:
        assert store.count() == len(json.loads(example)["events"])
        assert any(link.relation.value == "prepares" for link in store.links())


# ----------------------------------------------------------------------------- docs/import.md
#
# Every ```console block of docs/import.md holds commands ("$ defence-timeline ...") each followed
# by what it prints: they are run in order, in a copy of docs/examples/import, and must print
# exactly that (standard output's first line, then the notes of standard error, then the rest).
# A block marked <!-- file: NAME --> shows an example file as it is; <!-- history: DB ID --> the
# earlier dates an event has once the commands above ran.


@dataclass(frozen=True)
class Shown:
    command: str
    output: tuple[str, ...]


@dataclass(frozen=True)
class Ran:
    code: int
    output: tuple[str, ...]


def _doc() -> str:
    return IMPORT_DOC.read_text(encoding="utf-8")


def _shown_commands(text: str) -> list[Shown]:
    shown: list[Shown] = []
    for block in re.findall(r"^```console\n(.*?)^```", text, re.S | re.M):
        command: str | None = None
        output: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    shown.append(Shown(command, tuple(output)))
                command, output = line[2:], []
            else:
                assert command is not None, f"output before any command in a console block: {line!r}"
                output.append(line)
        if command is not None:
            shown.append(Shown(command, tuple(output)))
    return shown


def _marked_blocks(text: str, mark: str) -> list[tuple[str, str]]:
    """(what the mark names, the code block after it) for each ``<!-- mark: ... -->``."""
    return re.findall(rf"^<!-- {mark}: (.+?) -->\n```[a-z]*\n(.*?)^```", text, re.S | re.M)


def _make_workbook(folder: Path) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_workbook", WORKBOOK_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_workbook(folder)


def _run(command: str) -> Ran:
    words = shlex.split(command)
    assert words[0] == PROG, f"a command of docs/import.md that is not {PROG}: {command!r}"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(words[1:])
    out_lines, err_lines = out.getvalue().splitlines(), err.getvalue().splitlines()
    return Ran(code, tuple([*out_lines[:1], *err_lines, *out_lines[1:]]))


@pytest.fixture(scope="module")
def import_doc_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[Shown, Ran]]]:
    """Every command of docs/import.md run in order in a copy of the examples folder."""
    folder = tmp_path_factory.mktemp("docs") / "import"
    shutil.copytree(EXAMPLES, folder)
    _make_workbook(folder)
    before = Path.cwd()
    os.chdir(folder)
    try:
        results = [(shown, _run(shown.command)) for shown in _shown_commands(_doc())]
    finally:
        os.chdir(before)
    return folder, results


def test_every_command_in_the_import_document_prints_what_it_shows(import_doc_run) -> None:
    _folder, results = import_doc_run
    assert len(results) >= 15
    for shown, ran in results:
        assert ran.output == shown.output, f"$ {shown.command}"
        refused = bool(shown.output) and shown.output[0].startswith(f"{PROG}: ")
        assert ran.code == (2 if refused else 0), f"$ {shown.command}"


def test_the_import_document_shows_one_example_of_each_format(import_doc_run) -> None:
    from viewer.store.interchange import IMPORT_FORMATS

    folder, results = import_doc_run
    formats: set[str] = set()
    for shown, ran in results:
        if ran.code != 0:
            continue
        words = shlex.split(shown.command)
        db = folder / words[words.index("--db") + 1]
        with EventStore(db) as store:
            for event in store.events():
                provenance = store.provenance(event.id)
                if provenance is not None:
                    formats.add(provenance.format)
    assert formats >= {*IMPORT_FORMATS, "table"}, formats


def test_the_files_shown_in_the_import_document_are_the_example_files() -> None:
    shown = _marked_blocks(_doc(), "file")
    assert len(shown) >= 6
    for name, content in shown:
        text = (EXAMPLES / name).read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert content == text, name


def test_every_example_file_is_imported_in_the_import_document() -> None:
    sources: set[str] = set()
    for shown in _shown_commands(_doc()):
        words = shlex.split(shown.command)
        if words[1] == "import":
            sources.update(word for word in words[2:] if not word.startswith("-") and "." in word)
    sources = {source.removeprefix("./") for source in sources}
    files = {path.relative_to(EXAMPLES).as_posix() for path in EXAMPLES.rglob("*") if path.is_file()}
    files = files - {"make_workbook.py"} | {"exercises.xlsx"}
    assert files <= sources, files - sources


def test_the_earlier_dates_shown_in_the_import_document_are_kept(import_doc_run) -> None:
    folder, _results = import_doc_run
    marked = _marked_blocks(_doc(), "history")
    assert marked
    for what, block in marked:
        db, event_id = what.split()
        shown = json.loads("{" + block + "}")["history"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["export", str(folder / db), "--format", "json", "--id", event_id]) == 0
        kept = json.loads(out.getvalue())["events"][0]["history"]
        for entry in (*shown, *kept):
            assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}", entry.pop("replaced"))
        assert kept == shown


def test_the_readme_links_the_import_document() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/import.md)" in readme
    assert "json\\|csv\\|ics\\|acled\\|xlsx\\|gdelt" in readme


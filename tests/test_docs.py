"""The documentation's examples stay true."""

from __future__ import annotations

import json
import re
from pathlib import Path

from viewer.store.importer import import_files
from viewer.store.reader import EventStore

ROOT = Path(__file__).resolve().parents[1]


def test_the_full_example_in_the_format_document_imports(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.findall(r"```json\n(.*?)```", text, re.S)[-1]
    source = tmp_path / "example.json"
    source.write_text(example, encoding="utf-8")
    import_files([source], tmp_path / "example.db")
    with EventStore(tmp_path / "example.db") as store:
        assert store.count() == len(json.loads(example)["events"])
        assert any(link.relation.value == "prepares" for link in store.links())

"""JSON export: the interchange format, re-importable without loss."""

from __future__ import annotations

import json
from typing import IO

from viewer.store.interchange import document_to_dict
from viewer.store.model import Document


def write_json(document: Document, stream: IO[str]) -> None:
    """Write ``document`` as an indented UTF-8 interchange document."""
    json.dump(document_to_dict(document), stream, ensure_ascii=False, indent=2)
    stream.write("\n")

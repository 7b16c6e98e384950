"""Make docs/examples/: the briefs (Markdown, Word, PDF) and the picture of the June 2023 ministerial's chain.

    xvfb-run -a .venv/bin/python docs/scripts/export_examples.py

The chain is the June ministerial with every event linked to it (its sessions, the press
conference that announced it, the Vilnius Summit it prepared, the ministerials before and
after), exported with the project's own export, as `defence-timeline export --with-linked`.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from viewer.export.formats import ExportRequest, write_export
from viewer.store.filters import EventFilter
from viewer.store.reader import EventStore
from viewer.store.sample import sample_database_path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "examples"
FIXED_TIME = datetime(2026, 11, 28, tzinfo=UTC)  # so that the files only change when the data does


def main() -> None:
    OUT.mkdir(exist_ok=True)
    chain = EventFilter.build(ids=["dmm-2023-06"])
    with EventStore(sample_database_path()) as store:
        for fmt, name, options in (
            ("md", "june-ministerial-brief.md", {}),
            ("docx", "june-ministerial-brief.docx", {}),
            ("pdf-brief", "june-ministerial-brief.pdf", {}),
            ("png", "june-ministerial-chain.png", {"width": 1600}),
        ):
            stream = io.BytesIO()
            request = ExportRequest(
                fmt=fmt,
                event_filter=chain,
                with_linked=True,
                now=FIXED_TIME,
                selection_text="the June 2023 Defence Ministers' meeting",
                **options,
            )
            write_export(store, request, stream)
            (OUT / name).write_bytes(stream.getvalue())
            print(OUT / name)


if __name__ == "__main__":
    main()

"""Copying the selected events as text (one row per event, tab-separated, with a header)."""

from __future__ import annotations

from collections.abc import Iterable

from viewer.store.event_fields import FIELD_BY_NAME
from viewer.store.model import Event

COPY_FIELDS: tuple[str, ...] = ("start", "end", "title", "kind", "location")
COPY_LIMIT = 100_000  # events copied at most


def events_as_text(events: Iterable[Event]) -> str:
    """The header and one line per event, each cell on one line (tabs and newlines become spaces)."""
    fields = [FIELD_BY_NAME[name] for name in COPY_FIELDS]
    lines = ["\t".join(COPY_FIELDS)]
    for event in events:
        lines.append("\t".join(_cell(field.value(event)) for field in fields))
    return "\n".join(lines) + "\n"


def _cell(value: str | bool | None) -> str:
    return " ".join(str(value).split()) if value not in (None, False) else ""

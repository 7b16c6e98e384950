"""JSON export: the interchange format, re-importable without loss, written an event at a time."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO

from viewer.progress import Progress
from viewer.store.interchange import document_to_dict, event_to_dict, link_to_dict
from viewer.store.model import Document, Event, Link

PROGRESS_EVERY = 5_000


def write_json(document: Document, stream: IO[str]) -> None:
    """Write ``document`` as an indented UTF-8 interchange document."""
    write_json_parts(document, document.events, lambda _ids: document.links, stream)


def write_json_parts(
    head: Document,
    events: Iterable[Event],
    links: Callable[[set[str]], list[Link]],
    stream: IO[str],
    total: int = 0,
    progress: Progress | None = None,
) -> int:
    """Write the document of ``head`` (its name, view and bodies) with ``events`` as they come and then
    ``links(ids of the events written)``: the text ``json.dump(..., indent=2)`` gives for the whole
    document, without holding the events. Returns the number of events written."""
    top = document_to_dict(Document(name=head.name, description=head.description, view=head.view, bodies=head.bodies,
                                    grading=head.grading))
    del top["events"], top["links"]
    stream.write(_dumps(top)[:-2] + ',\n  "events": [')  # the top-level object, left open
    written: set[str] = set()
    for event in events:
        stream.write(("," if written else "") + "\n    " + _dumps(event_to_dict(event)).replace("\n", "\n    "))
        written.add(event.id)
        if progress is not None and len(written) % PROGRESS_EVERY == 0:
            progress("Writing", len(written), total)
    stream.write("\n  ]" if written else "]")
    chosen_links = [link_to_dict(link) for link in links(written)]
    stream.write(',\n  "links": ' + _dumps(chosen_links).replace("\n", "\n  ") + "\n}\n")
    return len(written)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)

"""The export formats and the one function that writes any of them (for the CLI and the window)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal

from viewer.export.catalogue import (
    BRIEF_PICTURE_WIDTH,
    DEFAULT_WIDTH,
    FORMATS,
    MAX_PAGED_BRIEF_EVENTS,
    PAGED_BRIEF_FORMATS,
    PICTURE_FORMATS,
)
from viewer.export.picture_frame import PictureCaption
from viewer.progress import Progress
from viewer.store.errors import ExportError
from viewer.store.filters import EventFilter
from viewer.store.grading import Confidence
from viewer.store.masks import Marked
from viewer.store.reader import EventStore
from viewer.timeline.data import TimelineData

UTF8_BOM = "\ufeff"  # read back by every import (the app's readers drop it)


@dataclass(frozen=True)
class ExportRequest:
    """What to write: which events, in which format, with which options."""

    fmt: str
    event_filter: EventFilter
    with_linked: bool = False
    width: int = DEFAULT_WIDTH
    group_by: Literal["kind", "body"] = "kind"
    excel: bool = False  # the CSVs: begin with a UTF-8 byte-order mark, by which Excel knows the encoding
    size: str | None = None  # pictures: "slide", "a4" or None (the width as asked, the height to fit)
    title: str | None = None  # pictures and briefs: the title (default: the one chosen event's, else the dataset's)
    selection_text: str | None = None  # how the events were chosen (for the brief; default: the filter in words)
    now: datetime | None = None  # fixed for reproducible output (tests, docs)


def selected_filter(store: EventStore, event_filter: EventFilter, with_linked: bool) -> EventFilter:
    """The events to export: the filter's, plus those linked to them when asked."""
    if not with_linked:
        return event_filter
    return EventFilter(ids=frozenset(store.ids_with_linked(event_filter)), link_confidence=event_filter.link_confidence)


def count_events(store: EventStore, request: ExportRequest) -> int:
    """How many events the request would write."""
    return store.count(selected_filter(store, request.event_filter, request.with_linked))


def write_export(
    store: EventStore, request: ExportRequest, stream: IO[bytes], progress: Progress | None = None, *,
    picture: bytes | None = None,
) -> int:
    """Write the request's events in its format to a binary stream; returns the event count.

    A Word or PDF brief holds the selection's picture: ``picture`` when given (the window draws
    it on the UI thread, see :func:`brief_picture`), else drawn here, which needs the main thread."""
    if request.fmt not in FORMATS:
        raise ExportError(f"unknown export format {request.fmt!r} (use one of: {', '.join(FORMATS)})")
    chosen = selected_filter(store, request.event_filter, request.with_linked)
    if progress:
        progress("Reading events", 0, 0)
    if request.fmt in PICTURE_FORMATS:
        return _write_image(store, chosen, request, stream)
    if request.fmt == "csv":
        from viewer.export.csv_export import write_csv

        total = store.count(chosen) if progress else 0
        with _text(stream) as text:
            if request.excel:
                text.write(UTF8_BOM)
            return write_csv(store.csv_line_batches(chosen), text, total, progress)
    if request.fmt == "xlsx":
        return _write_xlsx(store, chosen, stream, progress)
    if request.fmt == "csv-readable":
        from viewer.export.readable_csv import write_readable_csv

        total = store.count(chosen)
        table = people_table_of(store, chosen)
        with _text(stream) as text:
            if request.excel:
                text.write(UTF8_BOM)
            return write_readable_csv(store.iter_events(chosen), table, text, total, progress)
    if request.fmt == "json":
        from viewer.export.json_export import write_json_parts

        total = store.count(chosen) if progress else 0
        with _text(stream) as text:
            return write_json_parts(
                store.document_head(chosen), store.iter_events(chosen),
                lambda ids: store.links_among(ids, chosen), text, total, progress,
            )
    if request.fmt == "ics":
        from viewer.export.ics_export import write_ics_parts

        report = (lambda done, total: progress("Writing", done, total)) if progress else None
        links = store.links_among(set() if chosen.is_empty else set(store.event_ids(chosen)), chosen)
        return write_ics_parts(
            store.document_head(chosen), store.iter_events(chosen), store.time_zones_used(chosen), links, stream,
            store.count(chosen) if progress else 0, now=request.now, progress=report,
        )
    if request.fmt == "md":
        return _write_brief(store, chosen, request, stream, progress)
    if request.fmt in PAGED_BRIEF_FORMATS:
        return _write_paged_brief(store, chosen, request, stream, progress, picture)
    document = store.document(chosen)
    if progress:
        progress("Writing", 0, max(len(document.events), 1))
    with _text(stream) as text:
        from viewer.export.timelinejs_export import write_timelinejs

        return write_timelinejs(document, text, request.group_by)


def brief_of(store: EventStore, chosen: EventFilter, request: ExportRequest):
    """The brief of ``chosen`` (its events read from the file twice, never held): what every brief format writes."""
    from viewer.export.brief import Brief

    selection = request.selection_text or request.event_filter.describe()
    if request.with_linked:
        selection += ", with the events linked to them"
    links = store.links_among(set() if chosen.is_empty else set(store.event_ids(chosen)), chosen)
    today = request.now.date() if request.now else date.today()
    return Brief(store.document_head(chosen), lambda: store.iter_events(chosen), links, selection=selection,
                 today=today, title=request.title, grading=store.grading, annotations=annotations_of(store))


def _write_brief(
    store: EventStore, chosen: EventFilter, request: ExportRequest, stream: IO[bytes], progress: Progress | None
) -> int:
    """The Markdown brief, streamed: the chronology written an event at a time."""
    from viewer.export.markdown_export import write_blocks

    if progress:
        progress("Writing", 0, 0)
    brief = brief_of(store, chosen, request)
    with _text(stream) as text:
        write_blocks(brief.blocks(progress), text)
    return brief.count


def check_paged_brief(count: int) -> None:
    """Refuse a Word or PDF brief (or a printed one) of more events than :data:`MAX_PAGED_BRIEF_EVENTS`."""
    if count > MAX_PAGED_BRIEF_EVENTS:
        raise ExportError(f"a Word or PDF brief holds at most {MAX_PAGED_BRIEF_EVENTS:,} events, not {count:,}: "
                          "choose fewer, or export a Markdown brief")


def brief_picture(store: EventStore, chosen: EventFilter, request: ExportRequest,
                  data: TimelineData | None = None) -> bytes | None:
    """The PNG a Word or PDF brief of ``chosen`` holds (None: no event to draw), drawn from ``data``
    (the window's) or from the file. Painted with Qt widgets: call it on the UI (main) thread."""
    event_ids = store.event_ids(chosen)
    if not event_ids:
        return None
    if data is None:
        from viewer.timeline_source import load_timeline_data

        data = load_timeline_data(store)
    drawn = ExportRequest(fmt="png", event_filter=chosen, width=BRIEF_PICTURE_WIDTH, title=request.title)
    stream = io.BytesIO()
    write_picture(data, event_ids, drawn, stream, store.name(), caption=picture_caption_of(store, chosen, request),
                  marked=marked_of(store))
    return stream.getvalue()


def _write_paged_brief(
    store: EventStore, chosen: EventFilter, request: ExportRequest, stream: IO[bytes], progress: Progress | None,
    picture: bytes | None,
) -> int:
    check_paged_brief(store.count(chosen))
    if picture is None:
        picture = brief_picture(store, chosen, request)
    brief = brief_of(store, chosen, request)
    if progress:
        progress("Writing", 0, brief.count)
    if request.fmt == "docx":
        from viewer.export.docx_export import write_docx

        return write_docx(brief, stream, picture=picture, now=request.now, progress=progress)
    from viewer.export.pdf_brief import write_pdf_brief

    return write_pdf_brief(brief, stream, picture=picture, now=request.now, progress=progress)


def people_table_of(store: EventStore, chosen: EventFilter):
    """What the tables for people need besides the events (see :class:`~viewer.export.people_table.PeopleTable`)."""
    from viewer.export.people_table import PeopleTable, linked

    ids = set() if chosen.is_empty else set(store.event_ids(chosen))
    links = linked(store.links_among(ids, chosen))
    others = {other for columns in links.by_event.values() for found in columns.values() for other in found}
    titles = {event.id: event.title for event in store.events(EventFilter(ids=frozenset(others)))} if others else {}
    return PeopleTable({body.id: body for body in store.bodies()}, links, titles, store.grading,
                       annotations_of(store))


def marked_of(store: EventStore) -> Marked:
    """The starred events and those with a note, in the workspace beside the store's file."""
    workspace = store.workspace()
    return Marked(frozenset(workspace.starred()), frozenset(workspace.with_notes()))


def annotations_of(store: EventStore):
    """The analyst's annotations beside the store's file, by event id (none when it has no workspace;
    a damaged workspace is refused with its name, and left as it is)."""
    return store.workspace().annotations


def _write_xlsx(store: EventStore, chosen: EventFilter, stream: IO[bytes], progress: Progress | None) -> int:
    from viewer.export.xlsx_export import MAX_ROWS, write_xlsx

    total = store.count(chosen)
    if total > MAX_ROWS:
        raise ExportError(f"{total:,} events do not fit in an Excel sheet ({MAX_ROWS:,} rows at most): "
                          "choose fewer, or export CSV")
    return write_xlsx(store.iter_events(chosen), people_table_of(store, chosen), stream, total, progress,
                      title=store.name())


def export_to_file(
    database: Path, request: ExportRequest, target: Path, *, overwrite: bool, progress: Progress | None = None,
    picture: bytes | None = None,
) -> int:
    """Open ``database`` read-only and write the export atomically to ``target`` (``picture``: see write_export)."""
    from viewer.export.atomic import atomic_binary_file

    with EventStore(database) as store, atomic_binary_file(target, overwrite=overwrite, protected=[database]) as stream:
        return write_export(store, request, stream, progress, picture=picture)


def _write_image(store: EventStore, chosen: EventFilter, request: ExportRequest, stream: IO[bytes]) -> int:
    from viewer.timeline_source import load_timeline_data

    return write_picture(load_timeline_data(store), store.event_ids(chosen), request, stream, store.name(),
                         caption=picture_caption_of(store, chosen, request), marked=marked_of(store))


def picture_caption_of(store: EventStore, chosen: EventFilter, request: ExportRequest) -> PictureCaption:
    """The title, dates, sources and data file a picture of ``chosen`` is framed with."""
    from viewer.export.picture_frame import picture_caption

    return picture_caption(store, chosen, name=request.title, asked=request.event_filter)


def write_picture(
    data: TimelineData, event_ids: Iterable[str], request: ExportRequest, stream: IO[bytes], title: str | None,
    caption: PictureCaption | None = None, marked: Marked | None = None,
) -> int:
    """Draw the given events of already loaded timeline data (the window passes its own), the links
    as sure as the request's filter asks, and the analyst's stars and notes (``marked``)."""
    import numpy as np

    from viewer.export.image_export import write_image

    positions = [data.position_of(event_id) for event_id in event_ids]
    subset = data.subset(np.array([p for p in positions if p is not None], dtype=np.int64))
    if len(subset.index) == 0:
        raise ExportError("no event to draw: the selection is empty")
    floor = request.event_filter.link_confidence
    if floor is not None:
        subset = subset.with_links_at_least(list(Confidence).index(floor))
    return write_image(subset, request.fmt, stream, width=request.width, title=title, caption=caption,
                       size=request.size, marked=marked)


class _text:
    """A UTF-8 text view of a binary stream that leaves the stream open."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)

    def __enter__(self) -> io.TextIOWrapper:
        return self._wrapper

    def __exit__(self, *_exc: object) -> None:
        self._wrapper.flush()
        self._wrapper.detach()

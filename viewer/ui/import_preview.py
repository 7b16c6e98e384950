"""What the import dialog shows before importing: the first records as they will be imported.

Pure Python (no widgets): :func:`read_preview` runs in a worker thread, opening each source with
:func:`~viewer.store.interchange.open_source` exactly as the import will, and gives back plain
data: the detected format, a table's header, sheets and column mapping, the first rows as the
window shows them, or the refusal's message. Remembered mappings are kept per header set
(:func:`header_key`) as JSON text (:func:`remembered_mappings`, :func:`remember_mapping`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from viewer.formatting import display_text, format_event_dates
from viewer.store.column_mapping import automatic_mapping, resolve_mapping
from viewer.store.errors import DefenceTimelineError, ImportRefusedError
from viewer.store.import_options import MAPPABLE_FIELDS, ImportOptions
from viewer.store.interchange import RecordSource, detect_file_format, open_source
from viewer.store.model import DEFAULT_ROLE, Body, Event
from viewer.store.table_import import TableSource, WorkbookSource
from viewer.timeline.lanes import kind_title
from viewer.ui.tasks import Cancelled

PREVIEW_ROWS = 20
COLUMNS = ("ID", "Title", "Dates", "Kind", "Bodies", "Location", "Tags", "Other columns")
ALWAYS_SHOWN = 3  # ID, Title and Dates are shown even when empty; other empty columns are hidden
MAX_CELL = 300  # characters of a cell shown (the tooltip has up to this many too)
MAX_REMEMBERED = 100  # header sets whose mapping is remembered (the oldest forgotten first)

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PreviewRequest:
    """What to preview: the files, and what the user chose (``None``: the files tell)."""

    paths: tuple[Path, ...]
    fmt: str | None = None
    mapping: Pairs | None = None  # None: a remembered mapping for the header, else the automatic one
    sheet: str | None = None
    dayfirst: bool = False
    remembered: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def options(self, mapping: Pairs = ()) -> ImportOptions:
        """The import options with ``mapping``."""
        return ImportOptions(fmt=self.fmt, mapping=mapping, sheet=self.sheet, dayfirst=self.dayfirst)


@dataclass
class Preview:
    """What :func:`read_preview` found; ``problem`` is the refusal to show instead of the rows."""

    detected: str | None = None  # the first file's format, as its content tells
    table: bool = False  # read through a column mapping (a CSV/TSV with its own columns, a workbook)
    header: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()  # a workbook's sheets
    sheet: str | None = None  # the sheet read
    mapping: dict[str, str] = field(default_factory=dict)  # field -> column, as the rows are read
    mapping_given: Pairs = ()  # what the import must be told (the user's or a remembered mapping)
    remembered: bool = False  # the mapping is one remembered for this header
    rows: list[tuple[str, ...]] = field(default_factory=list)  # cells, in the order of COLUMNS
    events: int = 0  # events read (up to PREVIEW_ROWS + 1)
    bodies: int = 0
    links: int = 0
    deletions: int = 0
    more: bool = False  # more records follow those shown
    notices: list[str] = field(default_factory=list)
    problem: str | None = None


def read_preview(request: PreviewRequest, check: Callable[[], None] = lambda: None) -> Preview:
    """Open ``request.paths[0]`` as the import will and read its first :data:`PREVIEW_ROWS` events
    (the other files are opened and their first record read, to refuse now what the import would).
    ``check`` raises to stop (the dialog's Cancel, a newer request)."""
    preview = Preview()
    first, *others = request.paths
    preview.detected = detect_file_format(first)
    try:
        source = _open_first(request, preview)
        try:
            _read_rows(source, preview, check)
            preview.notices = list(source.notices)
        finally:
            source.close()
        for path in others:
            check()
            _check_opens(path, request.options(preview.mapping_given), check)
    except Cancelled:
        raise
    except (DefenceTimelineError, OSError) as error:
        preview.problem = str(error)
    except Exception as error:  # a reader's own bug: said in a sentence, never a traceback
        preview.problem = f"{display_text(str(first))}: the file cannot be read ({type(error).__name__}: {error})"
    return preview


def _open_first(request: PreviewRequest, preview: Preview) -> RecordSource:
    path = request.paths[0]
    given = request.mapping or ()
    source = open_source(path, request.fmt, request.options(given))
    if not isinstance(source, TableSource | WorkbookSource):
        return source
    try:
        preview.table = True
        preview.sheets = tuple(getattr(source, "sheets", ()))
        preview.sheet = getattr(source, "sheet", None)
        header = source.header()
        preview.header = tuple(header)
        if request.mapping is None:
            remembered = _usable(request.remembered.get(header_key(header)), header, request, source.label)
            if remembered:
                source.close()
                source = open_source(path, request.fmt, request.options(remembered))
                source.header()
                given, preview.remembered = remembered, True
        preview.mapping_given = given
        try:
            preview.mapping = resolve_mapping(header, request.options(given), source.label)
        except ImportRefusedError:
            preview.mapping = _proposed(header, given)
            raise
    except BaseException:
        source.close()
        raise
    return source


def _usable(mapping: Mapping[str, str] | None, header: Sequence[str], request: PreviewRequest, label: str) -> Pairs:
    """A remembered mapping as pairs, when the header can still be read with it."""
    if not mapping:
        return ()
    pairs = tuple(mapping.items())
    try:
        resolve_mapping(header, request.options(pairs), label)
    except DefenceTimelineError:
        return ()
    return pairs


def _proposed(header: Sequence[str], given: Pairs) -> dict[str, str]:
    """What to show in the mapping editor when the header cannot be read with ``given``."""
    columns = set(header)
    proposal = {field_name: column for field_name, column in given if column in columns}
    automatic = automatic_mapping(header, taken=set(proposal) | set(proposal.values()))
    return {name: proposal.get(name) or automatic[name] for name in MAPPABLE_FIELDS
            if name in proposal or name in automatic}


def _read_rows(source: RecordSource, preview: Preview, check: Callable[[], None]) -> None:
    names: dict[str, str] = {}
    for record in source.records():
        check()
        if record.kind == "body":
            assert isinstance(record.item, Body)
            names[record.item.id] = record.item.acronym or record.item.name
            preview.bodies += 1
        elif record.kind == "link":
            preview.links += 1
        else:
            if len(preview.rows) == PREVIEW_ROWS:
                preview.more = True
                return
            if record.kind == "deletion":
                preview.deletions += 1
                preview.rows.append(_cells(str(record.item), "(deleted by this file)"))
            else:
                assert isinstance(record.item, Event)
                preview.events += 1
                preview.rows.append(event_cells(record.item, names))


def _check_opens(path: Path, options: ImportOptions, check: Callable[[], None]) -> None:
    source = open_source(path, options.fmt, options)
    try:
        for _record in source.records():
            check()
            break
    finally:
        source.close()


def event_cells(event: Event, body_names: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """An event's cells in the preview (see :data:`COLUMNS`): dates as the window writes them."""
    body_names = body_names or {}
    bodies = []
    for taking_part in event.bodies:
        name = taking_part.name or body_names.get(taking_part.body_id) or taking_part.body_id
        bodies.append(name if taking_part.role == DEFAULT_ROLE else f"{name} ({taking_part.role})")
    others = "; ".join(f"{name}: {value}" for name, value in event.fields)
    return _cells(
        event.id, event.title, format_event_dates(event), kind_title(event.kind) if event.kind else "",
        ", ".join(bodies), event.location or "", ", ".join(event.tags), others,
    )


def _cells(*texts: str) -> tuple[str, ...]:
    shown = [display_text(text[: MAX_CELL + 1]) for text in texts]
    shown = [text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…" for text in shown]
    return tuple(shown) + ("",) * (len(COLUMNS) - len(shown))


def preview_summary(preview: Preview) -> str:
    """One line on what the preview shows: "The first 20 events (more follow); also read: 12 bodies"."""
    shown = len(preview.rows)
    if not shown:
        said = "The file gives no events"
    elif preview.more:
        said = f"The first {shown:,} records as they will be imported (more follow)"
    else:
        said = f"All {shown:,} record{'s' if shown != 1 else ''} as they will be imported"
    also = [f"{count:,} {noun if count == 1 else plural}"
            for count, noun, plural in ((preview.bodies, "body", "bodies"), (preview.links, "link", "links")) if count]
    return said + (f"; also read before them: {', '.join(also)}" if also and shown else
                   f"; it gives {', '.join(also)}" if also else "")


# ----------------------------------------------------------------------------- remembered mappings


def header_key(header: Sequence[str]) -> str:
    """The key a mapping is remembered under: a hash of the header's column names (in any order)."""
    names = sorted({name for name in header if name})
    return hashlib.sha256("\x1f".join(names).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def remembered_mappings(text: str) -> dict[str, dict[str, str]]:
    """The remembered mappings (header key -> field -> column) in ``text``; what is not one is dropped."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    kept: dict[str, dict[str, str]] = {}
    for key, mapping in data.items():
        if isinstance(key, str) and isinstance(mapping, dict):
            pairs = {f: c for f, c in mapping.items() if f in MAPPABLE_FIELDS and isinstance(c, str) and c}
            if pairs:
                kept[key] = pairs
    return kept


def remember_mapping(text: str, header: Sequence[str], mapping: Mapping[str, str]) -> str:
    """``text`` (see :func:`remembered_mappings`) with ``mapping`` remembered for ``header``, newest last."""
    remembered = remembered_mappings(text)
    key = header_key(header)
    remembered.pop(key, None)
    remembered[key] = dict(mapping)
    while len(remembered) > MAX_REMEMBERED:
        remembered.pop(next(iter(remembered)))
    return json.dumps(remembered, ensure_ascii=False, sort_keys=False)


def file_list_text(paths: Sequence[Path]) -> str:
    """The chosen files as one line: a name, or the names of several ("a.csv, b.csv")."""
    if len(paths) == 1:
        return display_text(str(paths[0]))
    return display_text(", ".join(path.name for path in paths))


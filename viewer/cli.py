"""The ``defence-timeline`` command: open the app, or import, export and check database files.

Exit codes: 0 success, 2 bad input or bad file (one line on stderr), 1 unexpected error.
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from viewer import APP_NAME, __version__
from viewer.export.catalogue import (
    BRIEF_FORMATS,
    CSV_FORMATS,
    DEFAULT_WIDTH,
    FORMATS,
    MAX_WIDTH,
    MIN_WIDTH,
    PICTURE_FORMATS,
    SIZE_PRESETS,
)
from viewer.store.errors import DefenceTimelineError, DiskFullError, OperationCancelledError
from viewer.store.filters import EventFilter, annotated_ids
from viewer.store.import_options import MAPPABLE_FIELDS, ImportOptions
from viewer.store.interchange import IMPORT_FORMATS
from viewer.store.interrupts import clear_stop_request, request_stop, stop_requested

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
PROG = "defence-timeline"
SUBCOMMANDS = ("import", "export", "check", "note", "views")
EXPORT_FORMATS = tuple(FORMATS)


class UsageError(DefenceTimelineError):
    """A command line that cannot be carried out."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


class StopRequested(KeyboardInterrupt):
    """Raised by the signal handler: unwinds every ``finally`` so partial files are removed."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m viewer``."""
    args = list(sys.argv[1:] if argv is None else argv)
    clear_stop_request()
    subcommand = bool(args) and args[0] in SUBCOMMANDS
    previous = _install_stop_handlers() if subcommand else {}
    try:
        return _dispatch(args)
    except OperationCancelledError:
        return _stopped()
    except DefenceTimelineError as error:
        _fail(str(error))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return _stopped()
    except BrokenPipeError:
        _silence_broken_stdout()
        return EXIT_OK
    except Exception as error:  # the promise: one line, never a traceback
        _fail(f"internal error: {type(error).__name__}: {error} (please report this)")
        return EXIT_INTERNAL
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _install_stop_handlers() -> dict[int, object]:
    """Ctrl+C and SIGTERM stop a command cleanly: queries are interrupted, partial files removed."""

    def stop(number: int, _frame: object) -> None:
        request_stop(number)
        raise StopRequested

    previous: dict[int, object] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[number] = signal.signal(number, stop)
        except ValueError:  # not the main thread (an embedding program): leave signals alone
            break
    return previous


def _stopped() -> int:
    number = stop_requested() or signal.SIGINT
    name = "terminated" if number == signal.SIGTERM else "interrupted"
    _fail(f"{name}: stopped before finishing; no file was changed")
    return 128 + int(number)


def _dispatch(args: list[str]) -> int:
    if args and args[0] in SUBCOMMANDS:
        parser = _subcommand_parser()
        options = parser.parse_args(args)
        return options.handler(options)
    options = _app_parser().parse_args(args)
    from viewer.app import run_app  # Qt is loaded only for the window

    return run_app(Path(options.database) if options.database else None)


def _app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=f"{APP_NAME}: view defence and security events on a timeline.",
        epilog=(
            "commands:\n"
            f"  {PROG} import SOURCE... --db DB   load JSON, CSV, Excel, iCalendar, ACLED or GDELT files\n"
            f"  {PROG} export DB --format FORMAT   write (filtered) events: {'|'.join(EXPORT_FORMATS)}\n"
            f"  {PROG} check DB                   say what a database file holds\n"
            f"  {PROG} note DB EVENT_ID           star an event, write a note or tags (beside DB)\n"
            f"Run '{PROG} COMMAND --help' for a command's options."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "database", nargs="?", help="database file to open (default: the bundled sample)"
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def _subcommand_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    importer = commands.add_parser(
        "import", help="load JSON, CSV/TSV, Excel, iCalendar, ACLED or GDELT files into a database")
    importer.add_argument("sources", nargs="+", metavar="SOURCE",
                          help="JSON, CSV/TSV, .xlsx, .ics, ACLED or GDELT files (see docs/import.md)")
    importer.add_argument("--from", dest="fmt", choices=IMPORT_FORMATS,
                          help="read every SOURCE in this format (default: told by each file's content)")
    importer.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                          help=f"read a table's COLUMN as the event's FIELD ({', '.join(MAPPABLE_FIELDS)}); "
                               "FIELD= reads no column for it")
    importer.add_argument("--mapping", metavar="FILE", help="a saved column mapping (JSON; --map wins over it)")
    importer.add_argument("--sheet", metavar="NAME", help="the workbook's sheet to read (default: the first)")
    importer.add_argument("--dayfirst", action="store_true",
                          help="read numeric dates as day first (15.06.2023, 15/06/2023)")
    importer.add_argument("--db", required=True, metavar="DB", help="database (created if missing)")
    importer.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    importer.set_defaults(handler=_run_import)

    exporter = commands.add_parser("export", help="write events from a database")
    exporter.add_argument("database", metavar="DB")
    exporter.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    exporter.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    exporter.add_argument("--force", action="store_true", help="replace FILE if it exists")
    exporter.add_argument("--search", metavar="TEXT", help="full-text search (word prefixes)")
    exporter.add_argument("--body", action="append", default=[], metavar="ID")
    exporter.add_argument("--kind", action="append", default=[], metavar="KIND")
    exporter.add_argument("--tag", action="append", default=[], metavar="TAG")
    exporter.add_argument("--since", metavar="DATE", help="keep events overlapping from DATE on")
    exporter.add_argument("--until", metavar="DATE", help="keep events overlapping up to DATE")
    exporter.add_argument("--id", action="append", default=[], metavar="ID", dest="ids")
    exporter.add_argument("--with-linked", action="store_true", help="add the events linked to those chosen")
    exporter.add_argument("--min-reliability", metavar="GRADE",
                          help="keep the events whose best source is graded GRADE or better (B: A and B)")
    exporter.add_argument("--min-credibility", metavar="GRADE",
                          help="keep the events whose information is graded GRADE or better (3: 1 to 3)")
    exporter.add_argument("--link-confidence", metavar="WORD",
                          help="keep only the links this sure or surer: confirmed, probable or possible")
    exporter.add_argument("--view", metavar="NAME",
                          help="the events a view saved in the workspace shows (its filter; not with other filters)")
    exporter.add_argument("--starred", action="store_true", help="keep the events starred in the workspace")
    exporter.add_argument("--has-note", action="store_true", help="keep the events with a note in the workspace")
    exporter.add_argument(
        "--width", type=int, default=DEFAULT_WIDTH, metavar="PX", help=f"picture width ({', '.join(PICTURE_FORMATS)})"
    )
    exporter.add_argument("--group-by", choices=("kind", "body"), default="kind", help="TimelineJS groups")
    exporter.add_argument("--size", choices=SIZE_PRESETS,
                          help="picture size: a 16:9 slide (1920 × 1080) or an A4 landscape page (default: --width)")
    exporter.add_argument("--title", metavar="TEXT",
                          help="a picture's or brief's title (default: the one chosen event's, else the dataset's)")
    exporter.add_argument("--excel", action="store_true",
                          help="a CSV for Excel: UTF-8 with a byte-order mark (so that accented names read right)")
    exporter.set_defaults(handler=_run_export)

    checker = commands.add_parser("check", help="say what a database file holds")
    checker.add_argument("database", metavar="DB")
    checker.set_defaults(handler=_run_check)

    noter = commands.add_parser("note", help="star an event, or write a note or tags on it, in the workspace beside DB")
    noter.add_argument("database", metavar="DB")
    noter.add_argument("event_id", metavar="EVENT_ID")
    star = noter.add_mutually_exclusive_group()
    star.add_argument("--star", action="store_true", help="star the event")
    star.add_argument("--unstar", action="store_true", help="take the star off")
    noter.add_argument("--text", metavar="TEXT", help="the note (an empty TEXT removes it)")
    noter.add_argument("--tag", action="append", metavar="TAG", help="an analyst's tag (repeat; replaces the tags)")
    noter.add_argument("--clear-tags", action="store_true", help="remove the analyst's tags")
    noter.set_defaults(handler=_run_note)

    lister = commands.add_parser("views", help="list the views saved in the workspace beside DB, with their counts")
    lister.add_argument("database", metavar="DB")
    lister.set_defaults(handler=_run_views)
    return parser


# ----------------------------------------------------------------------------- commands


class TerminalProgress:
    """Progress on one terminal line ("Importing events.json: 120,000 events… 31%"), redrawn at most
    five times a second; :meth:`clear` leaves the line empty for what is printed next."""

    def __init__(self, stream, interval_s: float = 0.2) -> None:
        self._stream = stream
        self._interval_s = interval_s
        self._shown_at = 0.0
        self._width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._shown_at < self._interval_s:
            return
        self._shown_at = now
        text = f"{stage}… {100 * done // total}%" if total > 0 else f"{stage}…"
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0


def _import_options(options: argparse.Namespace) -> ImportOptions:
    """The import's options from ``--from``, ``--map``, ``--mapping``, ``--sheet`` and ``--dayfirst``."""
    from viewer.store.column_mapping import parse_map_option, with_mapping_file

    given = ImportOptions(
        fmt=options.fmt, mapping=tuple(parse_map_option(text) for text in options.map), sheet=options.sheet,
        dayfirst=options.dayfirst,
    )
    return with_mapping_file(given, options.mapping) if options.mapping else given


def _run_import(options: argparse.Namespace) -> int:
    from viewer.store.importer import import_files

    progress = TerminalProgress(sys.stderr) if not options.quiet and sys.stderr.isatty() else None
    try:
        report = import_files(options.sources, options.db, progress, options=_import_options(options))
    finally:
        if progress is not None:
            progress.clear()
    if not options.quiet:
        verb = "created" if report.created else "updated"
        print(
            f"{report.database}: {verb}: {report.events:,} events, {report.bodies:,} bodies, "
            f"{report.links:,} links imported"
        )
        for notice in report.notices:
            print(f"note: {notice}", file=sys.stderr)
        print(report.summary_line)
    return EXIT_OK


def _run_export(options: argparse.Namespace) -> int:
    from viewer.export.formats import ExportRequest, export_to_file, write_export
    from viewer.store.reader import EventStore

    if not MIN_WIDTH <= options.width <= MAX_WIDTH:
        raise UsageError(f"--width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels")
    _check_options_fit_format(options)
    if options.view is not None:
        event_filter, with_linked = _view_filter(options)
    else:
        event_filter = EventFilter.build(
            search=options.search,
            bodies=options.body,
            kinds=options.kind,
            tags=options.tag,
            since=options.since,
            until=options.until,
            ids=_annotated_ids(options),
            min_reliability=options.min_reliability,
            min_credibility=options.min_credibility,
            link_confidence=options.link_confidence,
        )
        with_linked = options.with_linked
    request = ExportRequest(
        fmt=options.format,
        event_filter=event_filter,
        with_linked=with_linked,
        width=options.width,
        group_by=options.group_by,
        excel=options.excel,
        size=options.size,
        title=options.title,
    )
    if options.output is None or options.output == "-":
        _check_stdout_is_not(Path(options.database))
        with EventStore(options.database) as store:
            _export_to_stdout(store, request, write_export)
    else:
        export_to_file(Path(options.database), request, Path(options.output), overwrite=options.force)
    return EXIT_OK


_FILTER_OPTIONS = ("search", "body", "kind", "tag", "since", "until", "ids", "with_linked", "starred", "has_note",
                   "min_reliability", "min_credibility", "link_confidence")


def _view_filter(options: argparse.Namespace) -> tuple[EventFilter, bool]:
    """The filter of the saved view ``--view`` names (and whether it adds the selection's linked events)."""
    from viewer.store.workspace import load_workspace, workspace_path

    given = [name for name in _FILTER_OPTIONS if getattr(options, name)]
    if given:
        option = "--id" if given[0] == "ids" else "--" + given[0].replace("_", "-")
        raise UsageError(f"--view takes the view's own filter: leave out {option}")
    workspace = load_workspace(Path(options.database))
    view = workspace.views.get(options.view.strip())
    if view is None:
        known = ", ".join(repr(name) for name in list(workspace.views)[:10]) or "none"
        raise UsageError(f"no view {options.view!r} in the workspace {workspace_path(Path(options.database)).name} "
                         f"(views: {known})")
    if view.linked_only and view.selection:  # the window shows the selection and the events linked to it
        return EventFilter(ids=frozenset(view.selection), link_confidence=view.event_filter.link_confidence), True
    return view.event_filter, False


def _run_views(options: argparse.Namespace) -> int:
    from viewer.store.reader import EventStore
    from viewer.store.workspace import load_workspace

    database = Path(options.database)
    workspace = load_workspace(database)
    with EventStore(database) as store:
        for name, view in workspace.views.items():
            count = store.count(view.event_filter)
            print(_printable(f"{name}: {count:,} event{'' if count == 1 else 's'} ({view.event_filter.describe()})"))
    return EXIT_OK


def _annotated_ids(options: argparse.Namespace) -> list[str]:
    """``--id``s, kept to (or made of) the starred events or those with a note, when asked."""
    if not (options.starred or options.has_note):
        return options.ids
    from viewer.store.workspace import load_workspace, workspace_path

    workspace = load_workspace(Path(options.database))
    asked = EventFilter.build(ids=options.ids, starred=options.starred, noted=options.has_note)
    chosen = annotated_ids(asked, workspace.starred(), workspace.with_notes())
    if not chosen:
        raise UsageError(f"no event {'is starred' if options.starred else 'has a note'}"
                         f"{' among those chosen' if options.ids else ''} in the workspace "
                         f"{workspace_path(Path(options.database)).name}")
    return sorted(chosen)


def _check_options_fit_format(options: argparse.Namespace) -> None:
    """Refuse an option the chosen format has no use for, rather than ignore it."""
    fmt = options.format
    for given, formats, option in (
        (options.excel, CSV_FORMATS, "--excel"),
        (options.size, PICTURE_FORMATS, "--size"),
        (options.title, (*PICTURE_FORMATS, *BRIEF_FORMATS), "--title"),
    ):
        if given and fmt not in formats:
            raise UsageError(f"{option} applies to {', '.join(formats)}, not to {fmt}")


def _check_stdout_is_not(database: Path) -> None:
    """Refuse a closed standard output, and one that is the database itself (``>> DB``)."""
    import os

    stream = sys.stdout
    if stream is None or stream.closed:
        raise UsageError("standard output is closed: write to a file with -o FILE")
    try:
        out = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to compare
        return
    try:
        db = database.stat()
    except OSError:
        return
    if (out.st_dev, out.st_ino) == (db.st_dev, db.st_ino):
        raise UsageError(f"standard output is the database {database} itself: write to another file")


def _export_to_stdout(store, request, write_export) -> None:
    from viewer.export.formats import FORMATS

    try:
        raw = getattr(sys.stdout, "buffer", None)
        if raw is not None:
            sys.stdout.flush()
            write_export(store, request, raw)
            raw.flush()
            return
        if FORMATS[request.fmt].binary:  # stdout replaced by a text-only stream
            raise UsageError(f"{request.fmt} is binary: write it to a file with -o FILE")
        import io

        data = io.BytesIO()
        write_export(store, request, data)
        sys.stdout.write(data.getvalue().decode("utf-8"))
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        _discard_pending_stdout()
        if error.errno == errno.ENOSPC:
            raise DiskFullError("cannot write to standard output: no space left on device") from None
        raise UsageError(f"cannot write to standard output ({error.strerror or error})") from None


def _run_check(options: argparse.Namespace) -> int:
    from viewer.store.errors import CorruptDatabaseError, display_path
    from viewer.store.health import check_health
    from viewer.store.reader import EventStore

    with EventStore(options.database) as store:
        report = check_health(store)
        version = store.schema_version
    if report.damage:
        raise CorruptDatabaseError(options.database, f"the database file is damaged ({report.damage})")
    summary = report.summary
    lines = [
        f"{display_path(options.database)}: a Defence Timeline database",
        f"  name:   {summary.name or '(none)'}",
        f"  events: {summary.events:,}" + ("  (the file holds no events)" if not summary.events else ""),
        f"  bodies: {summary.bodies:,}",
        f"  links:  {summary.links:,}",
    ]
    if summary.first_date:
        lines.append(f"  dates:  {summary.first_date} to {summary.last_date}")
    lines.append(f"  schema: version {version}, verified")
    lines.append("  search: " + ("out of step with the events" if report.search_index else "in step with the events"))
    lines.append(f"  time index: {report.time_index}")
    lines.append(f"  unreadable records: {report.unreadable.total:,}")
    print("\n".join(_printable(line) for line in lines))
    if report.problems:
        _fail(f"{display_path(options.database)}: " + "; ".join(report.problems))
        return EXIT_BAD_INPUT
    return EXIT_OK


def _run_note(options: argparse.Namespace) -> int:
    from viewer.store.reader import EventStore
    from viewer.store.workspace import load_workspace, save_workspace

    database = Path(options.database)
    with EventStore(database) as store:  # read-only: the database is never written
        if store.event(options.event_id) is None:
            raise UsageError(f"{database.name} has no event {options.event_id!r}")
    workspace = load_workspace(database)
    changing = options.star or options.unstar or options.text is not None or options.tag or options.clear_tags
    if changing:
        try:
            annotation = workspace.annotate(
                options.event_id,
                starred=True if options.star else False if options.unstar else None,
                note=options.text,
                tags=[] if options.clear_tags else options.tag,
            )
        except ValueError as error:
            raise UsageError(f"event {options.event_id!r}: {error}") from None
        save_workspace(workspace, database)
    else:
        annotation = workspace.annotation(options.event_id)
    parts = ["starred" if annotation.starred else "not starred"]
    if annotation.tags:
        parts.append("tags: " + ", ".join(annotation.tags))
    if annotation.note:
        parts.append("note: " + " ".join(annotation.note.split()))
    print(_printable(f"{options.event_id}: " + "; ".join(parts)))
    return EXIT_OK


# ----------------------------------------------------------------------------- output helpers


def _printable(line: str) -> str:
    """A line of data text with control characters (terminal escapes) replaced."""
    return "".join(char if char.isprintable() else "?" for char in line)


def _discard_pending_stdout() -> None:
    # Output that could not be written must not be retried at exit (a second error message).
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message: str) -> None:
    # One line of printable text, whatever the message held (no terminal escapes from data).
    text = " ".join(message.split())
    text = "".join(char if char.isprintable() else "?" for char in text)
    try:
        print(f"{PROG}: {text}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def _silence_broken_stdout() -> None:
    # Reading through `| head`: stop quietly (Python's recommended handling of SIGPIPE).
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())

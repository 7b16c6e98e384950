"""Data in and out of the window: importing files, exporting and copying the selection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEventLoop, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStatusBar, QWidget

from viewer.export.atomic import atomic_binary_file
from viewer.export.catalogue import DEFAULT_WIDTH, PAGED_BRIEF_FORMATS, PICTURE_FORMATS
from viewer.export.formats import (
    ExportRequest,
    brief_of,
    brief_picture,
    check_paged_brief,
    export_to_file,
    marked_of,
    picture_caption_of,
    selected_filter,
    write_picture,
)
from viewer.formatting import count_text
from viewer.state.view_state import ViewState
from viewer.store.errors import DefenceTimelineError, OperationCancelledError
from viewer.store.filters import EventFilter
from viewer.store.import_options import ImportOptions
from viewer.store.interchange import IMPORT_SUFFIXES
from viewer.ui.clipboard import COPY_LIMIT, TSV_MIME, copied_events
from viewer.ui.export_dialog import ExportDialog
from viewer.ui.exported_file import ExportedFileActions
from viewer.ui.import_dialog import DATABASE_FILTER, FOLDER_KEY, SOURCE_FILTER, ImportDialog
from viewer.ui.jobs import Jobs
from viewer.ui.settings import Settings
from viewer.ui.tasks import Cancelled, CancelToken

SOURCE_SUFFIXES = IMPORT_SUFFIXES
__all__ = ["DATABASE_FILTER", "SOURCE_FILTER", "SOURCE_SUFFIXES", "Transfers", "file_stem"]


class Transfers(QObject):
    """Import, export and copy, each in the background where it reads or writes a file."""

    exported = Signal(str)  # path of a file just written
    imported = Signal(str)  # path of the database just written (to open it)

    def __init__(self, window: QWidget, state: ViewState, jobs: Jobs, settings: Settings, bar: QStatusBar,
                 show_error: Callable[[str, str], None]) -> None:
        super().__init__(window)
        self._window, self._state, self._jobs, self._settings = window, state, jobs, settings
        self._bar, self._show_error = bar, show_error
        self.export_dialog: ExportDialog | None = None
        self.exported_file = ExportedFileActions(bar)
        self.print_preview: QWidget | None = None  # the print preview last opened
        self.import_dialog: ImportDialog | None = None

    # ------------------------------------------------------------------ import

    def ask_import(self, sources: list[Path] | None = None) -> None:
        """The import dialog, on ``sources`` when given (a drop); the import runs when it is accepted."""
        dialog = ImportDialog(self._window, self._settings, sources or [])
        dialog.accepted.connect(
            lambda: self.import_files(dialog.sources(), dialog.target(), fmt=dialog.fmt(), options=dialog.options())
        )
        dialog.open()
        self.import_dialog = dialog

    def import_files(
        self, sources: list[Path], target: Path, *, fmt: str | None = None, options: ImportOptions | None = None
    ) -> None:
        """Import in the background (all or nothing); :attr:`imported` then names the database.

        ``fmt`` and ``options`` are those of :func:`viewer.store.importer.import_files`.
        """
        from viewer.store.importer import import_files
        from viewer.store.interrupts import QueryGuard

        def done(report) -> None:
            verb = "Created" if report.created else "Updated"
            message = f"{verb} {target.name}: {count_text(report.events, 'event')} imported"
            if report.notices:  # e.g. a recurrence cut short: said where the user looks
                message += f". Note: {report.notices[0]}" + (f" (and {len(report.notices) - 1} more)"
                                                              if len(report.notices) > 1 else "")
            message += f" — {report.summary_line.removeprefix('DB: ')}"  # "DB" is the CLI's word for the file
            self._bar.showMessage(message, 15000 if report.notices else 8000)
            self.imported.emit(str(target))

        def failed(error: BaseException) -> None:
            if isinstance(error, (Cancelled, OperationCancelledError)):
                self._bar.showMessage("Import cancelled: nothing was written", 6000)
            elif isinstance(error, (DefenceTimelineError, OSError)):
                self._show_error("The import was refused; nothing was written", str(error))
            else:
                self._show_error("The import failed; nothing was written", f"Unexpected error: {error}")

        guard, token = QueryGuard(), CancelToken()
        token.on_cancel(guard.cancel)  # Cancel stops even the index build, in the middle of its query
        self._jobs.start(lambda report: import_files(sources, target, report, guard, fmt, options), done, failed,
                         "Importing…", token=token)

    # ------------------------------------------------------------------ export

    def ask_export(self) -> None:
        """The export dialog for the selection."""
        dataset, count = self._state.dataset, self._state.selected_count()
        if not count or dataset is None:
            return
        selection = self._chosen_filter()

        def count_with_linked() -> int:
            return dataset.store.count(selected_filter(dataset.store, selection, True))

        dialog = ExportDialog(self._window, self._settings, count, count_with_linked, self._proposed_name())
        dialog.accepted.connect(lambda: self.export_selected(dialog.target(), dialog.fmt, **dialog.options()))
        dialog.open()
        self.export_dialog = dialog

    # ------------------------------------------------------------------ print

    def print_selection(self, what: str) -> None:
        """A print preview of the selection's timeline picture (``what="picture"``) or brief (``"brief"``),
        made as the export makes them (the brief as the PDF brief, with its picture)."""
        import io

        from viewer.ui.printing import paint_picture, preview

        dataset, count = self._state.dataset, self._state.selected_count()
        if not count or dataset is None:
            return
        request = ExportRequest(fmt="svg" if what == "picture" else "pdf-brief", event_filter=self._chosen_filter())
        try:
            check_paged_brief(count)
            with self._busy(f"Preparing the print preview of {count_text(count, 'event')}…"):
                if what == "picture":
                    stream = io.BytesIO()
                    chosen = dataset.store.event_ids(request.event_filter)
                    caption = picture_caption_of(dataset.store, request.event_filter, request)
                    write_picture(dataset.data, chosen, request, stream, dataset.name, caption,
                                  marked_of(dataset.store))
                    svg = stream.getvalue()
                else:
                    picture = brief_picture(dataset.store, request.event_filter, request, dataset.data)
                    brief = brief_of(dataset.store, request.event_filter, request)
        except (DefenceTimelineError, OSError) as error:
            self._show_error("The selection cannot be printed", str(error))
            return
        title = self._proposed_name()
        if what == "picture":
            self.print_preview = preview(self._window, title, lambda printer: paint_picture(printer, svg),
                                         landscape=True)
        else:
            from viewer.export.pdf_brief import paint_brief_pages

            self.print_preview = preview(self._window, title,
                                         lambda printer: paint_brief_pages(brief, printer, picture=picture),
                                         landscape=False)

    def _proposed_name(self) -> str:
        """A file name after what is selected: the one event's title, else the selection's dates
        ("2023-06-15-to-2023-07-12"), else the dataset's name."""
        dataset, positions = self._state.dataset, self._state.selected_positions()
        if dataset is None or not positions.size:
            return "events"
        index = dataset.data.index
        first, last = index.ends_of(positions)
        try:
            first_event, last_event = dataset.store.event(index.ids[first]), dataset.store.event(index.ids[last])
        except DefenceTimelineError:
            return file_stem(dataset.name)
        if first_event is None or last_event is None:
            return file_stem(dataset.name)
        if positions.size == 1:
            return file_stem(first_event.title)
        start, end = first_event.start.iso()[:10], (last_event.end or last_event.start).iso()[:10]
        return start if start == end else f"{start}-to-{end}"

    def export_selected(
        self, path: Path, fmt: str, *, with_linked: bool = False, width: int = DEFAULT_WIDTH, excel: bool = False,
        size: str | None = None, title: str | None = None,
    ) -> None:
        """Write the selected events in the background, replacing ``path`` atomically (the options: see
        ExportRequest). The selection is described as the command line would describe it, so that the
        window and ``defence-timeline export`` write the same file for the same events."""
        dataset, count = self._state.dataset, self._state.selected_count()
        if not count or dataset is None:
            return
        request = ExportRequest(fmt=fmt, event_filter=self._chosen_filter(), with_linked=with_linked, width=width,
                                excel=excel, size=size, title=title or None)
        picture = None
        if fmt in PICTURE_FORMATS or fmt in PAGED_BRIEF_FORMATS:
            # Pictures are painted with Qt widgets, which live on the UI thread; they are drawn
            # from the data the window already holds rather than reading the file again.
            try:
                with self._busy(f"Drawing the picture of {count_text(count, 'event')}…"):
                    selection = selected_filter(dataset.store, request.event_filter, with_linked)
                    picture = self._draw_for_export(fmt, path, request, selection)
            except (DefenceTimelineError, OSError) as error:
                self._show_error("The export failed", str(error))
                return
            if fmt in PICTURE_FORMATS:
                self._done_exporting(path, count)
                return

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self._bar.showMessage("Export cancelled: no file was written", 6000)
            else:
                self._show_error("The export failed; no file was written", str(error))

        database = dataset.path
        self._jobs.start(
            lambda report: export_to_file(database, request, path, overwrite=True, progress=report, picture=picture),
            lambda count: self._done_exporting(path, count),
            failed,
            f"Exporting {count_text(count, 'event')}…",
        )

    def _draw_for_export(self, fmt: str, path: Path, request: ExportRequest, selection: EventFilter) -> bytes | None:
        """Draw a picture export to ``path``; or return a Word or PDF brief's picture, for the worker to write."""
        dataset = self._state.dataset
        assert dataset is not None
        if fmt in PAGED_BRIEF_FORMATS:
            check_paged_brief(dataset.store.count(selection))
            return brief_picture(dataset.store, selection, request, dataset.data)
        caption = picture_caption_of(dataset.store, selection, request)
        chosen = dataset.store.event_ids(selection)
        with atomic_binary_file(path, overwrite=True, protected=[dataset.path]) as stream:
            write_picture(dataset.data, chosen, request, stream, dataset.name, caption, marked_of(dataset.store))
        return None

    @contextmanager
    def _busy(self, message: str) -> Iterator[None]:
        """Say what the window is doing while the UI thread draws (Qt widgets paint only there)."""
        self._bar.showMessage(message)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)  # the message shows
        try:
            yield
        finally:
            QGuiApplication.restoreOverrideCursor()
            self._bar.clearMessage()

    def _chosen_filter(self) -> EventFilter:
        """The selected events as a filter: when everything shown is selected, the window's own
        filter names them (a million ids would hold the UI thread); else their ids."""
        if self._state.selection_is_all_shown():
            return self._state.event_filter
        return EventFilter(ids=frozenset(self._state.selected_ids()))

    def _done_exporting(self, path: Path, count: int) -> None:
        self._bar.showMessage(f"Exported {count_text(count, 'event')} to {path.name}", 8000)
        self.exported_file.offer(path)
        self.exported.emit(str(path))

    # ------------------------------------------------------------------ copy

    def copy_selection(self) -> None:
        """Copy the selected events as an HTML table, a chronology and TSV together (see :mod:`viewer.ui.clipboard`)."""
        dataset, ids = self._state.dataset, self._state.selected_ids()[:COPY_LIMIT]
        if dataset is None or not ids:
            return
        try:
            copied = copied_events(dataset.store.iter_events(EventFilter(ids=frozenset(ids))), dataset.bodies)
        except DefenceTimelineError as error:
            self._show_error("The selection cannot be copied", str(error))
            return
        data = QMimeData()
        data.setText(copied.plain)
        data.setHtml(copied.html)
        data.setData(TSV_MIME, QByteArray(copied.tsv.encode("utf-8")))
        QGuiApplication.clipboard().setMimeData(data)
        self._bar.showMessage(f"Copied {count_text(len(ids), 'event')}", 4000)

    # ------------------------------------------------------------------ folders

    def last_folder(self) -> str:
        """Where the last file was chosen from."""
        return self._settings.text(FOLDER_KEY, str(Path.home()))

    def remember_folder(self, path: Path) -> None:
        """Start the next file dialog where ``path`` is."""
        self._settings.set(FOLDER_KEY, str(path.parent))


def file_stem(name: str) -> str:
    """A file name made from a dataset's name."""
    stem = "".join(ch if ch.isalnum() or ch in "-_ " else " " for ch in name).strip()
    return "-".join(stem.split())[:60] or "events"

"""Opening a file in the background, and reading it again when another program changes it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from viewer.state.view_state import ViewState
from viewer.store.errors import DefenceTimelineError, StoreOpenError
from viewer.store.masks import search_only
from viewer.store.reader import EventStore
from viewer.ui.dataset import Dataset
from viewer.ui.file_watch import DatabaseWatcher
from viewer.ui.jobs import Jobs
from viewer.ui.tasks import Cancelled, CancelToken, Task


class FileLoader(QObject):
    """Reads databases off the UI thread; the current file stays shown until the new one is ready."""

    opened = Signal(object)  # a Dataset, read whole
    open_failed = Signal(str)  # what to tell the user (it names the file)
    open_cancelled = Signal()
    progress = Signal(str, int, int)  # stage, done, total of the file being opened
    reloaded = Signal(object, object)  # the open file read again: Dataset, seqs matching the filter's search
    reload_failed = Signal(str)
    vanished = Signal()  # the open file was deleted or moved

    def __init__(self, jobs: Jobs, state: ViewState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs, self._state = jobs, state
        self._loading: Task | None = None
        self._reloading: Task | None = None
        self._reload_again = False
        self._watcher = DatabaseWatcher(self)
        self._watcher.changed.connect(self.reload)
        self._watcher.vanished.connect(self.vanished)

    @property
    def loading(self) -> bool:
        """True while a file is being opened."""
        return self._loading is not None

    def open(self, path: Path) -> None:
        """Open ``path`` (a previous open still running is cancelled)."""
        if self._loading is not None:
            self._loading.cancel()
        token = CancelToken()

        def work(report):
            return Dataset.load(path, report, on_store=lambda store: token.on_cancel(lambda: interrupt(store)))

        task = self._jobs.start(
            work,
            lambda dataset: self._opened(task, dataset),
            lambda error: self._open_went_wrong(task, path, error),
            f"Opening {path.name}…",
            token=token,
            discard=Dataset.close,
            on_progress=lambda stage, done, total: self._loading is task and self.progress.emit(stage, done, total),
        )
        self._loading = task
        self.progress.emit(f"Opening {path.name}", 0, 0)

    def _opened(self, task: Task, dataset: Dataset) -> None:
        if task is not self._loading or task.token.cancelled:
            dataset.close()
            return
        self._loading = None
        self._watcher.watch(dataset.path)
        self.opened.emit(dataset)

    def _open_went_wrong(self, task: Task, path: Path, error: BaseException) -> None:
        if task is not self._loading:
            return
        self._loading = None
        if isinstance(error, Cancelled):
            self.open_cancelled.emit()
        elif isinstance(error, StoreOpenError) or (isinstance(error, OSError) and str(path) in str(error)):
            self.open_failed.emit(str(error))  # it names the file already
        elif isinstance(error, (DefenceTimelineError, OSError)):
            self.open_failed.emit(f"{path}: {error}")
        else:
            self.open_failed.emit(f"{path}: unexpected error: {error}")

    def reload(self) -> None:
        """Read the open file again (after another program wrote to it)."""
        dataset = self._state.dataset
        if dataset is None or self._loading is not None:
            return
        if self._reloading is not None:
            self._reload_again = True
            return
        path, event_filter = dataset.path, self._state.event_filter
        token = CancelToken()

        def work(report):
            fresh = Dataset.load(path, report, on_store=lambda store: token.on_cancel(lambda: interrupt(store)))
            try:
                seqs = fresh.store.event_seqs(search_only(event_filter)) if event_filter.fts_query() else None
            except BaseException:
                fresh.close()
                raise
            return fresh, seqs

        task = self._jobs.start(
            work,
            lambda result: self._reloaded(task, event_filter, *result),
            lambda error: self._reload_went_wrong(task, error),
            token=token,
            discard=lambda result: result[0].close(),
        )
        self._reloading = task

    def _reloaded(self, task: Task, searched, dataset: Dataset, seqs) -> None:
        current = self._state.dataset
        if task is not self._reloading or current is None or dataset.path != current.path:
            dataset.close()
            return
        self._reloading = None
        if searched.fts_query() != self._state.event_filter.fts_query():
            dataset.close()  # the search changed while the file was read: read it for the new one
            self._reload_again = True
        else:
            self._watcher.accept_current_state()
            self.reloaded.emit(dataset, seqs)
        self._again()

    def _reload_went_wrong(self, task: Task, error: BaseException) -> None:
        if task is not self._reloading:
            return
        self._reloading = None
        self.reload_failed.emit(str(error))
        self._again()

    def _again(self) -> None:
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def stop(self) -> None:
        """Drop whatever is being read (closing the window)."""
        self._loading = self._reloading = None
        self._watcher.stop()


def interrupt(store: EventStore) -> None:
    """Stop the store's running query (from any thread), however this version of it allows."""
    cancel = getattr(store, "cancel", None)
    if cancel is not None:
        cancel()
    else:
        store.connection.interrupt()

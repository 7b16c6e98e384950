"""Running slow work (opening, searching, importing) off the UI thread, with cancellation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class Cancelled(Exception):
    """Raised inside a task whose user pressed Cancel."""


class CancelToken:
    """Checked by long work; ``cancel()`` from the UI makes the next check raise."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._hooks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        """Ask the work to stop (and run what :meth:`on_cancel` was given, once)."""
        with self._lock:
            self._event.set()
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            try:
                hook()
            except Exception:  # stopping is best effort; the next check raises anyway
                pass

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` when the work is cancelled (at once if it is already), from any
        thread: e.g. to interrupt a database query the work is waiting on."""
        with self._lock:
            if not self._event.is_set():
                self._hooks.append(hook)
                return
        hook()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancel() was called."""
        if self._event.is_set():
            raise Cancelled


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(str, int, int)


class _Task(QRunnable):
    def __init__(
        self,
        work: Callable[..., Any],
        signals: _Signals,
        token: CancelToken,
        discard: Callable[[Any], None] | None,
    ) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self._token = token
        self._discard = discard
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        def report(stage: str, done: int, total: int) -> None:
            self._token.check()
            _emit(self._signals.progress, stage, done, total)

        try:
            result = self._work(report)
        except BaseException as error:  # delivered to the UI thread, shown there
            _emit(self._signals.failed, error)
            return
        if self._token.cancelled and self._discard is not None:
            self._discard(result)  # e.g. close a file opened for nothing, in this thread
            return
        _emit(self._signals.finished, result)


def _emit(signal: Any, *args: object) -> None:
    """Emit, unless the receiving side is gone (a window closed while the work ran)."""
    try:
        signal.emit(*args)
    except RuntimeError:  # "Signal source has been deleted"
        pass


class Task:
    """A handle on background work: its signals arrive on the UI thread."""

    def __init__(self, signals: _Signals, token: CancelToken) -> None:
        self.signals = signals
        self.token = token
        self.shows_progress = False  # set by the caller when the status bar reports it

    def cancel(self) -> None:
        """Ask the work to stop; its result (if any) should then be ignored."""
        self.token.cancel()


def run_in_background(
    work: Callable[[Callable[[str, int, int], None]], Any],
    on_finished: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    on_progress: Callable[[str, int, int], None] | None = None,
    parent: QObject | None = None,
    *,
    token: CancelToken | None = None,
    discard: Callable[[Any], None] | None = None,
) -> Task:
    """Run ``work(report)`` on the thread pool; ``report(stage, done, total)`` raises
    :class:`Cancelled` after :meth:`Task.cancel`. Callbacks run on the UI thread.

    A result that arrives after :meth:`Task.cancel` is given to ``discard`` (in the worker
    thread) instead of ``on_finished``, when there is one. Nothing is delivered once
    ``parent`` is gone (a window closed while the work ran).
    """
    signals = _Signals(parent)
    token = token or CancelToken()
    signals.finished.connect(on_finished)
    signals.failed.connect(on_failed)
    if on_progress is not None:
        signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(_Task(work, signals, token, discard))
    return Task(signals, token)


def wait_for_background_work(msecs: int) -> bool:
    """Wait up to ``msecs`` for every task to end; True when none is left."""
    return QThreadPool.globalInstance().waitForDone(msecs)

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

    def cancel(self) -> None:
        """Ask the work to stop."""
        self._event.set()

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
    def __init__(self, work: Callable[..., Any], signals: _Signals, token: CancelToken) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self._token = token
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        def report(stage: str, done: int, total: int) -> None:
            self._token.check()
            self._signals.progress.emit(stage, done, total)

        try:
            result = self._work(report)
        except BaseException as error:  # delivered to the UI thread, shown there
            self._signals.failed.emit(error)
        else:
            self._signals.finished.emit(result)


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
) -> Task:
    """Run ``work(report)`` on the thread pool; ``report(stage, done, total)`` raises
    :class:`Cancelled` after :meth:`Task.cancel`. Callbacks run on the UI thread."""
    signals = _Signals(parent)
    token = CancelToken()
    signals.finished.connect(on_finished)
    signals.failed.connect(on_failed)
    if on_progress is not None:
        signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(_Task(work, signals, token))
    return Task(signals, token)

"""Stopping long database work at once: a per-connection guard and the process's stop request.

SQLite runs a query in C, where Python cannot stop it; a progress handler called every few
thousand virtual-machine steps can. :class:`QueryGuard` is that handler: it interrupts the
running query when its owner cancels (the window's Cancel button, closing the window) or when
the process was asked to stop (Ctrl+C, SIGTERM: see :func:`request_stop`).
"""

from __future__ import annotations

import sqlite3
import threading

PROGRESS_STEPS = 20_000  # SQLite virtual-machine steps between checks (well under a millisecond)

_stop_signal: int | None = None


def request_stop(signal_number: int) -> None:
    """Ask every running query of this process to stop (called from a signal handler)."""
    global _stop_signal
    _stop_signal = signal_number


def stop_requested() -> int | None:
    """The signal that asked the process to stop, or None."""
    return _stop_signal


def clear_stop_request() -> None:
    """Forget an earlier stop request (tests; a new command in the same process)."""
    global _stop_signal
    _stop_signal = None


class QueryGuard:
    """Interrupts a connection's queries on :meth:`cancel` or on a process stop request."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def install(self, connection: sqlite3.Connection) -> None:
        """Check for cancellation while ``connection`` runs a query."""
        connection.set_progress_handler(self._should_stop, PROGRESS_STEPS)

    def cancel(self) -> None:
        """Stop the running query (from any thread) and every later one."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """True once cancelled or once the process was asked to stop."""
        return self._cancelled.is_set() or _stop_signal is not None

    def _should_stop(self) -> int:
        return 1 if self.cancelled else 0

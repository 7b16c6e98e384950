"""The window's background work, with one progress bar and one Cancel button for all of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressBar, QToolButton, QWidget

from viewer.ui.tasks import CancelToken, Task, run_in_background

Work = Callable[[Callable[[str, int, int], None]], Any]
_TEXT_MARGIN_PX = 12  # what the style keeps free either side of a progress bar's text


class Jobs(QObject):
    """Starts work off the UI thread; shows progress for the work that has a message."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._tasks: dict[Task, bool] = {}  # task -> shows progress
        self.progress = QProgressBar(parent)
        self.progress.setObjectName("progressBar")
        self.progress.setAccessibleName("Progress")
        self.progress.setMinimumWidth(240)
        self.progress.setMaximumWidth(380)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton(parent)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setAccessibleName("Cancel the work in progress")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_all)

    def start(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        message: str | None = None,
        *,
        token: CancelToken | None = None,
        discard: Callable[[Any], None] | None = None,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> Task:
        """Run ``work(report)`` in the background; with a ``message`` its progress is shown.

        ``token`` lets the caller hook into cancelling (:meth:`CancelToken.on_cancel`);
        ``discard`` receives a result that arrives after cancelling (in the worker thread);
        ``on_progress`` also receives this task's reports (on the UI thread).
        """

        def done(result: Any) -> None:
            self._finish(task)
            if task.token.cancelled and discard is not None:
                discard(result)
                return
            on_done(result)

        def failed(error: BaseException) -> None:
            self._finish(task)
            on_failed(error)

        def progressed(stage: str, done_count: int, total: int) -> None:
            self._on_progress(stage, done_count, total)
            if on_progress is not None:
                on_progress(stage, done_count, total)

        task = run_in_background(
            work, done, failed, progressed if message else None, self, token=token, discard=discard
        )
        self._tasks[task] = message is not None
        if message:
            self.progress.setRange(0, 0)  # busy until the first report
            self.progress.setFormat(message)
            self.progress.show()
            self.cancel_button.show()
        return task

    def cancel_all(self) -> None:
        """Ask every running task to stop."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
        self._update()

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        """Show ``stage`` (shortened in the middle to the bar's width, whole in its tooltip) and how far."""
        metrics = self.progress.fontMetrics()
        percent = " 100%" if total else ""
        room = self.progress.maximumWidth() - 2 * _TEXT_MARGIN_PX - metrics.horizontalAdvance(percent)
        # Qt replaces %p, %v and %m anywhere in the format and has no escape: an invisible word
        # joiner after each % of the stage (a file name may hold one) keeps it as written.
        shown = metrics.elidedText(f"{stage}…", Qt.TextElideMode.ElideMiddle, room).replace("%", "%\u2060")
        self.progress.setFormat(f"{shown} %p%" if total else shown)
        self.progress.setToolTip(stage)
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)

    def _finish(self, task: Task) -> None:
        self._tasks.pop(task, None)
        self._update()

    def _update(self) -> None:
        visible = any(self._tasks.values())
        self.progress.setVisible(visible)
        self.cancel_button.setVisible(visible)

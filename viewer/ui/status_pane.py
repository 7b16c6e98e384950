"""The status bar's labels: how many events are shown, the time on screen, the file and its state."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from viewer.formatting import format_duration
from viewer.state.view_state import Change, ViewState


def _label(parent: QWidget, name: str, accessible: str, style: str = "") -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if style:
        label.setStyleSheet(style)
    return label


class StatusPane(QObject):
    """Fills a status bar from a :class:`ViewState` (and says what the file's watcher finds)."""

    def __init__(self, bar: QStatusBar, busy: list[QWidget]) -> None:
        super().__init__(bar)
        bar.setObjectName("statusBar")
        self.bar = bar
        self.count_label = _label(bar, "countLabel", "Events shown")
        self.file_label = _label(bar, "fileLabel", "Open file")
        self.zoom_label = _label(bar, "zoomLabel", "Time shown")
        self.file_state = _label(bar, "fileState", "File state", "color: #b03a2e; font-weight: bold")
        self.file_state.hide()
        self.unreadable_notice = _label(bar, "unreadableNotice", "Records that could not be read", "color: #9a5b00")
        self.unreadable_notice.hide()
        self.index_notice = _label(bar, "indexNotice", "Time index built on opening")
        self.index_notice.hide()
        for widget in (self.count_label, self.unreadable_notice, self.index_notice, self.file_state, *busy):
            bar.addWidget(widget)
        bar.addPermanentWidget(self.zoom_label)
        bar.addPermanentWidget(self.file_label)
        self._state: ViewState | None = None

    def bind(self, state: ViewState) -> None:
        """Show what ``state`` shows."""
        self._state = state
        state.changed.connect(self._on_state_changed)

    def _on_state_changed(self, changes: Change) -> None:
        state = self._state
        if changes & Change.DATASET:
            path = getattr(state.dataset, "path", None)
            self.file_label.setText(str(path) if path else "")
            self.file_label.setToolTip(str(path) if path else "")
            self.file_state.hide()
            self._show_unreadable(getattr(state.dataset, "unreadable", ""))
            self._show_index_note(getattr(state.dataset, "index_note", ""))
        if changes & (Change.DATASET | Change.MASK):
            self.count_label.setText(f"Showing {state.visible_count():,} of {state.total_count():,} events")
        if changes & Change.VIEW and state.view is not None:
            first, end = state.view
            self.zoom_label.setText(f"{format_duration(end - first)} shown")
        if changes & Change.SEARCHING:
            if state.searching:
                self.bar.showMessage("Searching…")
            elif self.bar.currentMessage() == "Searching…":
                self.bar.clearMessage()

    def _show_unreadable(self, text: str) -> None:
        """Say (for as long as the file is shown) what could not be read."""
        self.unreadable_notice.setText(text)
        self.unreadable_notice.setToolTip(
            f"{text}. These records were skipped; everything else is shown." if text else ""
        )
        self.unreadable_notice.setVisible(bool(text))

    def _show_index_note(self, note: str) -> None:
        """Say, briefly, that this file opens slower than it could (the whole sentence on hover)."""
        self.index_notice.setText("Index built on opening" if note else "")
        self.index_notice.setToolTip(note)
        self.index_notice.setAccessibleDescription(note)
        self.index_notice.setVisible(bool(note))

    def show_file_state(self, message: str) -> None:
        """A warning about the open file (deleted, unreadable), kept until the file is read again."""
        self.file_state.setText(message)
        self.file_state.setToolTip(message)
        self.file_state.show()

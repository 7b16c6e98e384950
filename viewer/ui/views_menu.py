"""The Views menu: the views saved in the workspace, each with its live count, to go back to."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from viewer.store.reader import EventStore
from viewer.store.workspace import MAX_VIEW_NAME, SavedView
from viewer.ui.jobs import Jobs
from viewer.ui.workspace_keeper import WorkspaceKeeper

MAX_LISTED_VIEWS = 40  # views listed in the menu (the rest are in "views DB" on the command line)


class ViewsMenu(QMenu):
    """Save the current view; go to a saved one (its count worked out as the menu opens); delete one."""

    def __init__(self, keeper: WorkspaceKeeper, jobs: Jobs, save_action: QAction,
                 go_to: Callable[[SavedView], None], database: Callable[[], object], parent: QWidget) -> None:
        super().__init__("Vie&ws", parent)
        self.setObjectName("viewsMenu")
        self._keeper, self._jobs, self._go_to, self._database = keeper, jobs, go_to, database
        self._save = save_action
        self._generation = 0
        self.view_actions: dict[str, QAction] = {}
        self.aboutToShow.connect(self.refill)
        self.refill()

    def refill(self) -> None:
        """List the saved views; their counts follow from a read of the file in the background."""
        self.clear()
        self.addAction(self._save)
        self.addSeparator()
        views = self._keeper.views()
        self.view_actions = {}
        if not views:
            self.addAction("&No saved views" if self._keeper.usable or not self._keeper.unreadable
                           else "&Views are off: the workspace cannot be read").setEnabled(False)
            return
        for number, view in enumerate(views[:MAX_LISTED_VIEWS], start=1):
            action = self.addAction(_entry_text(number, view.name, None))
            action.setObjectName(f"view:{view.name}")
            action.setToolTip(view.event_filter.describe())
            action.setStatusTip(view.event_filter.describe())
            action.triggered.connect(lambda _checked=False, v=view: self._go_to(v))
            self.view_actions[view.name] = action
        self.addSeparator()
        deleting = self.addMenu("&Delete View")
        for number, view in enumerate(views[:MAX_LISTED_VIEWS], start=1):
            deleting.addAction(_entry_text(number, view.name, counted=False)).triggered.connect(
                lambda _checked=False, v=view: self._ask_delete(v))
        self._count(views[:MAX_LISTED_VIEWS])

    def _count(self, views: list[SavedView]) -> None:
        database = self._database()
        if database is None:
            return
        self._generation += 1
        generation = self._generation

        def work(_report):
            with EventStore(database) as store:
                return {view.name: store.count(view.event_filter) for view in views}

        def done(counts: dict[str, int]) -> None:
            if generation != self._generation:
                return
            for number, (name, count) in enumerate(counts.items(), start=1):
                action = self.view_actions.get(name)
                if action is not None:
                    action.setText(_entry_text(number, name, count))

        self._jobs.start(work, done, lambda _error: None)

    def _ask_delete(self, view: SavedView) -> None:
        answer = QMessageBox.question(self.parentWidget(), "Delete View", f"Delete the saved view “{view.name}”?")
        if answer == QMessageBox.StandardButton.Yes:
            self._keeper.remove_view(view.name)


def _entry_text(number: int, name: str, count: int | None = None, *, counted: bool = True) -> str:
    """ "&1 June meetings  (12 events)": a mnemonic for the first nine, the name's own ``&`` kept as text;
    "(…)" while ``count`` is being read (None), no count at all when not ``counted``."""
    prefix = f"&{number} " if number <= 9 else ""
    shown = name.replace("&", "&&")
    if not counted:
        return prefix + shown
    words = "…" if count is None else f"{count:,} event{'' if count == 1 else 's'}"
    return f"{prefix}{shown}  ({words})"


def ask_view_name(parent: QWidget, suggested: str) -> str | None:
    """The name to save the current view under (None: cancelled)."""
    name, ok = QInputDialog.getText(parent, "Save View", f"Name (up to {MAX_VIEW_NAME} characters):",
                                    text=suggested)
    name = name.strip()
    return name if ok and name else None

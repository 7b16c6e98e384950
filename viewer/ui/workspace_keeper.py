"""The window's hold on the workspace beside the open file: stars, notes, tags and saved views.

The workspace is read with the file (off the UI thread, by :meth:`Dataset.load`); every change
is saved at once, atomically, keeping the previous file as a backup. A workspace that cannot
be read (damaged, or written by a newer version) is left exactly as it is: the window says so
and annotating is off until the file is mended or moved away, so nothing in it is lost.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from viewer.store.errors import DefenceTimelineError
from viewer.store.masks import Marked
from viewer.store.workspace import Annotation, SavedView, Workspace, save_workspace


class WorkspaceKeeper(QObject):
    """The open file's workspace; ``changed`` after every change (and when another file opens)."""

    changed = Signal()
    problem = Signal(str)  # a change could not be saved (the message; the change is undone)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._database = None
        self.unreadable = ""  # why the workspace cannot be used ("" when it can)

    def set_dataset(self, dataset) -> None:
        """Use the workspace read with ``dataset`` (None: no file open)."""
        self._workspace = getattr(dataset, "workspace", None)
        self._database = getattr(dataset, "path", None)
        self.unreadable = getattr(dataset, "workspace_problem", "") if dataset is not None else ""
        self.changed.emit()

    @property
    def usable(self) -> bool:
        """True when annotations can be shown and changed."""
        return self._workspace is not None and self._database is not None

    def annotation(self, event_id: str) -> Annotation:
        """The event's annotation (an empty one when it has none, or no workspace can be used)."""
        return self._workspace.annotation(event_id) if self._workspace is not None else Annotation()

    def annotations(self) -> dict[str, Annotation]:
        """Every annotation, by event id (read it; change it through the methods here)."""
        return self._workspace.annotations if self._workspace is not None else {}

    def marked(self) -> Marked:
        """The starred events and those with a note, for the filters."""
        if self._workspace is None:
            return Marked()
        return Marked(frozenset(self._workspace.starred()), frozenset(self._workspace.with_notes()))

    def views(self) -> list[SavedView]:
        """The saved views, in the order saved."""
        return list(self._workspace.views.values()) if self._workspace is not None else []

    def toggle_star(self, event_ids: Iterable[str]) -> bool | None:
        """Star the events (or, when every one of them is starred, take the stars off); the stars
        they now have, or None when nothing could be changed."""
        ids = list(event_ids)
        if not ids or self._workspace is None:
            return None
        star = not all(self._workspace.annotation(event_id).starred for event_id in ids)
        if self._change(lambda workspace: [workspace.annotate(event_id, starred=star) for event_id in ids]):
            return star
        return None

    def annotate(self, event_id: str, *, starred: bool, note: str, tags: list[str]) -> bool:
        """Set the event's star, note and tags at once; True when saved."""
        return self._change(lambda workspace: workspace.annotate(event_id, starred=starred, note=note, tags=tags))

    def save_view(self, view: SavedView) -> bool:
        """Keep ``view`` under its name (replacing one of that name); True when saved."""
        return self._change(lambda workspace: workspace.save_view(view))

    def remove_view(self, name: str) -> bool:
        """Forget the view ``name``; True when saved."""
        return self._change(lambda workspace: workspace.remove_view(name))

    def _change(self, change) -> bool:
        """Apply ``change`` to a copy, save it, and keep it only when saved (else say why)."""
        if self._workspace is None or self._database is None:
            self.problem.emit(self.unreadable or "No file is open")
            return False
        trial = Workspace(self._workspace.path, dict(self._workspace.annotations), dict(self._workspace.views))
        try:
            change(trial)
            save_workspace(trial, self._database)
        except (ValueError, DefenceTimelineError) as error:
            self.problem.emit(str(error))
            return False
        self._workspace = trial
        self.changed.emit()
        return True

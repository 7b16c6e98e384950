"""Every action of the window, created in one place with its text, shortcut, tip and icon."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QWidget

from viewer.ui.icons import themed_icon

Key = QKeySequence.StandardKey


class ActionId(Enum):
    """Names of the window's actions."""

    OPEN = auto()
    IMPORT = auto()
    EXPORT_SELECTED = auto()
    PRINT_TIMELINE = auto()
    PRINT_BRIEF = auto()
    CLEAR_RECENT = auto()
    QUIT = auto()
    SELECT_ALL_VISIBLE = auto()
    CLEAR_SELECTION = auto()
    ADD_LINKED = auto()
    COPY = auto()
    FIND = auto()
    STAR = auto()
    ANNOTATE = auto()
    SAVE_VIEW = auto()
    ZOOM_IN = auto()
    ZOOM_OUT = auto()
    FIT_ALL = auto()
    GO_TO_DATE = auto()
    LANES_BY_BODY = auto()
    LANES_BY_KIND = auto()
    LANES_NONE = auto()
    SHOW_ALL_LINKS = auto()
    SHOW_LEGEND = auto()
    PREVIOUS_EVENT = auto()
    NEXT_EVENT = auto()
    BACK = auto()
    FORWARD = auto()
    SHORTCUTS = auto()
    DATA_FORMAT = auto()
    ABOUT = auto()


@dataclass(frozen=True)
class _Spec:
    text: str
    shortcuts: tuple[QKeySequence | Key | str, ...] = ()
    tip: str = ""
    checkable: bool = False
    # A Lucide icon name: resources/icons/<icon>.svg, drawn in the palette's text colour.
    icon: str = ""


_SPECS: dict[ActionId, _Spec] = {
    ActionId.OPEN: _Spec("&Open…", (Key.Open,), "Open a Defence Timeline database", icon="folder-open"),
    ActionId.IMPORT: _Spec("&Import…", ("Ctrl+I",),
                           "Import JSON, CSV, Excel, iCalendar, ACLED or GDELT files into a database",
                           icon="file-input"),
    ActionId.PRINT_TIMELINE: _Spec("&Print Timeline…", (Key.Print,), "Print the selected events' timeline picture",
                                   icon="printer"),
    ActionId.PRINT_BRIEF: _Spec("Print &Brief…", ("Ctrl+Shift+P",), "Print the brief of the selected events",
                                icon="printer"),
    ActionId.EXPORT_SELECTED: _Spec("&Export Selected…", ("Ctrl+E",), "Write the selected events to a file",
                                    icon="file-output"),
    ActionId.CLEAR_RECENT: _Spec("Clear Recent Files", icon="eraser"),
    ActionId.QUIT: _Spec("&Quit", (Key.Quit, "Ctrl+Q"), "Quit Defence Timeline", icon="log-out"),
    ActionId.SELECT_ALL_VISIBLE: _Spec("Select &All Visible", (Key.SelectAll,), "Select every event the filter shows",
                                       icon="list-checks"),
    ActionId.CLEAR_SELECTION: _Spec("C&lear Selection", ("Ctrl+Shift+A",), "Select nothing", icon="list-x"),
    ActionId.ADD_LINKED: _Spec("Add &Linked Events", ("Ctrl+L",), "Extend the selection along its links", icon="link"),
    ActionId.COPY: _Spec("&Copy", (Key.Copy,), "Copy the selected events as text", icon="copy"),
    ActionId.FIND: _Spec("&Find", (Key.Find,), "Search the events", icon="search"),
    ActionId.STAR: _Spec("&Star", ("Ctrl+D",),
                         "Star the selected events, or take their stars off (kept beside the file)", icon="star"),
    ActionId.ANNOTATE: _Spec("&Note and Tags…", ("Ctrl+Shift+D",), "Write your note and tags on the selected event",
                             icon="sticky-note"),
    ActionId.SAVE_VIEW: _Spec("&Save View…", ("Ctrl+Shift+S",),
                              "Keep this filter, time, lane mode and selection under a name, to come back to",
                              icon="bookmark"),
    ActionId.ZOOM_IN: _Spec("Zoom &In", (Key.ZoomIn, "Ctrl+="), "Show less time, in more detail", icon="zoom-in"),
    ActionId.ZOOM_OUT: _Spec("Zoom &Out", (Key.ZoomOut,), "Show more time", icon="zoom-out"),
    ActionId.FIT_ALL: _Spec("&Fit All", ("Ctrl+0",), "Show every event that passes the filter (Home)", icon="maximize"),
    ActionId.GO_TO_DATE: _Spec("&Go to Date…", ("Ctrl+G",), "Show a date: 15 June 2023, 2023-06, June 2023…",
                               icon="calendar-search"),
    ActionId.LANES_BY_BODY: _Spec("Lanes by &Body", ("Ctrl+1",), "One lane per body", True, icon="landmark"),
    ActionId.LANES_BY_KIND: _Spec("Lanes by &Kind", ("Ctrl+2",), "One lane per kind of event", True, icon="shapes"),
    ActionId.LANES_NONE: _Spec("&No Lanes", ("Ctrl+3",), "All events in one lane", True, icon="rectangle-horizontal"),
    ActionId.SHOW_ALL_LINKS: _Spec("Show All &Links", ("Ctrl+K",), "Draw every link, not only the selection's", True,
                                   icon="spline"),
    ActionId.SHOW_LEGEND: _Spec("Show Le&gend", (), "Show the colours of the kinds", True, icon="palette"),
    ActionId.PREVIOUS_EVENT: _Spec("&Previous Event", ("Ctrl+[",), "Select the event before this one",
                                   icon="chevron-left"),
    ActionId.NEXT_EVENT: _Spec("&Next Event", ("Ctrl+]",), "Select the event after this one", icon="chevron-right"),
    ActionId.BACK: _Spec("&Back", (Key.Back,), "Back to the previous selection, view or filter", icon="arrow-left"),
    ActionId.FORWARD: _Spec("&Forward", (Key.Forward,), "On to the next selection, view or filter", icon="arrow-right"),
    ActionId.SHORTCUTS: _Spec("&Keyboard Shortcuts", ("F1",), "List every shortcut", icon="keyboard"),
    ActionId.DATA_FORMAT: _Spec("&Data Format", (), "How to write data for Defence Timeline", icon="book-open"),
    ActionId.ABOUT: _Spec("&About Defence Timeline", icon="info"),
}


class Actions:
    """The actions by id; also the source of the keyboard shortcut list."""

    def __init__(self, parent: QWidget) -> None:
        self._actions: dict[ActionId, QAction] = {}
        for action_id, spec in _SPECS.items():
            action = QAction(spec.text, parent)
            action.setObjectName(f"action{action_id.name.title().replace('_', '')}")
            keys = [QKeySequence(k) if not isinstance(k, QKeySequence) else k for k in spec.shortcuts]
            keys = [k for k in keys if not k.isEmpty()]
            if keys:
                action.setShortcuts(list(dict.fromkeys(keys, None)))
            action.setToolTip(spec.tip or spec.text.replace("&", "").rstrip("…"))
            action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            if spec.icon:
                action.setIcon(themed_icon(spec.icon))
            self._actions[action_id] = action
        self.lane_group = QActionGroup(parent)
        for action_id in (ActionId.LANES_BY_BODY, ActionId.LANES_BY_KIND, ActionId.LANES_NONE):
            self.lane_group.addAction(self._actions[action_id])

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]

    def shortcut_table(self) -> list[tuple[str, str]]:
        """(action, shortcuts) for the Keyboard Shortcuts dialog."""
        rows = []
        for action in self._actions.values():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                rows.append((action.text().replace("&", "").rstrip("…"), keys))
        return rows

"""The main window: one :class:`ViewState` and the panes that render it.

The window builds the panes, binds each to the state and wires the actions; what is shown
(the file, the filter, the mask, the selection, the view, the history) lives in the state.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QFrame, QMainWindow, QMessageBox, QScrollArea, QWidget

from viewer import APP_NAME
from viewer.export.catalogue import DEFAULT_WIDTH
from viewer.state.view_state import Change, ViewState
from viewer.store.filters import EventFilter
from viewer.store.import_options import ImportOptions
from viewer.store.reader import EventStore
from viewer.store.workspace import MAX_VIEW_SELECTION, SavedView
from viewer.timeline.lanes import LaneMode
from viewer.timeline.widget import TimelineWidget
from viewer.ui.actions import ActionId, Actions
from viewer.ui.annotation_dialog import AnnotationDialog
from viewer.ui.dataset import Dataset
from viewer.ui.details_pane import DetailsPane
from viewer.ui.dialogs import show_about, show_data_format, show_shortcuts
from viewer.ui.event_table import EventTable
from viewer.ui.export_dialog import ExportDialog
from viewer.ui.file_loader import FileLoader
from viewer.ui.filter_panel import FilterPanel
from viewer.ui.import_dialog import ImportDialog
from viewer.ui.jobs import Jobs
from viewer.ui.menus import build_menus, fill_recent_menu
from viewer.ui.message_box import open_message
from viewer.ui.settings import STATE_VERSION, Settings
from viewer.ui.status_pane import StatusPane
from viewer.ui.tasks import wait_for_background_work
from viewer.ui.transfers import DATABASE_FILTER, SOURCE_SUFFIXES, Transfers
from viewer.ui.views_menu import ViewsMenu, ask_view_name
from viewer.ui.window_layout import SidePanes, add_dock, first_window_size
from viewer.ui.workspace_keeper import WorkspaceKeeper

CLOSE_WAIT_MS = 3000  # how long closing waits for background work to stop
LANE_ACTIONS = {LaneMode.BODY: ActionId.LANES_BY_BODY, LaneMode.KIND: ActionId.LANES_BY_KIND,
                LaneMode.NONE: ActionId.LANES_NONE}


class MainWindow(QMainWindow):
    """A desktop window on one Defence Timeline file at a time."""

    dataset_opened = Signal(str)  # path of the file now shown
    open_failed = Signal(str)  # the message shown to the user
    filter_applied = Signal(int)  # how many events pass the filter now
    export_finished = Signal(str)  # path of a file just written
    dataset_reloaded = Signal(str)  # the open file changed on disk and was read again
    file_state_changed = Signal(str)  # a warning about the open file (deleted, unreadable)
    details_shown = Signal()  # the details pane shows the current selection (after reading it)

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self._settings = settings or Settings()
        self.error_box: QMessageBox | None = None
        self.annotation_dialog: AnnotationDialog | None = None  # the Note and Tags dialog last opened
        self.jobs = Jobs(self)
        self.state = ViewState(self._search, self)
        self.loader = FileLoader(self.jobs, self.state, self)

        self.timeline = TimelineWidget(self)
        self.setCentralWidget(self.timeline)
        self.filters = FilterPanel(self)
        self.details = DetailsPane(self.jobs, self)
        self.table = EventTable(self)
        scroller = QScrollArea(self)  # on a short screen the filters scroll rather than push the window taller
        scroller.setObjectName("filtersScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(self.filters)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes through the filters, not the frame round them
        area = Qt.DockWidgetArea
        self.filters_dock = add_dock(self, "filtersDock", "Filters", scroller, area.LeftDockWidgetArea)
        self.details_dock = add_dock(self, "detailsDock", "Details", self.details, area.RightDockWidgetArea)
        self.table_dock = add_dock(self, "eventsDock", "Events", self.table, area.BottomDockWidgetArea)
        self.panes = SidePanes(self, self.filters_dock, self.details_dock, self.table_dock)

        self.actions = Actions(self)
        docks = [(self.filters_dock, "&Filters"), (self.details_dock, "&Details"), (self.table_dock, "E&vents")]
        self.recent_menu, self.toolbar = build_menus(self, self.actions, docks)
        self.workspace = WorkspaceKeeper(self)
        self.details.annotation_of = self.workspace.annotation
        self.views_menu = ViewsMenu(self.workspace, self.jobs, self.actions[ActionId.SAVE_VIEW], self.go_to_view,
                                    lambda: self.state.dataset.path if self.state.dataset else None, self)
        self.menuBar().insertMenu(self.menuBar().actions()[3], self.views_menu)  # after View
        self.status = StatusPane(self.statusBar(), [self.jobs.progress, self.jobs.cancel_button])
        self.transfers = Transfers(self, self.state, self.jobs, self._settings, self.statusBar(), self.show_error)
        for pane in (self.timeline, self.filters, self.details, self.table, self.status):
            pane.bind(self.state)
        self.state.changed.connect(self._on_state_changed)
        self._connect()
        self._set_tab_order()
        self._restore_settings()
        self._update_actions()

    # ================================================================== wiring

    def _connect(self) -> None:
        a, state, timeline = self.actions, self.state, self.timeline
        for action_id, slot in (
            (ActionId.OPEN, self._ask_open), (ActionId.IMPORT, self.transfers.ask_import),
            (ActionId.EXPORT_SELECTED, self.transfers.ask_export), (ActionId.QUIT, self.close),
            (ActionId.PRINT_TIMELINE, lambda: self.transfers.print_selection("picture")),
            (ActionId.PRINT_BRIEF, lambda: self.transfers.print_selection("brief")),
            (ActionId.SELECT_ALL_VISIBLE, state.select_all_visible), (ActionId.CLEAR_SELECTION, state.clear_selection),
            (ActionId.ADD_LINKED, state.add_linked), (ActionId.COPY, self.transfers.copy_selection),
            (ActionId.FIND, self._find), (ActionId.ZOOM_IN, timeline.zoom_in), (ActionId.ZOOM_OUT, timeline.zoom_out),
            (ActionId.FIT_ALL, timeline.fit_all), (ActionId.GO_TO_DATE, timeline.ask_go_to_date),
            (ActionId.PREVIOUS_EVENT, lambda: timeline.select_next(-1)),
            (ActionId.NEXT_EVENT, lambda: timeline.select_next(1)),
            (ActionId.BACK, state.go_back), (ActionId.FORWARD, state.go_forward),
            (ActionId.SHORTCUTS, lambda: show_shortcuts(self, self.actions.shortcut_table())),
            (ActionId.DATA_FORMAT, lambda: show_data_format(self)), (ActionId.ABOUT, lambda: show_about(self)),
            (ActionId.CLEAR_RECENT, self._settings.clear_recent_files),
            (ActionId.STAR, self.toggle_star), (ActionId.ANNOTATE, self.ask_annotation),
            (ActionId.SAVE_VIEW, self.ask_save_view),
        ):
            a[action_id].triggered.connect(slot)
        for mode, action_id in LANE_ACTIONS.items():
            a[action_id].triggered.connect(lambda _checked=False, m=mode: self.set_lane_mode(m))
        a[ActionId.SHOW_ALL_LINKS].toggled.connect(self._on_show_all_links)
        a[ActionId.SHOW_LEGEND].toggled.connect(self._on_show_legend)
        self.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(
            self.recent_menu, self._settings.recent_files(), self.open_path, self.actions[ActionId.CLEAR_RECENT]))
        self.loader.opened.connect(self._on_opened)
        self.loader.open_failed.connect(self._on_open_failed)
        self.loader.open_cancelled.connect(self._on_open_cancelled)
        self.loader.progress.connect(self.timeline.set_loading)
        self.loader.reloaded.connect(self._on_reloaded)
        self.loader.reload_failed.connect(lambda error: self._show_file_state(
            f"The file changed but cannot be read now ({error}). Showing the last state read."))
        self.loader.vanished.connect(lambda: self.state.dataset is not None and self._show_file_state(
            f"{self.state.dataset.path.name} was deleted or moved. Showing the last state read."))
        self.state.search_failed.connect(lambda message: self.show_error("The search failed", message))
        self.transfers.exported.connect(self.export_finished)
        self.transfers.imported.connect(self.open_path)
        self.filters.body_chosen.connect(self.show_body)
        timeline.event_activated.connect(self._show_details)
        timeline.set_description_provider(self.details.describe_event)
        self.table.activated_event.connect(self._go_to_position)
        self.table.read_orders_with(self.jobs, self.statusBar(),
                                    lambda error: self.show_error("The table cannot be sorted", error))
        self.table.model().fetch_failed.connect(
            lambda message: self.statusBar().showMessage(f"Some rows of the table cannot be read: {message}", 8000))
        for area in (timeline.viewport(), self.table.viewport(), self.details.viewport(), self.filters):
            area.installEventFilter(self)  # the mouse's back and forward buttons, wherever they are pressed
        self.details.event_link.connect(lambda event_id: self._go_to_position(self.state.data.position_of(event_id)))
        self.details.body_link.connect(self._show_only_body)
        self.details.shown.connect(self.details_shown)
        self.workspace.changed.connect(self._on_workspace_changed)
        self.workspace.problem.connect(lambda message: self.show_error("Your annotations cannot be saved", message))
        self.details.problem.connect(lambda message: self.statusBar().showMessage(
            f"The details cannot be read: {message}", 8000))

    def _set_tab_order(self) -> None:
        """Filters from top to bottom, then the timeline, the table and the details."""
        f = self.filters
        j = f.judgement
        chain = [f.search, f.since.edit, f.since.picker, f.until.edit, f.until.picker, f.bodies, f.kinds, f.tags,
                 j.min_reliability, j.min_credibility, j.link_confidence, j.starred, j.noted,
                 f.linked_only, f.clear_button, self.timeline, self.table, self.details]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _on_state_changed(self, changes: Change) -> None:
        if changes & (Change.DATASET | Change.SELECTION | Change.HISTORY):
            self._update_actions()
        if changes & Change.FILTER:
            self.filter_applied.emit(self.state.visible_count())

    def _search(self, event_filter: EventFilter, on_done, on_failed) -> None:
        """The view state's full-text search, run on its own read-only connection."""
        database = self.state.dataset.path

        def work(_report):
            with EventStore(database) as store:
                return store.event_seqs(event_filter)

        self.jobs.start(work, on_done, on_failed)

    # ================================================================== settings

    def _restore_settings(self) -> None:
        geometry = self._settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(first_window_size(QGuiApplication.primaryScreen()))
        state = self._settings.state()
        if state is None or not self.restoreState(state, STATE_VERSION):
            self.panes.first_sizes()
        mode = self._settings.text("view/lanes", LaneMode.BODY.value)
        mode = LaneMode(mode) if mode in {m.value for m in LaneMode} else LaneMode.BODY
        self.actions[LANE_ACTIONS[mode]].setChecked(True)
        self.timeline.set_lane_mode(mode)
        self.actions[ActionId.SHOW_ALL_LINKS].setChecked(self._settings.flag("view/allLinks", False))
        self.actions[ActionId.SHOW_LEGEND].setChecked(self._settings.flag("view/legend", True))
        self.timeline.set_legend_visible(self.actions[ActionId.SHOW_LEGEND].isChecked())
        self.timeline.legend.set_collapsed(self._settings.flag("view/legendFolded", False))
        self.timeline.legend.collapsed_changed.connect(lambda folded: self._settings.set("view/legendFolded", folded))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.panes.adapt()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.save_window(self.saveGeometry(), self.saveState(STATE_VERSION))
        self._settings.sync()
        # Background work is told to stop (its queries interrupted) and given a moment to;
        # whatever it still delivers is dropped, and a file it opened is closed by it.
        self.loader.stop()
        self.jobs.cancel_all()
        wait_for_background_work(CLOSE_WAIT_MS)
        dataset = self.state.dataset
        if dataset is not None:
            self.state.set_dataset(self.state.data.empty())
            dataset.close()
        super().closeEvent(event)

    # ================================================================== opening

    def open_path(self, path: str | Path) -> None:
        """Open a database in the background; the current file stays until it is ready."""
        self.loader.open(Path(path))

    def _on_opened(self, dataset: Dataset) -> None:
        self.timeline.set_loading(None)
        old = self.state.dataset
        self.setWindowTitle(f"{dataset.name} — {dataset.path.name} — {APP_NAME}")
        self.state.set_dataset(dataset.data, dataset, dataset.view)  # reads nothing: Dataset.load read it all
        self.workspace.set_dataset(dataset)
        if old is not None:
            old.close()
        if self.workspace.unreadable:
            self._show_file_state(self.workspace.unreadable)
        self._settings.add_recent_file(dataset.path)
        self.dataset_opened.emit(str(dataset.path))

    def _on_reloaded(self, dataset: Dataset, seqs) -> None:
        old = self.state.dataset
        self.state.reload_dataset(dataset.data, dataset, seqs)
        self.workspace.set_dataset(dataset)
        old.close()
        self.statusBar().showMessage(f"Updated from the file at {time.strftime('%H:%M:%S')}", 6000)
        self.dataset_reloaded.emit(str(dataset.path))

    def _on_open_cancelled(self) -> None:
        self.timeline.set_loading(None)
        self.statusBar().showMessage("Opening cancelled", 4000)

    def _on_open_failed(self, message: str) -> None:
        self.timeline.set_loading(None)
        self.show_open_error(message)

    def _show_file_state(self, message: str) -> None:
        self.status.show_file_state(message)
        self.file_state_changed.emit(message)

    def show_open_error(self, message: str) -> None:
        """Say that a file cannot be opened (and what is still shown), in the error dialog."""
        if self.state.dataset is not None:
            kept = f"\n\nStill showing {self.state.dataset.path.name}."
        else:
            kept = ""
            self.details.set_dataset(None)
        self.show_error("The file cannot be opened", f"{message}{kept}")
        self.open_failed.emit(message)

    def show_error(self, title: str, message: str) -> None:
        """A non-blocking error dialog; the window keeps working behind it."""
        self.error_box = open_message(self, QMessageBox.Icon.Critical, title, message, "errorBox")

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Database", self.transfers.last_folder(), DATABASE_FILTER)
        if path:
            self.transfers.remember_folder(Path(path))
            self.open_path(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        sources = [p for p in paths if p.suffix.lower() in SOURCE_SUFFIXES]
        if sources:  # the import dialog, on the files dropped: their preview before anything is written
            self.transfers.ask_import(sources)
        else:
            self.open_path(paths[0])

    # ================================================================== import, export, copy

    @property
    def export_dialog(self) -> ExportDialog | None:
        """The export dialog last opened."""
        return self.transfers.export_dialog

    @property
    def import_dialog(self) -> ImportDialog | None:
        """The import dialog last opened (File > Import…, or files dropped on the window)."""
        return self.transfers.import_dialog

    def import_files(
        self, sources: list[Path], target: Path, *, fmt: str | None = None, options: ImportOptions | None = None
    ) -> None:
        """Import in the background (all or nothing), then open the database."""
        self.transfers.import_files(sources, target, fmt=fmt, options=options)

    def export_selected(
        self, path: Path, fmt: str, *, with_linked: bool = False, width: int = DEFAULT_WIDTH, excel: bool = False,
        size: str | None = None, title: str | None = None,
    ) -> None:
        """Write the selected events in the background, replacing ``path`` atomically."""
        self.transfers.export_selected(path, fmt, with_linked=with_linked, width=width, excel=excel, size=size,
                                       title=title)

    def copy_selection(self) -> None:
        """Copy the selected events as tab-separated text."""
        self.transfers.copy_selection()

    # ================================================================== selection and navigation

    def visible_count(self) -> int:
        """How many events pass the current filter."""
        return self.state.visible_count()

    def select_all_visible(self) -> None:
        """Select every event the filter shows (Ctrl+A)."""
        self.state.select_all_visible()

    def add_linked_events(self) -> None:
        """Extend the selection with the events linked to it."""
        self.state.add_linked()

    def go_back(self) -> None:
        """The previous place: selection, view and filter (Alt+Left, the mouse's back button)."""
        self.state.go_back()

    def go_forward(self) -> None:
        """The next place (Alt+Right, the mouse's forward button)."""
        self.state.go_forward()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            if event.button() == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        return super().eventFilter(watched, event)

    def show_body(self, body_id: str) -> None:
        """Show a body's record in the details pane."""
        self.details.show_body(body_id)

    def _go_to_position(self, position: int | None) -> None:
        if position is not None:
            self.state.select_positions([position])
            self.timeline.centre_on_event(self.state.data.index.ids[position])

    def _show_only_body(self, body_id: str) -> None:
        self.filters.show_only_body(body_id)
        self.details.show_body(body_id)

    def _show_details(self, _event_id: str) -> None:
        self.details_dock.show()
        self.details_dock.raise_()

    # ================================================================== the analyst's workspace

    def toggle_star(self) -> None:
        """Star the selected events, or take the stars off when all of them have one (Ctrl+D)."""
        ids = self.state.selected_ids()
        starred = self.workspace.toggle_star(ids)
        if starred is not None:
            what = f"{len(ids):,} events" if len(ids) > 1 else "the event"
            self.statusBar().showMessage(f"Starred {what}" if starred else f"Took the star off {what}", 4000)

    def ask_annotation(self) -> None:
        """Write a note and tags on the selected event (Ctrl+Shift+D)."""
        ids = self.state.selected_ids()
        if len(ids) != 1 or not self.workspace.usable:
            return
        event_id = ids[0]
        position = self.state.data.position_of(event_id)
        title = self.state.data.index.titles[position] if position is not None else event_id
        self.annotation_dialog = AnnotationDialog(title, self.workspace.annotation(event_id), self)
        dialog = self.annotation_dialog

        def save() -> None:
            self.workspace.annotate(event_id, starred=dialog.starred.isChecked(), note=dialog.note_text(),
                                    tags=dialog.tag_list())

        dialog.accepted.connect(save)
        dialog.open()

    def ask_save_view(self) -> None:
        """Keep the current filter, time on screen, lane mode and selection under a name (Ctrl+Shift+S)."""
        if self.state.dataset is None or not self.workspace.usable:
            return
        name = ask_view_name(self, self.state.event_filter.describe()[:80])
        if name is not None:
            self.save_view(name)

    def save_view(self, name: str) -> bool:
        """Save what is shown now as the view ``name``; True when saved."""
        first, end = self.timeline.visible_range()
        ids = self.state.selected_ids()
        view = SavedView(name, self.state.event_filter, self.state.linked_only, (int(first), int(end)),
                         self.timeline.lane_mode().value, tuple(ids) if len(ids) <= MAX_VIEW_SELECTION else ())
        saved = self.workspace.save_view(view)
        if saved:
            self.statusBar().showMessage(f"Saved the view “{name}”", 4000)
        return saved

    def go_to_view(self, view: SavedView) -> None:
        """Show a saved view: its filter, lane mode, selection and time on screen."""
        if view.lanes in {mode.value for mode in LaneMode}:
            mode = LaneMode(view.lanes)
            self.actions[LANE_ACTIONS[mode]].setChecked(True)
            self.set_lane_mode(mode)
        window = (float(view.window[0]), float(view.window[1])) if view.window else None
        self.state.show_saved(view.event_filter, view.linked_only, view.selection, window)
        self.statusBar().showMessage(f"View “{view.name}”", 4000)

    def _on_workspace_changed(self) -> None:
        marked = self.workspace.marked()
        self.state.set_marked(marked)
        self.table.model().set_marked(marked)
        set_annotations = getattr(self.timeline, "set_annotations", None)
        if set_annotations is not None:
            set_annotations(marked.starred, marked.noted)
        self.details.refresh()
        self._update_actions()

    # ================================================================== view

    def set_lane_mode(self, mode: LaneMode) -> None:
        """Group the timeline's lanes by body, by kind, or not at all."""
        self.timeline.set_lane_mode(mode)
        self._settings.set("view/lanes", mode.value)

    def _on_show_all_links(self, show: bool) -> None:
        self.timeline.set_show_all_links(show)
        self._settings.set("view/allLinks", show)

    def _on_show_legend(self, show: bool) -> None:
        self.timeline.set_legend_visible(show)
        self._settings.set("view/legend", show)

    def _find(self) -> None:
        self.filters_dock.show()
        self.filters_dock.raise_()
        self.filters.focus_search()

    def _update_actions(self) -> None:
        has_data = self.state.dataset is not None
        has_selection = has_data and self.state.selected_count() > 0
        for action_id in (ActionId.EXPORT_SELECTED, ActionId.PRINT_TIMELINE, ActionId.PRINT_BRIEF, ActionId.COPY,
                          ActionId.ADD_LINKED, ActionId.CLEAR_SELECTION):
            self.actions[action_id].setEnabled(has_selection)
        self.actions[ActionId.SELECT_ALL_VISIBLE].setEnabled(has_data)
        annotating = has_selection and self.workspace.usable
        self.actions[ActionId.STAR].setEnabled(annotating)
        self.actions[ActionId.ANNOTATE].setEnabled(annotating and self.state.selected_count() == 1)
        self.actions[ActionId.SAVE_VIEW].setEnabled(has_data and self.workspace.usable)
        self.actions[ActionId.BACK].setEnabled(self.state.can_go_back)
        self.actions[ActionId.FORWARD].setEnabled(self.state.can_go_forward)

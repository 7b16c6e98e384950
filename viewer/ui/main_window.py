"""The main window: wires the store, the timeline, the filters, the details and the table."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QWidget,
)

from viewer import APP_NAME
from viewer.export.atomic import atomic_binary_file
from viewer.export.catalogue import DEFAULT_WIDTH, PICTURE_FORMATS
from viewer.export.formats import ExportRequest, export_to_file, selected_filter, write_picture
from viewer.formatting import count_text, format_duration
from viewer.store.errors import DefenceTimelineError, StoreOpenError
from viewer.store.filters import EventFilter
from viewer.store.masks import filter_and_facets, search_only
from viewer.store.reader import EventStore
from viewer.timeline.lanes import LaneMode
from viewer.timeline.widget import TimelineWidget
from viewer.ui.actions import ActionId, Actions
from viewer.ui.dataset import Dataset, choices_of
from viewer.ui.details_pane import DetailsPane
from viewer.ui.dialogs import show_about, show_data_format, show_shortcuts
from viewer.ui.event_table import EventTable
from viewer.ui.export_dialog import ExportDialog
from viewer.ui.file_watch import DatabaseWatcher
from viewer.ui.filter_panel import FilterChoices, FilterPanel
from viewer.ui.history import NavigationHistory, Place
from viewer.ui.jobs import Jobs
from viewer.ui.settings import STATE_VERSION, Settings
from viewer.ui.tasks import Cancelled, CancelToken, Task, wait_for_background_work

DATABASE_FILTER = "Defence Timeline databases (*.db *.sqlite *.sqlite3);;All files (*)"
SOURCE_FILTER = "Event files (*.json *.csv);;All files (*)"
COPY_LIMIT = 100_000
CLOSE_WAIT_MS = 3000  # how long closing waits for background work to stop


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
        self._dataset: Dataset | None = None
        self._mask: np.ndarray | None = None
        self._filter = EventFilter()
        self._filter_generation = 0
        self._loading: Task | None = None
        self._history = NavigationHistory()
        self._walking_history = False
        self._syncing_selection = False
        self.error_box: QMessageBox | None = None
        self.export_dialog: ExportDialog | None = None
        self._reloading: Task | None = None
        self._reload_again = False
        self._after_filter = None
        self._watcher = DatabaseWatcher(self)
        self._compact = False  # the side panes share one side as tabs (a narrow window)
        self._applying_filter = False  # until ViewState owns the filter and the selection (issue 11)
        self._refilter = False
        self._view_settled = QTimer(self)  # a zoom or pan becomes a place once the view rests
        self._view_settled.setSingleShot(True)
        self._view_settled.setInterval(VIEW_SETTLE_MS)
        self._view_settled.timeout.connect(self._record_place)
        self._watcher.changed.connect(self._on_file_changed)
        self._watcher.vanished.connect(self._on_file_vanished)

        self.jobs = Jobs(self)
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
        self.filters_dock = self._dock("filtersDock", "Filters", scroller, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.details_dock = self._dock("detailsDock", "Details", self.details, Qt.DockWidgetArea.RightDockWidgetArea)
        self.table_dock = self._dock("eventsDock", "Events", self.table, Qt.DockWidgetArea.BottomDockWidgetArea)

        self.actions = Actions(self)
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self._set_tab_order()
        self._restore_settings()
        self._update_actions()

    # ================================================================== building

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        a = self.actions
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu("&File")
        file_menu.addAction(a[ActionId.OPEN])
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setObjectName("recentMenu")
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(a[ActionId.IMPORT])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.EXPORT_SELECTED])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.QUIT])
        edit_menu = menu_bar.addMenu("&Edit")
        for action_id in (ActionId.SELECT_ALL_VISIBLE, ActionId.CLEAR_SELECTION, ActionId.ADD_LINKED):
            edit_menu.addAction(a[action_id])
        edit_menu.addSeparator()
        edit_menu.addAction(a[ActionId.COPY])
        edit_menu.addAction(a[ActionId.FIND])
        view_menu = menu_bar.addMenu("&View")
        for action_id in (ActionId.ZOOM_IN, ActionId.ZOOM_OUT, ActionId.FIT_ALL, ActionId.GO_TO_DATE):
            view_menu.addAction(a[action_id])
        view_menu.addSeparator()
        for action_id in (ActionId.LANES_BY_BODY, ActionId.LANES_BY_KIND, ActionId.LANES_NONE):
            view_menu.addAction(a[action_id])
        view_menu.addSeparator()
        view_menu.addAction(a[ActionId.SHOW_ALL_LINKS])
        view_menu.addAction(a[ActionId.SHOW_LEGEND])
        view_menu.addSeparator()
        for dock, text in ((self.filters_dock, "&Filters"), (self.details_dock, "&Details"),
                           (self.table_dock, "E&vents")):
            dock.toggleViewAction().setText(text)
            view_menu.addAction(dock.toggleViewAction())
        self.view_menu = view_menu
        go_menu = menu_bar.addMenu("&Go")
        for action_id in (ActionId.PREVIOUS_EVENT, ActionId.NEXT_EVENT, ActionId.BACK, ActionId.FORWARD):
            go_menu.addAction(a[action_id])
        help_menu = menu_bar.addMenu("&Help")
        for action_id in (ActionId.SHORTCUTS, ActionId.DATA_FORMAT, ActionId.ABOUT):
            help_menu.addAction(a[action_id])

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main Toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        a = self.actions
        for action_id in (ActionId.OPEN, ActionId.IMPORT, ActionId.EXPORT_SELECTED):
            toolbar.addAction(a[action_id])
        toolbar.addSeparator()
        for action_id in (ActionId.BACK, ActionId.FORWARD):
            toolbar.addAction(a[action_id])
        toolbar.addSeparator()
        for action_id in (ActionId.ZOOM_IN, ActionId.ZOOM_OUT, ActionId.FIT_ALL, ActionId.GO_TO_DATE):
            toolbar.addAction(a[action_id])
        toolbar.addSeparator()
        toolbar.addAction(a[ActionId.SHOW_ALL_LINKS])
        self.addToolBar(toolbar)
        toolbar.toggleViewAction().setText("Main &Toolbar")
        self.view_menu.addAction(toolbar.toggleViewAction())
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName("Events shown")
        self.file_label = QLabel(self)
        self.file_label.setObjectName("fileLabel")
        self.file_label.setAccessibleName("Open file")
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setAccessibleName("Time shown")
        self.file_state = QLabel(self)
        self.file_state.setObjectName("fileState")
        self.file_state.setAccessibleName("File state")
        self.file_state.setStyleSheet("color: #b03a2e; font-weight: bold")
        self.file_state.setTextFormat(Qt.TextFormat.PlainText)
        self.file_state.hide()
        self.unreadable_notice = QLabel(self)
        self.unreadable_notice.setObjectName("unreadableNotice")
        self.unreadable_notice.setAccessibleName("Records that could not be read")
        self.unreadable_notice.setStyleSheet("color: #9a5b00")
        self.unreadable_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.unreadable_notice.hide()
        bar.addWidget(self.count_label)
        bar.addWidget(self.unreadable_notice)
        bar.addWidget(self.file_state)
        bar.addWidget(self.jobs.progress)
        bar.addWidget(self.jobs.cancel_button)
        bar.addPermanentWidget(self.zoom_label)
        bar.addPermanentWidget(self.file_label)

    def _connect(self) -> None:
        a = self.actions
        a[ActionId.OPEN].triggered.connect(self._ask_open)
        a[ActionId.IMPORT].triggered.connect(self._ask_import)
        a[ActionId.EXPORT_SELECTED].triggered.connect(self._ask_export)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.SELECT_ALL_VISIBLE].triggered.connect(self.select_all_visible)
        a[ActionId.CLEAR_SELECTION].triggered.connect(self.timeline.clear_selection)
        a[ActionId.ADD_LINKED].triggered.connect(self.add_linked_events)
        a[ActionId.COPY].triggered.connect(self.copy_selection)
        a[ActionId.FIND].triggered.connect(self._find)
        a[ActionId.ZOOM_IN].triggered.connect(self.timeline.zoom_in)
        a[ActionId.ZOOM_OUT].triggered.connect(self.timeline.zoom_out)
        a[ActionId.FIT_ALL].triggered.connect(self.timeline.fit_all)
        a[ActionId.GO_TO_DATE].triggered.connect(self.timeline.ask_go_to_date)
        a[ActionId.LANES_BY_BODY].triggered.connect(lambda: self.set_lane_mode(LaneMode.BODY))
        a[ActionId.LANES_BY_KIND].triggered.connect(lambda: self.set_lane_mode(LaneMode.KIND))
        a[ActionId.LANES_NONE].triggered.connect(lambda: self.set_lane_mode(LaneMode.NONE))
        a[ActionId.SHOW_ALL_LINKS].toggled.connect(self._on_show_all_links)
        a[ActionId.SHOW_LEGEND].toggled.connect(self._on_show_legend)
        a[ActionId.PREVIOUS_EVENT].triggered.connect(lambda: self.timeline.select_next(-1))
        a[ActionId.NEXT_EVENT].triggered.connect(lambda: self.timeline.select_next(1))
        a[ActionId.BACK].triggered.connect(self.go_back)
        a[ActionId.FORWARD].triggered.connect(self.go_forward)
        a[ActionId.SHORTCUTS].triggered.connect(lambda: show_shortcuts(self, self.actions.shortcut_table()))
        a[ActionId.DATA_FORMAT].triggered.connect(lambda: show_data_format(self))
        a[ActionId.ABOUT].triggered.connect(lambda: show_about(self))
        a[ActionId.CLEAR_RECENT].triggered.connect(self._clear_recent)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.filters.filter_changed.connect(self._on_filter_changed)
        self.filters.body_chosen.connect(self.show_body)
        self.timeline.selection_changed.connect(self._on_timeline_selection)
        self.timeline.view_changed.connect(self._update_zoom_label)
        self.timeline.view_changed.connect(self._on_view_changed)
        self.timeline.event_activated.connect(self._on_event_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.table.activated_event.connect(self._on_table_activated)
        self.timeline.set_description_provider(self.details.describe_event)
        self.table.model().background_orders = True
        self.table.model().order_needed.connect(self._read_table_order)
        self.table.model().fetch_failed.connect(self._on_table_fetch_failed)
        for area in (self.timeline.viewport(), self.table.viewport(), self.details.viewport(), self.filters):
            area.installEventFilter(self)  # the mouse's back and forward buttons, wherever they are pressed
        self.details.event_link.connect(self._go_to_event)
        self.details.body_link.connect(self._show_only_body)
        self.details.shown.connect(self.details_shown)
        self.details.problem.connect(lambda message: self.statusBar().showMessage(
            f"The details cannot be read: {message}", 8000))

    def _set_tab_order(self) -> None:
        """Filters from top to bottom, then the timeline, the table and the details."""
        f = self.filters
        chain = [f.search, f.since.edit, f.since.picker, f.until.edit, f.until.picker, f.bodies, f.kinds, f.tags,
                 f.linked_only, f.clear_button, self.timeline, self.table, self.details]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ================================================================== settings

    def _restore_settings(self) -> None:
        geometry = self._settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(first_window_size(QGuiApplication.primaryScreen()))
        state = self._settings.state()
        if state is None or not self.restoreState(state, STATE_VERSION):
            self.resizeDocks([self.filters_dock, self.details_dock], [270, 380], Qt.Orientation.Horizontal)
            self.resizeDocks([self.table_dock], [230], Qt.Orientation.Vertical)
        mode = self._settings.text("view/lanes", LaneMode.BODY.value)
        mode = mode if mode in {m.value for m in LaneMode} else LaneMode.BODY.value
        {
            LaneMode.BODY.value: self.actions[ActionId.LANES_BY_BODY],
            LaneMode.KIND.value: self.actions[ActionId.LANES_BY_KIND],
            LaneMode.NONE.value: self.actions[ActionId.LANES_NONE],
        }[mode].setChecked(True)
        self.timeline.set_lane_mode(mode)
        self.actions[ActionId.SHOW_ALL_LINKS].setChecked(self._settings.flag("view/allLinks", False))
        self.actions[ActionId.SHOW_LEGEND].setChecked(self._settings.flag("view/legend", True))
        self.timeline.set_legend_visible(self.actions[ActionId.SHOW_LEGEND].isChecked())
        self.timeline.legend.set_collapsed(self._settings.flag("view/legendFolded", False))
        self.timeline.legend.collapsed_changed.connect(lambda folded: self._settings.set("view/legendFolded", folded))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._adapt_layout()

    def _adapt_layout(self) -> None:
        """On a narrow window the Filters and Details panes share one side as tabs, so that the
        timeline keeps most of the width; on a wide one they go back to their own sides."""
        compact = self.width() < COMPACT_BELOW_PX
        if compact == self._compact:
            return
        self._compact = compact
        if compact:
            self.tabifyDockWidget(self.filters_dock, self.details_dock)
            self.resizeDocks([self.filters_dock], [max(240, int(self.width() * 0.28))], Qt.Orientation.Horizontal)
        else:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)
            self.resizeDocks([self.filters_dock, self.details_dock], [270, 380], Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.save_window(self.saveGeometry(), self.saveState(STATE_VERSION))
        self._settings.sync()
        # Background work is told to stop (its queries interrupted) and given a moment to;
        # whatever it still delivers is dropped, and a file it opened is closed by it.
        self._loading = self._reloading = None
        self.jobs.cancel_all()
        self._watcher.stop()
        wait_for_background_work(CLOSE_WAIT_MS)
        if self._dataset is not None:
            self._dataset.close()
            self._dataset = None
        super().closeEvent(event)

    # ================================================================== opening

    def open_path(self, path: str | Path) -> None:
        """Open a database in the background; the current file stays until it is ready."""
        path = Path(path)
        if self._loading is not None:
            self._loading.cancel()
        token = CancelToken()

        def work(report):
            return Dataset.load(path, report, on_store=lambda store: token.on_cancel(lambda: _interrupt(store)))

        task = self.jobs.start(
            work,
            lambda dataset: self._on_opened(task, dataset),
            lambda error: self._on_open_failed(task, path, error),
            f"Opening {path.name}…",
            token=token,
            discard=Dataset.close,
            on_progress=lambda stage, done, total: self._on_open_progress(task, stage, done, total),
        )
        self._loading = task
        self.timeline.set_loading(f"Opening {path.name}")

    def _on_open_progress(self, task: Task, stage: str, done: int, total: int) -> None:
        if task is self._loading:
            self.timeline.set_loading(stage, done, total)

    def _on_opened(self, task: Task, dataset: Dataset) -> None:
        if task is not self._loading or task.token.cancelled:
            dataset.close()
            return
        self._loading = None
        self.timeline.set_loading(None)
        self._install(dataset)  # reads nothing from the file: Dataset.load read it all
        self._history.clear()
        if dataset.view is not None:
            self.timeline.show_range(*dataset.view)  # the dataset's own first view (Home fits all)
        self.filters.set_choices(self._choices(dataset))
        self._filter = EventFilter()
        self._mask = None
        self.details.show_summary()
        self._record_place()
        self._update_counts()
        self._update_actions()
        self._settings.add_recent_file(dataset.path)
        self.dataset_opened.emit(str(dataset.path))

    def _install(self, dataset: Dataset) -> None:
        """Show ``dataset`` instead of the current one (which is closed)."""
        old = self._dataset
        self._dataset = dataset
        if old is not None:
            old.close()
        self.details.set_dataset(dataset)
        self.timeline.set_data(dataset.data)
        self.table.model().set_source(dataset.data, dataset.store.table_rows, dataset.store.seqs_ordered_by)
        self.setWindowTitle(f"{dataset.name} — {dataset.path.name} — {APP_NAME}")
        self.file_label.setText(str(dataset.path))
        self.file_label.setToolTip(str(dataset.path))
        self.file_state.hide()
        self._show_unreadable(dataset.unreadable)
        self._watcher.watch(dataset.path)

    @staticmethod
    def _choices(dataset: Dataset) -> FilterChoices:
        return dataset.choices if dataset.choices is not None else choices_of(dataset.data)

    def _on_table_fetch_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Some rows of the table cannot be read: {message}", 8000)

    def _show_unreadable(self, text: str) -> None:
        """Say in the status bar (for as long as the file is shown) what could not be read."""
        self.unreadable_notice.setText(text)
        self.unreadable_notice.setToolTip(
            f"{text}. These records were skipped; everything else is shown." if text else ""
        )
        self.unreadable_notice.setVisible(bool(text))

    # ------------------------------------------------------------------ live reload

    def _on_file_changed(self) -> None:
        """Another program wrote to the open file: read it again in the background."""
        if self._dataset is None or self._loading is not None:
            return
        if self._reloading is not None:
            self._reload_again = True
            return
        path = self._dataset.path

        token = CancelToken()

        def work(report):
            return Dataset.load(path, report, on_store=lambda store: token.on_cancel(lambda: _interrupt(store)))

        task = self.jobs.start(
            work, lambda d: self._on_reloaded(task, d), lambda e: self._on_reload_failed(task, e),
            token=token, discard=Dataset.close,
        )
        self._reloading = task

    def _on_reloaded(self, task: Task, dataset: Dataset) -> None:
        if task is not self._reloading or self._dataset is None or dataset.path != self._dataset.path:
            dataset.close()
            return
        self._reloading = None
        selected = self.timeline.selected_ids()
        view = self.timeline.visible_range()
        self._install(dataset)
        self._history.clear()  # positions change with the file
        self._watcher.accept_current_state()
        self.timeline.show_range(*view, margin=0.0)
        self.filters.refresh_choices(self._choices(dataset))
        self._filter_generation += 1
        self._after_filter = lambda: self.timeline.set_selection(selected)
        self._on_filter_changed()
        self.statusBar().showMessage(f"Updated from the file at {time.strftime('%H:%M:%S')}", 6000)
        self.dataset_reloaded.emit(str(dataset.path))
        if self._reload_again:
            self._reload_again = False
            self._on_file_changed()

    def _on_reload_failed(self, task: Task, error: BaseException) -> None:
        if task is not self._reloading:
            return
        self._reloading = None
        self._show_file_state(f"The file changed but cannot be read now ({error}). Showing the last state read.")
        if self._reload_again:
            self._reload_again = False
            self._on_file_changed()

    def _on_file_vanished(self) -> None:
        if self._dataset is not None:
            self._show_file_state(f"{self._dataset.path.name} was deleted or moved. Showing the last state read.")

    def _show_file_state(self, message: str) -> None:
        self.file_state.setText(message)
        self.file_state.setToolTip(message)
        self.file_state.show()
        self.file_state_changed.emit(message)

    def _on_open_failed(self, task: Task, path: Path, error: BaseException) -> None:
        if task is not self._loading:
            return
        self._loading = None
        self.timeline.set_loading(None)
        if isinstance(error, Cancelled):
            self.statusBar().showMessage("Opening cancelled", 4000)
            return
        if isinstance(error, StoreOpenError) or (isinstance(error, OSError) and str(path) in str(error)):
            message = str(error)  # it names the file already
        elif isinstance(error, (DefenceTimelineError, OSError)):
            message = f"{path}: {error}"
        else:
            message = f"{path}: unexpected error: {error}"
        self.show_open_error(message)

    def show_open_error(self, message: str) -> None:
        """Say that a file cannot be opened (and what is still shown), in the error dialog."""
        if self._dataset is not None:
            kept = f"\n\nStill showing {self._dataset.path.name}."
        else:
            kept = ""
            self.details.set_dataset(None)
        self.show_error("The file cannot be opened", f"{message}{kept}")
        self.open_failed.emit(message)

    def show_error(self, title: str, message: str) -> None:
        """A non-blocking error dialog; the window keeps working behind it."""
        box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.error_box = box

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Database", self._last_folder(), DATABASE_FILTER)
        if path:
            self._remember_folder(Path(path))
            self.open_path(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self._settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.actions[ActionId.CLEAR_RECENT])

    def _clear_recent(self) -> None:
        self._settings.clear_recent_files()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        sources = [p for p in paths if p.suffix.lower() in (".json", ".csv")]
        if sources:
            self._ask_import(sources)
        else:
            self.open_path(paths[0])

    # ================================================================== import and export

    def _ask_import(self, sources: list[Path] | None = None) -> None:
        if not sources:
            names, _ = QFileDialog.getOpenFileNames(self, "Import Events", self._last_folder(), SOURCE_FILTER)
            sources = [Path(name) for name in names]
        if not sources:
            return
        self._remember_folder(sources[0])
        target, _ = QFileDialog.getSaveFileName(
            self,
            "Import Into Database (an existing database is updated)",
            str(sources[0].with_suffix(".db")),
            DATABASE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if target:
            self.import_files(sources, Path(target))

    def import_files(self, sources: list[Path], target: Path) -> None:
        """Import in the background (all or nothing), then open the database."""
        from viewer.store.importer import import_files


        def work(report):
            return import_files(sources, target, report)

        def done(report) -> None:
            verb = "Created" if report.created else "Updated"
            self.statusBar().showMessage(f"{verb} {target.name}: {count_text(report.events, 'event')} imported", 8000)
            self.open_path(target)

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self.statusBar().showMessage("Import cancelled: nothing was written", 6000)
            elif isinstance(error, (DefenceTimelineError, OSError)):
                self.show_error("The import was refused; nothing was written", str(error))
            else:
                self.show_error("The import failed; nothing was written", f"Unexpected error: {error}")

        self.jobs.start(work, done, failed, "Importing…")

    def _ask_export(self) -> None:
        ids = self.timeline.selected_ids()
        if not ids or self._dataset is None:
            return
        dataset = self._dataset
        selection = EventFilter(ids=frozenset(ids))

        def count_with_linked() -> int:
            return dataset.store.count(selected_filter(dataset.store, selection, True))

        dialog = ExportDialog(self, self._settings, len(ids), count_with_linked, _file_stem(dataset.name))
        dialog.accepted.connect(
            lambda: self.export_selected(
                dialog.target(), dialog.fmt, with_linked=dialog.with_linked.isChecked(), width=dialog.width.value()
            )
        )
        dialog.open()
        self.export_dialog = dialog

    def export_selected(
        self, path: Path, fmt: str, *, with_linked: bool = False, width: int = DEFAULT_WIDTH
    ) -> None:
        """Write the selected events in the background, replacing ``path`` atomically."""
        ids = self.timeline.selected_ids()
        database = self._dataset.path if self._dataset else None
        if not ids or database is None:
            return
        request = ExportRequest(
            fmt=fmt,
            event_filter=EventFilter(ids=frozenset(ids)),
            with_linked=with_linked,
            width=width,
            selection_text=self._selection_text(len(ids)),
        )
        if fmt in PICTURE_FORMATS:
            # Pictures are painted with Qt widgets, which live on the UI thread; they are drawn
            # from the data the window already holds rather than reading the file again.
            dataset = self._dataset
            try:
                chosen = dataset.store.event_ids(selected_filter(dataset.store, request.event_filter, with_linked))
                with atomic_binary_file(path, overwrite=True, protected=[dataset.path]) as stream:
                    write_picture(dataset.data, chosen, request, stream, dataset.name)
            except (DefenceTimelineError, OSError) as error:
                self.show_error("The export failed", str(error))
                return
            self.statusBar().showMessage(f"Exported {count_text(len(ids), 'event')} to {path.name}", 8000)
            self.export_finished.emit(str(path))
            return

        def work(report):
            return export_to_file(database, request, path, overwrite=True, progress=report)

        def done(count) -> None:
            self.statusBar().showMessage(f"Exported {count_text(count, 'event')} to {path.name}", 8000)
            self.export_finished.emit(str(path))

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self.statusBar().showMessage("Export cancelled: no file was written", 6000)
            else:
                self.show_error("The export failed; no file was written", str(error))

        self.jobs.start(work, done, failed, f"Exporting {count_text(len(ids), 'event')}…")

    def _selection_text(self, count: int) -> str:
        chosen = f"{count:,} event{'s' if count != 1 else ''} selected in the window"
        return chosen if self._filter.is_empty else f"{chosen}, filtered by {self._filter.describe()}"

    def _read_table_order(self, key: str) -> None:
        """Sorting a large table by text: read the order in the background, then sort."""
        if self._dataset is None:
            return
        database, model = self._dataset.path, self.table.model()
        self.statusBar().showMessage(f"Sorting by {key}…")

        def work(_report):
            with EventStore(database) as store:
                return store.seqs_ordered_by(key)

        def done(seqs) -> None:
            if self._dataset is not None and self._dataset.path == database:
                model.provide_order(key, seqs)
            self.statusBar().clearMessage()

        def failed(error: BaseException) -> None:
            self.show_error("The table cannot be sorted", str(error))

        self.jobs.start(work, done, failed)

    # ================================================================== filtering

    def _on_filter_changed(self) -> None:
        if self._dataset is None:
            return
        event_filter = self.filters.current_filter()
        self._filter = event_filter
        self._filter_generation += 1
        generation = self._filter_generation
        if event_filter.fts_query() is None:
            self._apply_filter(generation, event_filter, None)
            return
        database = self._dataset.path

        def work(_report):
            with EventStore(database) as store:
                return store.event_seqs(search_only(event_filter))

        def failed(error: BaseException) -> None:
            if generation == self._filter_generation:
                self.show_error("The search failed", str(error))

        def done(seqs) -> None:
            self._apply_filter(generation, event_filter, seqs)

        self.jobs.start(work, done, failed)

    def _apply_filter(self, generation: int, event_filter: EventFilter, seqs: list[int] | None) -> None:
        if generation != self._filter_generation or self._dataset is None:
            return
        index = self._dataset.data.index
        linked = None
        if self.filters.is_linked_only():
            selected = self.timeline.selected_positions()
            if selected.size:
                linked = np.zeros(len(index), dtype=bool)
                linked[selected] = True
                linked[self._dataset.data.linked_to_flags(linked.copy())] = True
        mask, counts = filter_and_facets(index, event_filter, seqs, linked)
        self.filters.update_counts(counts)
        self._mask = mask
        self._applying_filter = True  # a selection the filter drops must not start a filter inside this one
        try:
            self.timeline.set_filter_mask(mask)
        finally:
            self._applying_filter = False
        positions = np.arange(len(index)) if mask is None else np.flatnonzero(mask)
        with QSignalBlocker(self.table.selectionModel()):
            self.table.model().set_positions(positions)
        if self._after_filter is not None:
            restore, self._after_filter = self._after_filter, None
            restore()
        self._select_in_table(self.timeline.selected_positions())
        self._update_counts()
        if self._refilter:  # the selection changed under "linked to the selection": once more, after
            self._refilter = False
            self._on_filter_changed()
            return
        if not self._walking_history:
            self._record_place()
        self.filter_applied.emit(int(positions.size))

    def visible_count(self) -> int:
        """How many events pass the current filter."""
        return self.timeline.visible_count()

    # ================================================================== selection

    def _on_timeline_selection(self, ids: list[str]) -> None:
        if self._syncing_selection:
            return
        self._select_in_table(self.timeline.selected_positions())
        self._selection_changed(ids)

    def _on_table_selection(self, *_args) -> None:
        if self._syncing_selection or self._dataset is None:
            return
        self._syncing_selection = True
        try:
            self.timeline.select_positions(self.table.selected_positions())
        finally:
            self._syncing_selection = False
        self._selection_changed(self.timeline.selected_ids())

    def _select_in_table(self, positions: np.ndarray) -> None:
        self._syncing_selection = True
        try:
            self.table.select_positions(positions)
        finally:
            self._syncing_selection = False

    def _selection_changed(self, ids: list[str]) -> None:
        if not self._walking_history:
            self._record_place()
        self._show_selection(ids)
        self._update_actions()
        if self.filters.is_linked_only():
            if self._applying_filter:
                self._refilter = True
            else:
                self._on_filter_changed()

    def select_all_visible(self) -> None:
        """Select every event the filter shows (Ctrl+A)."""
        if self._dataset is None:
            return
        positions = np.arange(len(self._dataset.data.index)) if self._mask is None else np.flatnonzero(self._mask)
        self.timeline.select_positions(positions)

    def add_linked_events(self) -> None:
        """Extend the selection with the events linked to it."""
        if self._dataset is None:
            return
        selected = self.timeline.selected_positions()
        linked = self._dataset.data.linked_positions(selected)
        self.timeline.select_positions(np.concatenate([selected, linked]))

    def go_back(self) -> None:
        """The previous place: selection, view and filter (Alt+Left, the mouse's back button)."""
        self._go_to_place(self._history.back())

    def go_forward(self) -> None:
        """The next place (Alt+Right, the mouse's forward button)."""
        self._go_to_place(self._history.forward())

    def _place(self) -> Place:
        return Place(self.timeline.selected_positions(), self.timeline.visible_range(), self._filter,
                     self.filters.is_linked_only())

    def _record_place(self) -> None:
        if self._dataset is not None and not self._walking_history:
            self._history.record(self._place())
            self._update_actions()

    def _on_view_changed(self, _first: float, _end: float) -> None:
        if not self._walking_history:
            self._view_settled.start()

    def _go_to_place(self, place: Place | None) -> None:
        if place is None or self._dataset is None:
            return
        self._view_settled.stop()
        self._walking_history = True

        def arrive() -> None:
            try:
                self.timeline.select_positions(place.selection)
                if place.view is not None:
                    self.timeline.show_range(*place.view, margin=0.0)
            finally:
                self._walking_history = False
                self._view_settled.stop()
            self._update_actions()

        if place.event_filter == self._filter and place.linked_only == self.filters.is_linked_only():
            arrive()
            return
        self.filters.set_state(place.event_filter, place.linked_only)
        self._after_filter = arrive
        self._on_filter_changed()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            if event.button() == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        return super().eventFilter(watched, event)

    def copy_selection(self) -> None:
        """Copy the selected events as tab-separated text (dates, title, kind, location)."""
        if self._dataset is None:
            return
        ids = self.timeline.selected_ids()[:COPY_LIMIT]
        if not ids:
            return
        lines = ["start\tend\ttitle\tkind\tlocation"]
        try:
            for event in self._dataset.store.iter_events(EventFilter(ids=frozenset(ids))):
                cells = [event.start.iso(), event.end.iso() if event.end else "", event.title, event.kind or "",
                         event.location or ""]
                lines.append("\t".join(" ".join(cell.split()) for cell in cells))
        except DefenceTimelineError as error:
            self.show_error("The selection cannot be copied", str(error))
            return
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")
        self.statusBar().showMessage(f"Copied {count_text(len(ids), 'event')}", 4000)

    # ================================================================== details

    def _show_selection(self, ids: list[str]) -> None:
        self.details.show_selection(ids)

    def show_body(self, body_id: str) -> None:
        """Show a body's record in the details pane."""
        self.details.show_body(body_id)

    def _go_to_event(self, event_id: str) -> None:
        self.timeline.set_selection([event_id])
        self.timeline.centre_on_event(event_id)

    def _show_only_body(self, body_id: str) -> None:
        self.filters.show_only_body(body_id)
        self.details.show_body(body_id)

    def _on_event_activated(self, event_id: str) -> None:
        self.details_dock.show()
        self.details_dock.raise_()

    def _on_table_activated(self, position: int) -> None:
        if self._dataset is not None:
            event_id = self._dataset.data.index.ids[position]
            self.timeline.set_selection([event_id])
            self.timeline.centre_on_event(event_id)

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

    def _update_counts(self) -> None:
        total = len(self._dataset.data.index) if self._dataset else 0
        self.count_label.setText(f"Showing {self.visible_count():,} of {total:,} events")

    def _update_zoom_label(self, first: float, end: float) -> None:
        self.zoom_label.setText(f"{format_duration(end - first)} shown")

    def _update_actions(self) -> None:
        has_data = self._dataset is not None
        has_selection = has_data and self.timeline.selected_count() > 0
        a = self.actions
        a[ActionId.EXPORT_SELECTED].setEnabled(has_selection)
        a[ActionId.COPY].setEnabled(has_selection)
        a[ActionId.ADD_LINKED].setEnabled(has_selection)
        a[ActionId.CLEAR_SELECTION].setEnabled(has_selection)
        a[ActionId.SELECT_ALL_VISIBLE].setEnabled(has_data)
        a[ActionId.BACK].setEnabled(self._history.can_go_back)
        a[ActionId.FORWARD].setEnabled(self._history.can_go_forward)

    # ================================================================== folders

    def _last_folder(self) -> str:
        return self._settings.text("files/folder", str(Path.home()))

    def _remember_folder(self, path: Path) -> None:
        self._settings.set("files/folder", str(path.parent))


def _interrupt(store: EventStore) -> None:
    """Stop the store's running query (from any thread), however this version of it allows."""
    cancel = getattr(store, "cancel", None)
    if cancel is not None:
        cancel()
    else:
        store.connection.interrupt()


def _file_stem(name: str) -> str:
    """A file name made from a dataset's name."""
    stem = "".join(ch if ch.isalnum() or ch in "-_ " else " " for ch in name).strip()
    return "-".join(stem.split())[:60] or "events"


VIEW_SETTLE_MS = 700  # a view that stays this long after a zoom or a pan is a place of the history
COMPACT_BELOW_PX = 1280  # narrower than this, the side panes become tabs on one side
FIRST_SIZE = (1500, 900)


def first_window_size(screen) -> QSize:
    """The first window's size: the usual, shrunk to nine tenths of the screen it opens on."""
    width, height = FIRST_SIZE
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, int(room.width() * 0.9)), min(height, int(room.height() * 0.9))
    return QSize(max(width, 640), max(height, 480))


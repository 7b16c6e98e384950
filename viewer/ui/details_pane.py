"""The Details pane: what the selection holds, a body's record, or the file's summary.

It reads from the open :class:`Dataset` and shows plain data as escaped HTML (see
:mod:`viewer.ui.detail_html`); an event with very many links or bodies is read in the
background so that the window never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from viewer.formatting import format_event_dates
from viewer.state.view_state import Change, ViewState
from viewer.store.errors import DefenceTimelineError
from viewer.store.filters import EventFilter
from viewer.store.model import Event
from viewer.store.reader import RELATED_LIMIT, EventStore, Provenance
from viewer.store.workspace import Annotation
from viewer.timeline.lanes import kind_title
from viewer.timeline.painting import single_line
from viewer.ui import detail_html
from viewer.ui.dataset import Dataset
from viewer.ui.jobs import Jobs
from viewer.ui.tasks import Cancelled

MAX_TOOLTIP_BODIES = 12
HEAVY_EVENT = 2_000  # links or bodies above which an event's details are read in the background


class DetailsPane(QTextBrowser):
    """Shows the details of what is selected; links in it ask the window to go somewhere."""

    shown = Signal()  # the pane shows the current selection (after reading it)
    problem = Signal(str)  # the details cannot be read (the message, for the status bar)
    event_link = Signal(str)  # an event's link was clicked (its id)
    body_link = Signal(str)  # a body's link was clicked (its id)

    def __init__(self, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName("Details")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self._jobs = jobs
        self._dataset: Dataset | None = None
        self.annotation_of: Callable[[str], Annotation] = lambda _event_id: Annotation()  # the window's workspace
        self._generation = 0
        self.anchorClicked.connect(self._on_link)
        self.setHtml("<p>Opening…</p>")

    def set_dataset(self, dataset: Dataset | None) -> None:
        """Read from ``dataset`` from now on (None: no file open)."""
        self._dataset = dataset
        self._generation += 1
        if dataset is None:
            self.setHtml(detail_html.no_file_html())

    def bind(self, state: ViewState) -> None:
        """Show what ``state`` has selected (the file's summary when nothing is)."""
        self._state = state
        state.changed.connect(self._on_state_changed)

    def _on_state_changed(self, changes: Change) -> None:
        if changes & Change.DATASET and self._state.dataset is not self._dataset:
            self.set_dataset(self._state.dataset)
        if changes & (Change.DATASET | Change.SELECTION):
            positions = self._state.selected_positions()
            index = self._state.data.index
            ids = index.ids
            ends = None
            if positions.size > 1:  # the whole selection's span, not only the events listed
                first, last = index.ends_of(positions)
                ends = (ids[first], ids[last])
            self.show_selection([ids[p] for p in positions[: detail_html.MAX_LISTED].tolist()], int(positions.size),
                                ends)

    def refresh(self) -> None:
        """Show the selection again (its annotations changed)."""
        if self._dataset is not None:
            self._on_state_changed(Change.SELECTION)

    def show_selection(self, ids: list[str], count: int | None = None, ends: tuple[str, str] | None = None) -> None:
        """The details of the selected events (the file's summary when none is selected).

        ``ids`` may be the first of ``count`` selected events (as many as the pane lists); ``ends``
        are the ids of the selection's earliest-starting and latest-ending events, for its span.
        """
        if self._dataset is None:
            return
        self._generation += 1
        store = self._dataset.store
        count = len(ids) if count is None else count
        try:
            if not ids:
                self.show_summary()
            elif count == 1:
                if self._is_heavy(ids[0]):
                    self._read_in_background(ids[0])
                    return
                self._show_event(*event_details(store, ids[0]))
            else:
                listed = store.events(EventFilter(ids=frozenset(ids[: detail_html.MAX_LISTED])))
                if listed:
                    self.setHtml(detail_html.events_html(listed, count, self._end_events(ends)))
                else:
                    self.setPlainText(f"{count:,} events selected; they cannot be read from the file.")
        except DefenceTimelineError as error:
            self._show_error(error)
            return
        self.shown.emit()

    def _end_events(self, ends: tuple[str, str] | None) -> tuple[Event, Event] | None:
        if ends is None or self._dataset is None:
            return None
        first, last = (self._dataset.store.event(event_id) for event_id in ends)
        return (first, last) if first is not None and last is not None else None

    def show_summary(self) -> None:
        """What the open file holds."""
        if self._dataset is None:
            return
        summary = self._dataset.summary
        self.setHtml(
            detail_html.welcome_html(
                self._dataset.name, summary.events, summary.bodies, summary.links, summary.first_date, summary.last_date
            )
        )

    def show_body(self, body_id: str) -> None:
        """A body's record: its parent, sub-bodies, history and events."""
        if self._dataset is None:
            return
        body = self._dataset.bodies.get(body_id)
        if body is None:
            return
        try:
            context = self._dataset.store.body_context(body)
        except DefenceTimelineError as error:
            self.setPlainText(f"The details cannot be read: {error}")
            return
        self.setHtml(detail_html.body_html(body, context))

    def describe_event(self, position: int) -> str:
        """The timeline's tooltip for an event: title, dates as known, kind and status, place, bodies."""
        if self._dataset is None:
            return ""
        index, bodies = self._dataset.data.index, self._dataset.bodies
        try:
            event = self._dataset.store.event(index.ids[position])
        except DefenceTimelineError as error:
            return f"{index.titles[position]}\n(The details cannot be read: {error})"
        if event is None:
            return ""
        lines = [event.title, format_event_dates(event)]
        facts = [x for x in (event.kind and kind_title(event.kind), event.status and event.status.value.capitalize(),
                             event.location) if x]
        if facts:
            lines.append(" · ".join(facts))
        if event.bodies:
            names = [bodies[p.body_id].acronym or bodies[p.body_id].name if p.body_id in bodies else p.body_id
                     for p in event.bodies[:MAX_TOOLTIP_BODIES]]
            more = len(event.bodies) - len(names)
            lines.append(", ".join(names) + (f" and {more:,} more" if more else ""))
        grade = detail_html.grade_line(event, self._dataset.store.grading)
        if grade:
            lines.append(f"Grade {grade}")
        annotation = self.annotation_of(event.id)
        if annotation.starred or annotation.note:
            mark = "★ Starred" if annotation.starred else ""
            note = f"Your note: {annotation.note}" if annotation.note else ""
            lines.append(" · ".join(part for part in (mark, note) if part))
        return "\n".join(single_line(line[:300]) for line in lines)  # one line each, whatever the data holds

    # ------------------------------------------------------------------ inside

    def _show_event(self, event: Event | None, related: list, total: int, provenance: Provenance | None) -> None:
        if event is None:
            self.setPlainText("This event cannot be read from the file (it was skipped).")
        else:
            assert self._dataset is not None
            self.setHtml(detail_html.event_html(event, related, self._dataset.bodies, total_related=total,
                                                provenance=provenance, grading=self._dataset.store.grading,
                                                annotation=self.annotation_of(event.id)))

    def _show_error(self, error: BaseException) -> None:
        self.setPlainText(f"The details cannot be read: {error}")
        self.problem.emit(str(error))

    def _is_heavy(self, event_id: str) -> bool:
        """True for an event with so many links or bodies that reading it takes a while."""
        data = self._dataset.data if self._dataset else None
        position = data.position_of(event_id) if data else None
        if data is None or position is None:
            return False
        links = int((data.link_from == position).sum()) + int((data.link_to == position).sum())
        return links > HEAVY_EVENT or len(data.bodies_of(position)) > HEAVY_EVENT

    def _read_in_background(self, event_id: str) -> None:
        """Read one event with very many links or bodies off the UI thread, then show it
        (unless the selection changed meanwhile)."""
        assert self._dataset is not None
        path, generation = self._dataset.path, self._generation
        self.setHtml("<p>Reading the details…</p>")

        def work(_report):
            with EventStore(path) as store:
                return event_details(store, event_id)

        def done(details) -> None:
            if generation == self._generation and self._dataset is not None:
                self._show_event(*details)
                self.shown.emit()

        def failed(error: BaseException) -> None:
            if generation == self._generation and not isinstance(error, Cancelled):
                self._show_error(error)

        self._jobs.start(work, done, failed)

    def _on_link(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme in ("http", "https"):
            QDesktopServices.openUrl(url)
            return
        key = QUrl.fromPercentEncoding(url.path().encode("utf-8"))
        if scheme == detail_html.EVENT_SCHEME:
            self.event_link.emit(key)
        elif scheme == detail_html.BODY_SCHEME:
            self.body_link.emit(key)


def event_details(store: EventStore, event_id: str) -> tuple[Event | None, list, int, Provenance | None]:
    """An event, its first related events, how many there are, and where it came from."""
    event = store.event(event_id)
    if event is None:
        return None, [], 0, None
    related = store.related(event.id, limit=RELATED_LIMIT)
    return event, related, max(store.related_count(event.id), len(related)), store.provenance(event.id)

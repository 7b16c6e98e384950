"""An open database file with everything the window shows of it, loaded in one go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from viewer.store.dates import parse_date
from viewer.store.model import Body
from viewer.store.reader import EventStore, StoreSummary
from viewer.store.workspace import Workspace, WorkspaceError, load_workspace
from viewer.timeline.axis import with_margin
from viewer.timeline.data import TimelineData
from viewer.timeline_source import load_timeline_data
from viewer.ui.filter_panel import FilterChoices, choices_of


@dataclass
class Dataset:
    """The store (read-only), the timeline's in-memory data and the file's summary.

    Everything whose cost grows with the file (bodies, the body tree of the lanes and of the
    Filters dock, the counts) is prepared by :meth:`load`, off the UI thread.
    """

    path: Path
    store: EventStore
    data: TimelineData
    summary: StoreSummary
    view: tuple[float, float] | None = None  # the range the dataset asks to be shown first
    bodies: dict[str, Body] = field(default_factory=dict)
    choices: FilterChoices | None = None
    unreadable: str = ""  # "3 records could not be read and were skipped: …" (empty when every record was read)
    index_note: str = ""  # why the time index was built on opening (empty when the file's stored one was read)
    workspace: Workspace | None = None  # the analyst's annotations and views beside the file
    workspace_problem: str = ""  # why the workspace cannot be used (it is then None and left as it is)

    @property
    def name(self) -> str:
        """The dataset's own name, or the file name."""
        return self.summary.name or self.path.stem

    @classmethod
    def load(
        cls,
        path: Path,
        report: Callable[[str, int, int], None] | None = None,
        on_store: Callable[[EventStore], None] | None = None,
    ) -> Dataset:
        """Open ``path`` read-only and read what the window needs (run this off the UI thread).

        ``on_store`` receives the store as soon as it is open (to cancel its queries from
        another thread).
        """
        def step(stage: str, done: int) -> None:
            if report is not None:
                report(stage, done, 5)

        step("Opening", 0)
        store = EventStore(path)
        try:
            if on_store is not None:
                on_store(store)
            step(f"Loading {store.stored_event_count():,} events", 1)
            # The time index checks only what it reads; what the table, the details and the
            # exports skip as unreadable is left off the timeline too.
            data = load_timeline_data(store).without_seqs(store.unreadable_event_seqs())
            data.position_of("")  # build the id lookup here, not on the UI thread
            step("Reading bodies", 2)
            bodies = {body.id: body for body in store.bodies()}
            data.body_tree()  # the lanes' walk over every body, here too
            step("Reading the summary", 3)
            summary = store.summary()
            view = store.view()
            unreadable = _unreadable_text(store)
            index_note = getattr(store, "index_note", "")
            step("Listing bodies", 4)
            choices = choices_of(data)
            workspace, workspace_problem = _workspace_of(path)
            step("Ready", 5)
        except BaseException:
            store.close()
            raise
        first_view = None
        if view is not None:
            first, last = parse_date(view[0]), parse_date(view[1])
            first_view = with_margin(float(first.first_instant()), float(last.end_instant()))
        return cls(path, store, data, summary, first_view, bodies, choices, unreadable, index_note, workspace,
                   workspace_problem)

    def close(self) -> None:
        """Release the file."""
        self.store.close()


def _workspace_of(path: Path) -> tuple[Workspace | None, str]:
    """The workspace beside ``path``, or None and why it cannot be used (it is left as it is)."""
    try:
        return load_workspace(path), ""
    except WorkspaceError as error:
        return None, f"{error}. Stars, notes and views are off until it is mended or moved away."


def _unreadable_text(store: EventStore) -> str:
    """The store's account of the records it skipped, if it keeps one."""
    unreadable = getattr(store, "unreadable", None)
    if unreadable is None:
        return ""
    counts = unreadable()
    return counts.describe() if getattr(counts, "total", 0) else ""

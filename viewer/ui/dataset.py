"""An open database file with everything the window shows of it, loaded in one go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from viewer.store.dates import parse_date
from viewer.store.reader import EventStore, StoreSummary
from viewer.timeline.data import TimelineData
from viewer.timeline_source import load_timeline_data


@dataclass
class Dataset:
    """The store (read-only), the timeline's in-memory data and the file's summary."""

    path: Path
    store: EventStore
    data: TimelineData
    summary: StoreSummary
    view: tuple[float, float] | None = None  # the range the dataset asks to be shown first

    @property
    def name(self) -> str:
        """The dataset's own name, or the file name."""
        return self.summary.name or self.path.stem

    @classmethod
    def load(cls, path: Path, report: Callable[[str, int, int], None] | None = None) -> Dataset:
        """Open ``path`` read-only and read what the window needs (run this off the UI thread)."""
        def step(stage: str, done: int) -> None:
            if report is not None:
                report(stage, done, 3)

        step("Opening", 0)
        store = EventStore(path)
        try:
            step("Reading events", 1)
            data = load_timeline_data(store)
            data.position_of("")  # build the id lookup here, not on the UI thread
            step("Reading the summary", 2)
            summary = store.summary()
            view = store.view()
            step("Ready", 3)
        except BaseException:
            store.close()
            raise
        first_view = None
        if view is not None:
            first_view = (float(parse_date(view[0]).first_instant()), float(parse_date(view[1]).end_instant()))
        return cls(path, store, data, summary, first_view)

    def close(self) -> None:
        """Release the file."""
        self.store.close()

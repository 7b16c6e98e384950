"""Timeline benchmark with grades: bench/timeline_bench.py, on graded and annotated data.

    python bench/timeline_grades_bench.py --events 100000 [--json] [--keep-db PATH]

The same database, widget and frames as bench/timeline_bench.py, but every event is given a
credibility (a seeded spread over the Admiralty scale, a tenth ungraded), every link a
confidence (confirmed, probable, possible in turn), and, where the widget takes annotations,
1% of the events are starred and 2% noted. Compare its numbers with timeline_bench.py's to
see what drawing grades and annotations costs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import timeline_bench  # (sets the offscreen platform first)

from viewer.timeline.data import TimelineData
from viewer.timeline.widget import TimelineWidget

_load = timeline_bench.load_timeline_data


def _graded(store) -> TimelineData:
    data = _load(store)
    rng = np.random.default_rng(11)
    count = len(data.index)
    data.index.credibility = rng.choice(np.arange(-1, 6, dtype=np.int8), size=count,
                                        p=[0.1, 0.25, 0.25, 0.15, 0.1, 0.1, 0.05]).astype(np.int8)
    data.link_confidence = (np.arange(data.link_from.size) % 3).astype(np.int8)
    return data


class _AnnotatedWidget(TimelineWidget):
    """The widget, given stars and notes with its data (when it takes them)."""

    def set_data(self, data: TimelineData, *args, **kwargs) -> None:
        super().set_data(data, *args, **kwargs)
        if hasattr(self, "set_annotations"):
            ids = data.index.ids
            self.set_annotations(ids[::100], ids[::50])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep-db", type=Path, help="build the database here (or reuse it if present)")
    options = parser.parse_args()
    timeline_bench.load_timeline_data = _graded
    timeline_bench.TimelineWidget = _AnnotatedWidget
    with tempfile.TemporaryDirectory() as folder:
        path = options.keep_db or Path(folder) / "bench.db"
        if not path.exists():
            timeline_bench._build(path, options.events)
        result = timeline_bench.drive(path, options.events)
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()

"""Render docs/timeline.png: the timeline widget on the bundled sample, the June ministerial selected.

    xvfb-run -a .venv/bin/python docs/scripts/timeline_screenshot.py [output.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from viewer.store.reader import EventStore
from viewer.store.sample import sample_database_path
from viewer.timeline.widget import TimelineWidget
from viewer.timeline_source import load_timeline_data

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "timeline.png"
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with EventStore(sample_database_path()) as store:
        data = load_timeline_data(store)
    widget = TimelineWidget()
    widget.resize(1500, 820)
    widget.set_data(data)
    widget.show()
    app.processEvents()
    widget.show_range(*_range("2023-05-25", "2023-07-25"))
    widget.set_selection(["dmm-2023-06"])
    app.processEvents()
    widget.grab().save(str(output))
    print(output)


def _range(first: str, last: str) -> tuple[float, float]:
    from viewer.store.dates import parse_date

    return float(parse_date(first).first_instant()), float(parse_date(last).end_instant())


if __name__ == "__main__":
    main()

"""Timeline benchmark: the real widget, offscreen, on N synthetic events.

    python bench/timeline_bench.py --events 1000000 [--json] [--keep-db PATH]

Generates N events (bench/synthetic.py: 30 bodies, news-like bursts over 20 years, 80% points,
20% spans, a few spans of years), imports them with the project's own import into a temporary
database, opens it as the app does (read-only store, time index, timeline data) and drives a
1600x900 TimelineWidget: the first frame, 200 frames zooming from "fit all" down to one day
and then panning, and a full-text filter and a body filter, each with its repaint.
Every frame is a full render of the widget into an image, layout included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from synthetic import generate_document

from viewer.store.filters import EventFilter
from viewer.store.importer import import_parsed
from viewer.store.interchange import parse_document
from viewer.store.reader import EventStore
from viewer.timeline.widget import TimelineWidget
from viewer.timeline_source import load_timeline_data

WIDTH, HEIGHT = 1600, 900
FRAMES = 200
ZOOM_FRAMES = 150


def _render(widget: TimelineWidget, image: QImage) -> float:
    started = time.perf_counter()
    widget.render(image)
    return (time.perf_counter() - started) * 1000


def drive(path: Path, n_events: int) -> dict[str, object]:
    app = QApplication.instance() or QApplication([])
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    widget = TimelineWidget()
    widget.resize(WIDTH, HEIGHT)
    started = time.perf_counter()
    store = EventStore(path)
    data = load_timeline_data(store)
    widget.set_data(data)
    open_s = time.perf_counter() - started
    app.processEvents()
    first_frame_ms = _render(widget, image)

    frames = []
    span = widget.axis().visible_seconds
    step = (86_400 / span) ** (1 / ZOOM_FRAMES)
    anchor = widget.axis().width * 0.55
    for _ in range(ZOOM_FRAMES):
        widget.zoom_at(1 / step, anchor)
        frames.append(_render(widget, image))
    for frame in range(FRAMES - ZOOM_FRAMES):
        widget.pan_pixels(37 if frame % 10 < 7 else -61)
        frames.append(_render(widget, image))

    widget.fit_all()
    _render(widget, image)
    started = time.perf_counter()
    mask = data.index.mask_of_seqs(store.event_seqs(EventFilter.build(search="undersea cable")))
    widget.set_filter_mask(mask)
    widget.fit_all()
    _render(widget, image)
    filter_text_ms = (time.perf_counter() - started) * 1000
    matched_text = int(mask.sum())

    started = time.perf_counter()
    body_mask = data.index.body_members_mask(["body-07"])
    widget.set_filter_mask(body_mask)
    widget.fit_all()
    _render(widget, image)
    filter_body_ms = (time.perf_counter() - started) * 1000
    matched_body = int(body_mask.sum())
    store.close()
    frames.sort()
    return {
        "events": n_events,
        "open_s": round(open_s, 3),
        "first_frame_ms": round(first_frame_ms, 1),
        "frame_ms_p50": round(statistics.median(frames), 2),
        "frame_ms_p95": round(frames[int(len(frames) * 0.95) - 1], 2),
        "frame_ms_max": round(frames[-1], 2),
        "filter_ms": round(max(filter_text_ms, filter_body_ms), 1),
        "filter_text_ms": round(filter_text_ms, 1),
        "filter_text_hits": matched_text,
        "filter_body_ms": round(filter_body_ms, 1),
        "filter_body_hits": matched_body,
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep-db", type=Path, help="build the database here (or reuse it if present)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = options.keep_db or Path(folder) / "bench.db"
        if not path.exists():
            # Built in a child process so its memory does not count against the viewer's RSS.
            _build(path, options.events)
        result = drive(path, options.events)
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")


def _build(path: Path, n_events: int) -> None:
    pid = os.fork()
    if pid == 0:  # child: generate and import, then leave
        try:
            import_parsed([parse_document(generate_document(n_events), "synthetic")], path)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    if not path.exists():
        raise SystemExit("building the benchmark database failed")


if __name__ == "__main__":
    main()

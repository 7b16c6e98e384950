"""Window benchmark: the real main window, offscreen, on N synthetic events.

    python bench/window_bench.py --events 1000000 [--shape news|dossier] [--json] [--keep-db PATH]
                                 [--timeout SECONDS]

Generates N events (``--shape news``: bench/synthetic.py, 30 bodies, news-like bursts over 20
years; ``--shape dossier``: bench/synthetic_dossier.py, ~2,300 bodies four levels deep, long
titles, many tags, dense chains of links, four years), imports them with the project's own
import into a temporary database (or reuses ``--keep-db``), and drives a 1600x1000
MainWindow, shown offscreen with settings kept in a temporary ini file:

- open: ``open_path`` until ``dataset_opened`` (``to_signal_s``) and until the window is idle
  (``s``: no background work left and the event loop answering at once);
- a full-text search for a common and a rare word of the generator's vocabulary, and its
  clearing (``filters.set_search``, which applies at once: no debounce), each until
  ``filter_applied`` and idle, with the hit count;
- one filter per facet: a top-level body with sub-bodies, a kind and a tag (the largest of
  each), each set and cleared through the panel's own API;
- a sort of the Events table by every column (until the model's ``layoutChanged``: text orders
  of a large file arrive from the background first), back to Start at the end;
- Select All until the timeline holds every event and the details pane says ``details_shown``;
- CSV export (``export_selected``) of ~5,000 evenly spread events and of all, until
  ``export_finished``.

Each action reports seconds and ``block_ms``: the longest the UI thread did not answer a 5 ms
timer while the action ran (the gap between two ticks, less the interval). An action that fails
or times out is reported as null with the reason in ``errors``. Prints one JSON object with
``--json``, otherwise one line per action.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import PySide6
import synthetic
import synthetic_dossier
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QThreadPool, QTimer, qVersion
from PySide6.QtWidgets import QApplication

from viewer.store.importer import import_parsed
from viewer.store.interchange import parse_document
from viewer.store.reader import EventStore
from viewer.ui.event_table import COLUMNS, START
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings

WIDTH, HEIGHT = 1600, 1000
TICK_MS = 5  # the UI-thread probe's interval
IDLE_GAP_MS = 2.0  # an event loop that answers a zero timer within this is idle...
QUIET_MS = 40  # ...for this long: more than a frame (repaints wait for the next frame)
SOME_SELECTED = 5_000

SHAPES: dict[str, dict[str, Any]] = {
    "news": {
        "generator": "bench/synthetic.py generate_document",
        "generate": synthetic.generate_document,
        "common_word": "ministers",  # one of 30 words, 17 draws per event: in ~44% of the events
        "rare_word": "codename19999",  # one event in 20,000 (no longer codename starts with it)
    },
    "dossier": {
        "generator": "bench/synthetic_dossier.py generate_document",
        "generate": synthetic_dossier.generate_document,
        "common_word": synthetic_dossier.COMMON_WORD,  # ~60% of the titles
        "rare_word": f"ref{synthetic_dossier.RARE_REF - 1:05d}",  # one event in 25,000
    },
}


class BenchError(Exception):
    """An action that failed or did not finish in time (its reason)."""


# ---------------------------------------------------------------------- the UI thread's pulse


class BlockProbe:
    """A 5 ms timer on the UI thread; the largest gap between its ticks is the longest block."""

    def __init__(self) -> None:
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last = 0.0
        self.worst = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def now_ms(self) -> float:
        return self._clock.nsecsElapsed() / 1e6

    def _tick(self) -> None:
        now = self.now_ms()
        self.worst = max(self.worst, now - self._last - TICK_MS)
        self._last = now

    def restart(self) -> None:
        """Start a new action: the bench's own time before it is not the window's."""
        self._last = self.now_ms()
        self.worst = 0.0

    def finish(self) -> float:
        """The longest block since :meth:`restart` (ms), counting the time since the last tick."""
        self._tick()
        return round(max(self.worst, 0.0), 1)


class Recorder:
    """Records when a signal is emitted (connected before the action starts)."""

    def __init__(self, signal: Any) -> None:
        self.times: list[float] = []
        self.args: list[tuple] = []
        self._signal = signal
        signal.connect(self._on)

    def _on(self, *args: object) -> None:
        self.times.append(time.perf_counter())
        self.args.append(args)

    @property
    def fired(self) -> bool:
        return bool(self.times)

    def close(self) -> None:
        try:
            self._signal.disconnect(self._on)
        except (RuntimeError, TypeError):
            pass


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Run the event loop until ``condition()`` holds (polled every millisecond); raise
    :class:`BenchError` after ``timeout`` seconds, or what ``condition()`` raised."""
    if condition():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    timed_out = []
    raised: list[BaseException] = []

    def check() -> None:
        try:
            met = condition()
        except Exception as error:  # raised after the loop: a Qt slot must not raise
            raised.append(error)
            met = True
        if met:
            loop.quit()

    def expire() -> None:
        timed_out.append(True)
        loop.quit()

    poll.timeout.connect(check)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(expire)
    poll.start()
    limit.start(int(timeout * 1000))
    loop.exec()
    poll.stop()
    limit.stop()
    if raised:
        raise raised[0]
    if timed_out and not condition():
        raise BenchError(f"timed out after {timeout:g} s waiting for {what}")


def wait_idle(timeout: float) -> float:
    """Wait until no background work runs and the event loop has answered every zero timer at
    once for :data:`QUIET_MS` (longer than a frame, so that a repaint waiting for the next
    frame is seen); return when that quiet time began (perf_counter)."""
    deadline = time.perf_counter() + timeout
    quiet_since: float | None = None
    while True:
        if time.perf_counter() > deadline:
            raise BenchError(f"the window did not become idle within {timeout:g} s")
        pool_busy = QThreadPool.globalInstance().activeThreadCount() > 0
        asked = time.perf_counter()
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()  # whatever the loop does first (a repaint...) delays the return
        answered = time.perf_counter()
        if pool_busy or (answered - asked) * 1000 >= IDLE_GAP_MS:
            quiet_since = None
            if pool_busy:
                _sleep_in_loop(0.002)
            continue
        if quiet_since is None:
            quiet_since = asked
        elif (answered - quiet_since) * 1000 >= QUIET_MS:
            return quiet_since


def _sleep_in_loop(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(max(1, int(seconds * 1000)), loop.quit)
    loop.exec()


# ---------------------------------------------------------------------- the bench


class WindowBench:
    """Times actions on one window; failures are collected in ``errors``, never raised."""

    def __init__(self, window: MainWindow, probe: BlockProbe, timeout: float) -> None:
        self.window = window
        self.probe = probe
        self.timeout = timeout
        self.errors: dict[str, str] = {}
        self.blocks: list[float] = []

    def run(self, name: str, start: Callable[[], None], done: Callable[[], bool] | None = None,
            signal: Any = None, what: str = "", timeout: float | None = None,
            extra: Callable[[], dict[str, Any]] | None = None,
            keep_args: bool = False) -> dict[str, Any] | None:
        """Time one action: ``start()``, then wait for ``signal`` and ``done()``, then idle.

        Returns seconds until idle (``s``), until the signal (``to_signal_s``), the longest
        block, what ``extra()`` adds and (``keep_args``) the signal's arguments; None (with
        the reason in ``errors``) on failure.
        """
        timeout = timeout or self.timeout
        window = self.window
        box_before = window.error_box
        recorder = Recorder(signal) if signal is not None else None

        def finished() -> bool:
            if window.error_box is not box_before and window.error_box is not None and window.error_box.isVisible():
                raise BenchError(f"error shown: {window.error_box.text()!r} {window.error_box.informativeText()!r}")
            return (recorder is None or recorder.fired) and (done is None or done())

        try:
            wait_idle(timeout)  # what came before has settled
            self.probe.restart()
            started = time.perf_counter()
            start()
            wait_for(finished, timeout, what or name)
            signalled = recorder.times[0] if recorder is not None else None
            ended = wait_idle(timeout)
            result: dict[str, Any] = {"s": round(ended - started, 3)}
            if signalled is not None:
                result["to_signal_s"] = round(signalled - started, 3)
            result["block_ms"] = self.probe.finish()
            self.blocks.append(result["block_ms"])
            if extra is not None:
                result.update(extra())
            if keep_args and recorder is not None:
                result["signal_args"] = list(recorder.args[0])
            return result
        except Exception as error:  # a bench reports failures, it does not stop at them
            self.errors[name] = f"{type(error).__name__}: {error}"
            self.probe.finish()
            return None
        finally:
            if recorder is not None:
                recorder.close()

    # ------------------------------------------------------------------ actions

    def open(self, path: Path) -> dict[str, Any] | None:
        window = self.window
        failed = Recorder(window.open_failed)
        try:
            return self.run(
                "open", lambda: window.open_path(path),
                done=lambda: _not_failed(failed.fired, lambda: f"open failed: {failed.args[0]}"),
                signal=window.dataset_opened, what="dataset_opened",
            )
        finally:
            failed.close()

    def filter(self, name: str, change: Callable[[], None]) -> dict[str, Any] | None:
        """A filter change, until ``filter_applied``; its hit count."""
        result = self.run(name, change, signal=self.window.filter_applied, what="filter_applied", keep_args=True)
        if result is not None:
            result["hits"] = result.pop("signal_args", [None])[0]
        return result

    def sort(self, column: int, order: Qt.SortOrder) -> dict[str, Any] | None:
        table = self.window.table
        model = table.model()
        status = self.window.statusBar()

        def sorted_now() -> bool:
            sorted_by = model.sorted_by() if hasattr(model, "sorted_by") else model._sort  # (older versions)
            return sorted_by == (column, order) and not status.currentMessage().startswith("Sorting")

        name = f"sort_{COLUMNS[column].lower()}_{'asc' if order == Qt.SortOrder.AscendingOrder else 'desc'}"
        return self.run(name, lambda: table.sortByColumn(column, order), done=sorted_now,
                        signal=model.layoutChanged, what="the table's layoutChanged")

    def select(self, name: str, start: Callable[[], None], expected: Callable[[], int]) -> dict[str, Any] | None:
        timeline = self.window.timeline
        return self.run(
            name, start, done=lambda: timeline.selected_count() == expected(),
            signal=self.window.details_shown, what="details_shown and the selection",
            extra=lambda: {"selected": timeline.selected_count(),
                           "table_rows_selected": int(self.window.table.selected_positions().size)},
        )

    def export(self, name: str, path: Path) -> dict[str, Any] | None:
        count = self.window.timeline.selected_count()
        result = self.run(
            name, lambda: self.window.export_selected(path, "csv"),
            signal=self.window.export_finished, what="export_finished",
            extra=lambda: {"events": count, "bytes": path.stat().st_size if path.exists() else None},
        )
        return result


def _not_failed(failed: bool, reason: Callable[[], str]) -> bool:
    """True (done, as far as this check goes) unless ``failed``, which raises with the reason."""
    if failed:
        raise BenchError(reason())
    return True


def drive(path: Path, shape: dict[str, Any], timeout: float, folder: Path) -> dict[str, Any]:
    app = QApplication.instance() or QApplication([])
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(WIDTH, HEIGHT)
    window.show()
    app.processEvents()
    probe = BlockProbe()
    bench = WindowBench(window, probe, timeout)
    filters = window.filters
    results: dict[str, Any] = {"open": bench.open(path)}
    if results["open"] is not None:
        total = window.visible_count()
        results["visible_after_open"] = total

        for label, word in (("common", shape["common_word"]), ("rare", shape["rare_word"])):
            results[f"search_{label}"] = bench.filter(f"search_{label}", lambda w=word: filters.set_search(w))
            if results[f"search_{label}"] is not None:
                results[f"search_{label}"]["word"] = word
            results[f"search_{label}_clear"] = bench.filter(f"search_{label}_clear", lambda: filters.set_search(""))

        body = _top_body_with_children(filters)
        model = filters.body_model
        if body is None:
            bench.errors["facet_body"] = "no top-level body with sub-bodies"
        else:
            results["facet_body"] = bench.filter("facet_body", lambda: model.set_checked([body], True, announce=True))
            if results["facet_body"] is not None:
                results["facet_body"]["body"] = body
            results["facet_body_clear"] = bench.filter("facet_body_clear", lambda: model.clear_checks(announce=True))
        for facet, widget in (("kind", filters.kinds), ("tag", filters.tags)):
            key = _largest_item(widget)
            if key is None:
                bench.errors[f"facet_{facet}"] = f"no {facet} to filter on"
                continue
            results[f"facet_{facet}"] = bench.filter(f"facet_{facet}",
                                                     lambda w=widget, k=key: filters.check_items(w, [k]))
            if results[f"facet_{facet}"] is not None:
                results[f"facet_{facet}"][facet] = key
            results[f"facet_{facet}_clear"] = bench.filter(f"facet_{facet}_clear",
                                                           lambda w=widget: filters.check_items(w, []))

        ascending = Qt.SortOrder.AscendingOrder
        sorts = {}
        for column in [c for c in range(len(COLUMNS)) if c != START] + [START]:
            sorts[COLUMNS[column].lower()] = bench.sort(column, ascending)
        sorts["start_desc"] = bench.sort(START, Qt.SortOrder.DescendingOrder)
        sorts["start_asc_again"] = bench.sort(START, ascending)
        results["sort"] = sorts

        timeline = window.timeline
        results["select_all"] = bench.select("select_all", window.select_all_visible, window.visible_count)
        step = max(1, total // SOME_SELECTED)
        some = np.arange(0, total, step, dtype=np.int64)
        results["select_some"] = bench.select("select_some", lambda: timeline.select_positions(some),
                                              lambda: int(some.size))
        results["export_some_csv"] = bench.export("export_some_csv", folder / "some.csv")
        results["select_all_again"] = bench.select("select_all_again", window.select_all_visible,
                                                   window.visible_count)
        results["export_all_csv"] = bench.export("export_all_csv", folder / "all.csv")
    results["block_ms_max"] = max(bench.blocks, default=None)
    results["errors"] = bench.errors
    window.close()
    app.processEvents()
    return results


def _top_body_with_children(filters: Any) -> str | None:
    """The top-level body with sub-bodies that has the most events."""
    outline = filters.body_model.outline()
    best: tuple[int, str] | None = None
    for node in outline.children.get(-1, []):
        body_id = outline.ids[node]
        if body_id is not None and outline.children.get(node):
            candidate = (outline.counts[node], body_id)
            best = candidate if best is None or candidate > best else best
    return None if best is None else best[1]


def _largest_item(widget: Any) -> str | None:
    """The key of the kind or tag listed with the most events (its text ends "(12,345)")."""
    from viewer.ui.filter_panel import KEY_ROLE

    best: tuple[int, str] | None = None
    for row in range(widget.count()):
        item = widget.item(row)
        count = int(item.text().rsplit("(", 1)[-1].rstrip(")").replace(",", "") or 0)
        candidate = (count, item.data(KEY_ROLE))
        best = candidate if best is None or candidate > best else best
    return None if best is None else best[1]


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model(),
        "qt": qVersion(),
        "pyside6": PySide6.__version__,
        "qpa": os.environ.get("QT_QPA_PLATFORM"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="news", help="which synthetic generator")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep-db", type=Path, help="build the database here (or reuse it if present)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds each action may take (default 600)")
    options = parser.parse_args()
    shape = SHAPES[options.shape]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = options.keep_db or folder / "bench.db"
        build_s = None
        if not path.exists():
            started = time.perf_counter()
            # Built in a child process so its memory does not count against the window's RSS.
            _build(path, options.events, shape["generate"])
            build_s = round(time.perf_counter() - started, 1)
        try:
            with EventStore(path) as store:
                stored = store.stored_event_count()
        except Exception as error:  # the window's own open reports it too, as the "open" action
            stored, unreadable = None, f"{type(error).__name__}: {error}"
        else:
            unreadable = None
        result: dict[str, Any] = {
            "machine": machine(),
            "events": stored,
            "events_asked": options.events,
            "shape": options.shape,
            "generator": shape["generator"],
            "database": str(path) if options.keep_db else None,
            "db_mb": round(path.stat().st_size / 2**20, 1),
            "build_s": build_s,
            "window": [WIDTH, HEIGHT],
        }
        if unreadable is not None:
            result["warning"] = f"the database cannot be read: {unreadable}"
        elif stored != options.events:
            result["warning"] = f"the database holds {stored:,} events, not the {options.events:,} asked"
        result.update(drive(path, shape, options.timeout, folder))
        result["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")


def _build(path: Path, n_events: int, generate: Callable[[int], dict[str, Any]]) -> None:
    pid = os.fork()
    if pid == 0:  # child: generate and import, then leave
        code = 1
        try:
            import_parsed([parse_document(generate(n_events), "synthetic")], path)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not path.exists():
        raise SystemExit("building the benchmark database failed")


if __name__ == "__main__":
    main()

"""Export benchmark: each format written by the command line, as a user runs it, timed with its peak memory.

    python bench/export_bench.py --events 100000 [--db FILE] [--json]

Builds a synthetic database of N events (or uses ``--db``), then runs
``defence-timeline export DB --format F -o FILE`` in a fresh process per format: the whole
database for the streaming formats (Markdown brief, both CSVs, JSON, iCalendar, Excel), and a
selection of about 2,000 events (the events of a date range) for the Word and PDF briefs, which
hold at most 5,000. Prints, per format, the events written, wall time, peak RSS and file size.
The processes run with this checkout first on the path, so a worktree of an older commit
benchmarks its own code.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

STREAMED = ("md", "csv-readable", "csv", "json", "ics", "xlsx")
PAGED = ("md", "docx", "pdf-brief")
PAGED_TARGET = 2_000  # events in the selection the paged briefs are timed on

_RUN = """
import resource, sys, time
from viewer.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
print(code, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def build(n_events: int, path: Path) -> None:
    """A database of ``n_events`` synthetic events."""
    from synthetic import generate_document

    from viewer.store.importer import import_parsed
    from viewer.store.interchange import parse_document

    import_parsed([parse_document(generate_document(n_events), "synthetic")], path)


def selection_for(db: Path, target: int) -> tuple[list[str], int]:
    """``--since/--until`` options choosing about ``target`` events, and how many they choose."""
    from viewer.store.filters import EventFilter
    from viewer.store.reader import EventStore

    with EventStore(db) as store:
        first = store.event(store.time_index().ids[0])
        year = first.start.year
        for months in range(1, 400):
            end_year, end_month = year + (months - 1) // 12, (months - 1) % 12 + 1
            since, until = f"{year}-01", f"{end_year}-{end_month:02d}"
            count = store.count(EventFilter.build(since=since, until=until))
            if count >= target:
                return ["--since", since, "--until", until], count
    return [], 0


def export(db: Path, fmt: str, options: list[str], folder: Path) -> dict[str, object]:
    """One export in a fresh process: wall time, peak RSS and the file's size."""
    target = folder / f"out.{fmt}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUN, "export", str(db), "--format", fmt, *options,
                           "-o", str(target), "--force"], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.strip():
        return {"format": fmt, "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    code, seconds, rss = done.stdout.split()[-3:]
    size = target.stat().st_size if target.exists() else 0
    target.unlink(missing_ok=True)
    return {"format": fmt, "exit": int(code), "export_s": round(float(seconds), 2), "process_s": round(wall, 2),
            "peak_rss_mb": round(float(rss), 1), "file_mb": round(size / 1e6, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="an existing database to export from (default: built)")
    parser.add_argument("--formats", nargs="*", help="only these formats")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = options.db
        if db is None:
            db = folder / "bench.db"
            build(options.events, db)
        from viewer.store.filters import EventFilter
        from viewer.store.reader import EventStore

        with EventStore(db) as store:
            total = store.count(EventFilter())
        chosen, count = selection_for(db, PAGED_TARGET)
        results: dict[str, object] = {"events": total, "paged_selection_events": count, "all": [], "selection": []}
        wanted = set(options.formats or (*STREAMED, *PAGED))
        for fmt in STREAMED:
            if fmt in wanted:
                results["all"].append(export(db, fmt, [], folder))
        for fmt in PAGED:
            if fmt in wanted:
                results["selection"].append(export(db, fmt, chosen, folder))
    if options.json:
        print(json.dumps(results))
    else:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Import benchmark: the real command line import of N synthetic events, against raw SQLite.

    python bench/import_bench.py --events 1000000 [--shape news|dossier] [--json] [--keep-files DIR]

Writes the synthetic document (bench/synthetic.py or bench/synthetic_dossier.py) to disk twice:
as an interchange JSON document and as the same events in the interchange CSV (the CSV holds
no bodies or links, so its import is given the bodies in a small JSON file beside it). Then, each
in a process of its own (seconds of wall time and the process's peak resident memory):

- ``json``: ``defence-timeline import events.json --db new.db``;
- ``csv``: ``defence-timeline import bodies.json events.csv --db new.db``;
- ``raw``: the ``sqlite3`` program's ``.import`` of the same CSV into a plain table, then an FTS5
  index over its title, summary and description built in one pass: the floor an import of these
  rows cannot beat (no validation, no dates, no relations).

``--runs json,raw`` runs only those. Prints one JSON object with ``--json``, otherwise one line
per run. ``ratio`` is each import's time over ``raw``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
import synthetic_dossier

GENERATORS = {"news": synthetic.generate_document, "dossier": synthetic_dossier.generate_document}
CSV_COLUMNS = ("id", "title", "start", "end", "precision", "timezone", "kind", "summary", "bodies", "tags", "sources")
RAW_SQL = """
.bail on
.import --csv {csv} events
CREATE VIRTUAL TABLE events_fts USING fts5(title, summary, content='events');
INSERT INTO events_fts(rowid, title, summary) SELECT rowid, title, summary FROM events;
"""


def _document(shape: str, n_events: int) -> dict[str, Any]:
    """A fresh synthetic document; the news shape makes its events as they are written."""
    if shape == "news":
        return synthetic.generate_document(n_events, lazy=True)
    return GENERATORS[shape](n_events)


def write_sources(n_events: int, shape: str, folder: Path) -> dict[str, Path]:
    """The document as JSON, its events as CSV, and its bodies as a JSON of their own.

    Written an event at a time (the news shape never holds its events), so N may exceed memory.
    """
    paths = {"json": folder / "events.json", "csv": folder / "events.csv", "bodies": folder / "bodies.json"}
    document = _document(shape, n_events)
    with paths["json"].open("w", encoding="utf-8") as out:
        head = {key: value for key, value in document.items() if key not in ("events", "links")}
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "events": [')
        for number, event in enumerate(document["events"]):
            out.write((",\n" if number else "\n") + json.dumps(event, ensure_ascii=False))
        out.write('\n], "links": ' + json.dumps(document["links"]) + "}")
    with paths["bodies"].open("w", encoding="utf-8") as out:
        json.dump({"format": document["format"], "version": document["version"], "bodies": document["bodies"]}, out)
    with paths["csv"].open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for event in _document(shape, n_events)["events"]:
            writer.writerow([_csv_cell(event, column) for column in CSV_COLUMNS])
    return paths


def _csv_cell(event: dict[str, Any], column: str) -> str:
    value = event.get(column)
    if column == "bodies":
        return ";".join(f"{p['id']}:{p['role']}" for p in value or ())
    if column == "sources":
        return ";".join(s["url"] for s in value or ())
    if column == "tags":
        return ";".join(value or ())
    return "" if value is None else str(value)


_LAUNCHER = """
import json, os, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
print(json.dumps({"s": time.perf_counter() - started, "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "exit": done.returncode, "err": (done.stderr or done.stdout).decode("utf-8", "replace")[-300:]}))
"""


def timed_process(command: list[str]) -> dict[str, Any]:
    """Run ``command``; its wall time, peak resident memory and exit code.

    It runs under a small launcher process: a child's peak memory on Linux starts at its
    parent's, and this bench holds the generated document.
    """
    launched = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], capture_output=True, check=True)
    measured = json.loads(launched.stdout)
    result = {"s": round(measured["s"], 2), "peak_mb": round(measured["kib"] / 1024, 1), "exit": measured["exit"]}
    if result["exit"] != 0:
        result["error"] = measured["err"].strip().splitlines()[-1:]
    return result


def run(n_events: int, shape: str, folder: Path, only: set[str] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    paths = write_sources(n_events, shape, folder)
    report: dict[str, Any] = {
        "n": n_events, "shape": shape, "write_sources_s": round(time.perf_counter() - started, 1),
        "json_mb": round(paths["json"].stat().st_size / 1e6, 1), "csv_mb": round(paths["csv"].stat().st_size / 1e6, 1),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "processor": platform.processor()},
    }
    app = [sys.executable, "-m", "viewer"]
    runs = {
        "json": [*app, "import", str(paths["json"]), "--db", str(folder / "json.db")],
        "csv": [*app, "import", str(paths["bodies"]), str(paths["csv"]), "--db", str(folder / "csv.db")],
    }
    sqlite3 = shutil.which("sqlite3")
    if sqlite3:
        script = folder / "raw.sql"
        script.write_text(RAW_SQL.format(csv=paths["csv"]))
        runs["raw"] = ["sh", "-c", f'"{sqlite3}" "{folder / "raw.db"}" < "{script}"']
    else:
        report["raw"] = None
    for name, command in runs.items():
        if only and name not in only:
            continue
        (folder / f"{name}.db").unlink(missing_ok=True)
        report[name] = timed_process(command)
        database = folder / f"{name}.db"
        if database.exists():
            report[name]["db_mb"] = round(database.stat().st_size / 1e6, 1)
    if report.get("raw") and report["raw"]["exit"] == 0:
        for name in set(runs) & set(report) - {"raw"}:
            report[name]["ratio"] = round(report[name]["s"] / report["raw"]["s"], 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=sorted(GENERATORS), default="news")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep-files", type=Path, help="write the sources and databases here (kept)")
    parser.add_argument("--runs", default="json,csv,raw", help="which of json, csv and raw to run (default: all)")
    args = parser.parse_args()
    if args.keep_files:
        args.keep_files.mkdir(parents=True, exist_ok=True)
        report = run(args.events, args.shape, args.keep_files, set(args.runs.split(",")))
    else:
        with tempfile.TemporaryDirectory() as folder:
            report = run(args.events, args.shape, Path(folder), set(args.runs.split(",")))
    if args.json:
        print(json.dumps(report))
        return
    for key, value in report.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()

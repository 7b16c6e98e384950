"""Store benchmark: import N synthetic events, then time range and full-text queries.

    python bench/store_bench.py --events 1000000 [--json]

Prints validation and write time, file size, the time-index load, and median query times
(with hit counts): a week and a year of time range, a rare word, a common word (in ~44% of
the synthetic events), a two-word prefix search and a combined filter.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate_document

from viewer.store.filters import EventFilter
from viewer.store.importer import import_parsed
from viewer.store.interchange import parse_document
from viewer.store.reader import EventStore


def _timed(call, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def run(n_events: int) -> dict[str, object]:
    document = generate_document(n_events)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        parsed = parse_document(document, "synthetic")
        validate_s = time.perf_counter() - started
        started = time.perf_counter()
        import_parsed([parsed], path)
        write_s = time.perf_counter() - started
        del parsed, document
        started = time.perf_counter()
        file_mb = round(os.path.getsize(path) / 1e6, 1)
        with EventStore(path) as store:
            open_s = time.perf_counter() - started
            started = time.perf_counter()
            index = store.time_index()
            index_s = time.perf_counter() - started
            middle = (index.span[0] + index.span[1]) // 2
            visible_ms, _ = _timed(lambda: index.visible(middle, middle + 7 * 86_400), repeat=50)
            week = EventFilter.build(since="2015-06-01", until="2015-06-07")
            year = EventFilter.build(since="2015-01-01", until="2015-12-31")
            rare = EventFilter.build(search="codename1234")
            word = EventFilter.build(search="vilnius")
            prefix = EventFilter.build(search="undersea cab")
            both = EventFilter.build(search="drone", since="2015", until="2016", kinds=["summit"])
            results = {}
            for name, event_filter in (("range_week", week), ("range_year", year),
                                       ("fts_rare", rare), ("fts_word", word), ("fts_prefix", prefix),
                                       ("combined", both)):
                ms, seqs = _timed(lambda f=event_filter: store.event_seqs(f))
                results[f"{name}_ms"] = round(ms, 2)
                results[f"{name}_hits"] = len(seqs)
        return {
            "events": n_events,
            "validate_s": round(validate_s, 2),
            "write_s": round(write_s, 2),
            "import_s": round(validate_s + write_s, 2),
            "file_mb": file_mb,
            "open_s": round(open_s, 3),
            "time_index_s": round(index_s, 2),
            "visible_week_ms": round(visible_ms, 3),
            **results,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    result = run(options.events)
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()

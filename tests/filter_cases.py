"""Shared by the filter tests: named filters over the sample, and what a filter means written plainly.

A helper module, not a test module: test files import from here, never from each other.
"""

from __future__ import annotations

import re

from viewer.store.filters import EventFilter
from viewer.store.grading import ADMIRALTY, GradingScheme
from viewer.store.model import Event


def brute_force(events: list[Event], f: EventFilter, grading: GradingScheme = ADMIRALTY) -> list[str]:
    """What the filter means, written plainly over the events: the sorted ids it keeps."""
    def judged(scale: str) -> list[str]:
        return [grade.code for grade in grading.scale(scale) if grade.judged]

    def at_least(scale: str, code: str | None, grade: str | None) -> bool:
        return code is None or grade in judged(scale)[: judged(scale).index(code) + 1]

    since, until = f.time_bounds()
    words = [w.lower() for w in f.search_words()]
    kept = []
    for event in events:
        text = " ".join(filter(None, [event.title, event.summary, event.description, event.location]))
        tokens = [t.lower() for t in re.findall(r"\w+", text)]
        if words and not all(any(t.startswith(w) for t in tokens) for w in words):
            continue
        if f.bodies and not f.bodies & {p.body_id for p in event.bodies}:
            continue
        if f.kinds and event.kind not in f.kinds:
            continue
        if f.tags and not f.tags & set(event.tags):
            continue
        if since is not None and event.latest <= since:
            continue
        if until is not None and event.earliest >= until:
            continue
        if f.ids and event.id not in f.ids:
            continue
        if not at_least("credibility", f.min_credibility, event.credibility):
            continue
        if f.min_reliability and not any(at_least("reliability", f.min_reliability, source.reliability)
                                         for source in event.sources):
            continue
        kept.append(event.id)
    return sorted(kept)


FILTERS = {
    "nothing": EventFilter(),
    "search word": EventFilter.build(search="Vilnius"),
    "search prefix": EventFilter.build(search="undersea infra"),
    "search punctuation only": EventFilter.build(search="  -- "),
    "body": EventFilter.build(bodies=["nuclear-planning-group"]),
    "two bodies": EventFilter.build(bodies=["lithuania", "sweden"]),
    "kind": EventFilter.build(kinds=["summit"]),
    "two kinds": EventFilter.build(kinds=["summit", "session"]),
    "tag": EventFilter.build(tags=["munitions"]),
    "since": EventFilter.build(since="2023-07-12"),
    "until": EventFilter.build(until="2023-02"),
    "one day": EventFilter.build(since="16 June 2023", until="16 June 2023"),
    "ids": EventFilter.build(ids=["vilnius-summit-2023", "dmm-2023-06", "no-such-id"]),
    "combined": EventFilter.build(
        search="ministers", bodies=["north-atlantic-council"], since="2023-06", until="2023-06"
    ),
    "combined kinds and tags": EventFilter.build(kinds=["decision", "plan"], tags=["vilnius-2023"]),
    "credibility": EventFilter.build(min_credibility="2"),
    "reliability": EventFilter.build(min_reliability="a"),
    "grades and kind": EventFilter.build(min_credibility="3", min_reliability="B", kinds=["meeting", "session"]),
}

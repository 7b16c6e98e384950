"""Shared by the filter tests: named filters over the sample, and what a filter means written plainly.

A helper module, not a test module: test files import from here, never from each other.
"""

from __future__ import annotations

import re

from viewer.store.filters import EventFilter
from viewer.store.model import Event


def brute_force(events: list[Event], f: EventFilter) -> list[str]:
    """What the filter means, written plainly over the events: the sorted ids it keeps."""
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
}

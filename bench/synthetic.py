"""Synthetic interchange documents shaped like real news: for benchmarks, not for tests of facts.

30 bodies (a few with parents), dates clustered in bursts over 20 years, 80% point events,
20% spans of a day to a few weeks, and a handful of spans lasting years.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

KINDS = ("meeting", "summit", "session", "press_conference", "decision", "procurement", "plan")
TAGS = ("ukraine", "munitions", "defence-industry", "nuclear-deterrence", "defence-spending",
        "undersea-infrastructure", "cyber", "space", "exercises", "enlargement")
WORDS = ("ministers", "alliance", "defence", "summit", "council", "procurement", "ammunition",
         "deterrence", "readiness", "capability", "industry", "maritime", "undersea", "cable",
         "pipeline", "brigade", "artillery", "air", "missile", "drone", "training", "exercise",
         "Vilnius", "Brussels", "Madrid", "Washington", "Riga", "Warsaw", "Oslo", "Helsinki")
FIRST_DAY = date(2005, 1, 1)
DAYS = 20 * 365


def generate_document(n_events: int, seed: int = 7, *, lazy: bool = False) -> dict[str, Any]:
    """An interchange document (as a dict) with ``n_events`` events.

    ``lazy``: ``events`` is an iterator that makes each event when asked (for documents larger
    than memory: the bench writes them out as they come); the same seed gives the same events.
    """
    rng = random.Random(seed)
    bodies = [
        {"id": f"body-{i:02d}", "name": f"Synthetic Body {i}", "acronym": f"SB{i}",
         "kind": "committee", **({"parent": f"body-{i % 5:02d}"} if i >= 5 else {})}
        for i in range(30)
    ]
    # Bursts: news clusters around a few hundred busy periods.
    centres = sorted(rng.randrange(DAYS) for _ in range(400))
    events = _events(n_events, rng, centres)
    links = [
        {"from": f"ev-{i:07d}", "to": f"ev-{i + 1:07d}", "relation": "precedes"}
        for i in range(0, max(0, n_events - 1), 50)
    ]
    return {"format": "defence-timeline", "version": 1, "name": f"Synthetic {n_events:,}",
            "bodies": bodies, "events": events if lazy else list(events), "links": links}


def _events(n_events: int, rng: random.Random, centres: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(n_events):
        centre = rng.choice(centres)
        day = min(DAYS - 1, max(0, int(rng.gauss(centre, 6))))
        start = FIRST_DAY + timedelta(days=day)
        roll = rng.random()
        event: dict[str, Any] = {
            "id": f"ev-{i:07d}",
            "title": " ".join(rng.choice(WORDS) for _ in range(5)).capitalize(),
            "precision": "day",
            "start": start.isoformat(),
            "kind": rng.choice(KINDS),
            "summary": " ".join(rng.choice(WORDS) for _ in range(12)) + f" codename{i % 20_000}",
            "bodies": [{"id": f"body-{rng.randrange(30):02d}", "role": "participant"}],
            "tags": [rng.choice(TAGS)],
            "sources": [{"url": f"https://example.org/news/{i}"}],
        }
        if roll < 0.2:
            length = rng.randint(1, 25) if roll > 0.0005 else rng.randint(400, 2000)
            event["end"] = (start + timedelta(days=length)).isoformat()
        elif roll < 0.3:
            event["precision"] = "minute"
            event["start"] = f"{start.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}"
            event["timezone"] = "Europe/Brussels"
        yield event

"""Synthetic interchange documents shaped like an analyst's dossier: for benchmarks, not for tests of facts.

A differently shaped load from bench/synthetic.py: about 2,300 bodies in a four-level hierarchy
(5 organisations, 40 directorates, 280 divisions, 1,960 units), long titles and summaries, a
place for most events, three to eight tags each from a vocabulary of 240, two to six bodies
with roles per event, events concentrated in 2021-2024 (most of them in a few dozen busy weeks
of 2022-2023), and dense links: the events of a file form chains of 5 to 40 (each ``precedes``
the next and is ``part_of`` the first), and one in five is ``related`` to another at random
(about 2.2 links per event).

Search words: ``programme`` is in about 60% of the events (titles), ``ref24999`` in one event
in 25,000 (each summary ends with a reference ``refNNNNN``, five digits, so a prefix search for
one matches only it).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

KINDS = ("meeting", "summit", "session", "decision", "procurement", "plan", "pledge", "establishment",
         "report", "exercise", "briefing", "review")
STATUSES = ("announced", "scheduled", "held", "held", "held", "postponed", "cancelled")
ROLES = ("host", "chair", "lead", "organiser", "participant", "participant", "invitee", "subject", "observer")
TOPICS = ("air-defence", "munitions", "logistics", "cyber", "space", "maritime", "undersea", "nuclear",
          "armour", "artillery", "drones", "training", "readiness", "procurement", "industry", "finance",
          "mobility", "medical", "intelligence", "energy", "arctic", "baltic", "black-sea", "mediterranean")
FACETS = ("policy", "capability", "review", "funding", "standards", "coordination", "assessment", "lessons")
TAGS = tuple(f"{topic}-{facet}" for topic in TOPICS for facet in FACETS)[:240]
WORDS = ("integrated", "air", "missile", "defence", "capability", "target", "review", "working", "group",
         "interim", "report", "on", "the", "implementation", "of", "multinational", "procurement",
         "framework", "for", "ammunition", "stockpiles", "and", "industrial", "ramp-up", "following",
         "ministerial", "guidance", "regional", "plans", "forward", "land", "forces", "enhanced",
         "vigilance", "activity", "joint", "logistics", "support", "command", "rotation", "schedule",
         "host", "nation", "agreement", "infrastructure", "funding", "round", "common", "eligible",
         "costs", "interoperability", "standardisation", "agreement", "maritime", "surveillance",
         "undersea", "critical", "pipelines", "cables", "protection", "cell", "coordination", "meeting",
         "assessment", "of", "lessons", "identified", "from", "exercise", "series", "cyber", "incident",
         "response", "space", "situational", "awareness", "readiness", "initiative", "training", "mission")
PLACES = ("Brussels", "Mons", "Norfolk", "Brunssum", "Naples", "Ramstein", "Northwood", "Ulm", "Vilnius",
          "Riga", "Tallinn", "Warsaw", "Bucharest", "Madrid", "Washington", "Oslo", "Helsinki", "Stockholm",
          "The Hague", "Paris", "Berlin", "Rome", "Ankara", "Ottawa", "Prague", "Bratislava", "Sofia")
LEVELS = (5, 8, 7, 7)  # children per body at each level: 5 + 40 + 280 + 1,960 bodies
LEVEL_KINDS = ("organisation", "directorate", "division", "unit")
FIRST_DAY = date(2021, 1, 1)
DAYS = 4 * 365
COMMON_WORD = "programme"
RARE_REF = 25_000  # one event in this many has a given reference


def bodies_of() -> list[dict[str, Any]]:
    """The body hierarchy, parents before children."""
    bodies: list[dict[str, Any]] = []
    level: list[str | None] = [None]
    for depth, fan_out in enumerate(LEVELS):
        below: list[str] = []
        for parent in level:
            for n in range(fan_out):
                body_id = f"{parent}-{n}" if parent else f"org{n}"
                body: dict[str, Any] = {
                    "id": body_id,
                    "name": f"{LEVEL_KINDS[depth].capitalize()} {body_id.upper()} of the synthetic dossier",
                    "acronym": body_id.upper().replace("-", ""),
                    "kind": LEVEL_KINDS[depth],
                    "location": PLACES[len(bodies) % len(PLACES)],
                }
                if parent:
                    body["parent"] = parent
                bodies.append(body)
                below.append(body_id)
        level = below
    return bodies


def generate_document(n_events: int, seed: int = 11) -> dict[str, Any]:
    """An interchange document (as a dict) with ``n_events`` events."""
    rng = random.Random(seed)
    bodies = bodies_of()
    units = [b["id"] for b in bodies if b["kind"] == "unit"]
    upper = [b["id"] for b in bodies if b["kind"] != "unit"]
    # Most events fall in a few dozen busy weeks of 2022-2023; the rest spread over the four years.
    busy = sorted(rng.randrange(365, 3 * 365) for _ in range(40))
    events: list[dict[str, Any]] = []
    links: list[dict[str, str]] = []
    i = 0
    while i < n_events:
        size = min(n_events - i, rng.randint(5, 40))  # a file: a chain of events on one matter
        centre = rng.choice(busy) if rng.random() < 0.8 else rng.randrange(DAYS)
        topic = rng.sample(TAGS, 3)
        owners = [*rng.sample(units, 3), rng.choice(upper)]
        day = max(0, min(DAYS - 1, int(rng.gauss(centre, 10))))
        head = i
        for k in range(size):
            day = min(DAYS - 1, day + rng.randint(0, 6))
            events.append(_event(rng, i, FIRST_DAY + timedelta(days=day), topic, owners, units))
            if k:
                links.append({"from": _id(i - 1), "to": _id(i), "relation": "precedes"})
                links.append({"from": _id(i), "to": _id(head), "relation": "part_of"})
            i += 1
    for j in range(0, n_events, 5):
        other = (j * 7919 + 13) % n_events
        if other != j:
            links.append({"from": _id(j), "to": _id(other), "relation": "related",
                          "note": "Cross-reference between files"})
    return {"format": "defence-timeline", "version": 1, "name": f"Synthetic dossier {n_events:,}",
            "description": "Deep hierarchy, long texts, many tags, dense chains of links.",
            "bodies": bodies, "events": events, "links": links}


def _id(i: int) -> str:
    return f"dos-{i:07d}"


def _event(rng: random.Random, i: int, start: date, topic: list[str], owners: list[str],
           units: list[str]) -> dict[str, Any]:
    words = [rng.choice(WORDS) for _ in range(rng.randint(16, 30))]
    if rng.random() < 0.6:
        words.insert(rng.randrange(len(words)), COMMON_WORD)
    chosen = rng.sample(owners, rng.randint(1, 3)) + rng.sample(units, rng.randint(1, 3))
    chosen = list(dict.fromkeys(chosen))  # a body once per event
    event: dict[str, Any] = {
        "id": _id(i),
        "title": " ".join(words).capitalize(),
        "start": start.isoformat(),
        "precision": "day",
        "kind": rng.choice(KINDS),
        "status": rng.choice(STATUSES),
        "summary": " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 60)))
        + f". Reference ref{i % RARE_REF:05d}.",
        "bodies": [{"id": body_id, "role": rng.choice(ROLES)} for body_id in chosen],
        "tags": list(dict.fromkeys(topic[: rng.randint(1, 3)] + rng.sample(TAGS, rng.randint(2, 5)))),
        "sources": [{"url": f"https://example.org/dossier/{i}", "title": f"Record {i}"}],
    }
    if rng.random() < 0.85:
        event["location"] = rng.choice(PLACES)
    roll = rng.random()
    if roll < 0.25:
        event["end"] = (start + timedelta(days=rng.randint(1, 4))).isoformat()
    elif roll < 0.3:
        event["end"] = (start + timedelta(days=rng.randint(30, 400))).isoformat()
        event["within"] = rng.random() < 0.5
    elif roll < 0.5:
        event["precision"] = "minute"
        event["start"] = f"{start.isoformat()}T{rng.randrange(7, 20):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        event["timezone"] = "Europe/Brussels"
    return event

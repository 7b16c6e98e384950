"""The words of a brief, free of any markup: relation phrases, lists in prose, dates of sources.

Shared by the Markdown brief and, later, the Word and PDF briefs: every function here takes
and returns plain text, and the caller escapes the data it puts in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from viewer.store.dates import MONTH_NAMES
from viewer.store.model import Relation

# How a chain reads, seen from the event it is told about: (past, present) verb phrases, for
# the links that leave the event ("prepared …") and for those that reach it ("was prepared by …").
_FORWARD: dict[Relation, tuple[str, str]] = {
    Relation.PREPARES: ("prepared", "prepares"),
    Relation.IMPLEMENTS: ("implemented", "implements"),
    Relation.FOLLOWS_UP: ("followed up", "follows up"),
    Relation.REPLACES: ("replaced", "replaces"),
    Relation.ANNOUNCES: ("announced", "announces"),
    Relation.PRECEDES: ("came before", "comes before"),
    Relation.PART_OF: ("was part of", "is part of"),
    Relation.RELATED: ("is related to", "is related to"),
}
_BACKWARD: dict[Relation, tuple[str, str]] = {
    Relation.PREPARES: ("was prepared by", "is prepared by"),
    Relation.IMPLEMENTS: ("was implemented by", "is implemented by"),
    Relation.FOLLOWS_UP: ("was followed up by", "is followed up by"),
    Relation.REPLACES: ("was replaced by", "is replaced by"),
    Relation.ANNOUNCES: ("was announced by", "is announced by"),
    Relation.PRECEDES: ("came after", "comes after"),
    Relation.PART_OF: ("included", "includes"),
    Relation.RELATED: ("is related to", "is related to"),
}
# The order in which a chain is told: what the event led to first, what it was made of last.
RELATION_ORDER: tuple[tuple[Relation, bool], ...] = (
    (Relation.PREPARES, True), (Relation.PREPARES, False),
    (Relation.IMPLEMENTS, True), (Relation.IMPLEMENTS, False),
    (Relation.FOLLOWS_UP, True), (Relation.FOLLOWS_UP, False),
    (Relation.REPLACES, True), (Relation.REPLACES, False),
    (Relation.ANNOUNCES, False), (Relation.ANNOUNCES, True),
    (Relation.PRECEDES, False), (Relation.PRECEDES, True),
    (Relation.PART_OF, True), (Relation.PART_OF, False),
    (Relation.RELATED, True), (Relation.RELATED, False),
)
_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def relation_phrase(relation: Relation, forward: bool, past: bool) -> str:
    """ "prepared", "was announced by", "includes": the verb between the event and the others."""
    past_text, present_text = (_FORWARD if forward else _BACKWARD)[relation]
    return past_text if past else present_text


def relation_label(relation: Relation, forward: bool) -> str:
    """ "Prepares", "Prepared by": the label of one line of relations under an event."""
    return relation.forward_label if forward else relation.backward_label


def relation_rank(relation: Relation, forward: bool) -> int:
    """Where a kind of relation comes when an event's relations are told."""
    return RELATION_ORDER.index((relation, forward))


def and_list(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count_words(count: int, noun: str) -> str:
    """ "one event", "two events", "12 events", "1,234 events"."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    number = words[count] if 0 <= count < len(words) else f"{count:,}"
    return f"{number} {noun}" + ("" if count == 1 else "s")


def published_text(published: str | None) -> str:
    """A source's normalised date ("2023-06-14", "2023-06", "2023") in words; anything else as given."""
    if not published:
        return ""
    match = _PUBLISHED.fullmatch(published.strip())
    if match is None:
        return published
    year, month, day = match.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return published
    if day is None:
        return f"{MONTH_NAMES[int(month) - 1]} {year}"
    return f"{int(day)} {MONTH_NAMES[int(month) - 1]} {year}"


def kind_text(kind: str | None) -> str:
    """An event kind as words: "press_conference" → "Press conference"."""
    return kind.replace("_", " ").strip().capitalize() if kind else ""

"""The one event filter shared by the command line and the window, and its SQL form.

Filters combine with AND; the values of one multi-valued filter combine with OR. A date range
keeps the events whose time span overlaps it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from viewer.store.dates import parse_date
from viewer.store.errors import InvalidDateError, InvalidFilterError
from viewer.store.schema import LONG_EVENT_CONDITION, LONG_EVENT_SECONDS

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_INLINE_VALUES = 500
_NO_UPPER_BOUND = 2**62
_NO_LOWER_BOUND = -(2**62)


@dataclass(frozen=True)
class EventFilter:
    """What to keep: every field left empty keeps everything.

    ``search`` is full-text with prefix matching on every word; ``since``/``until`` are
    date texts (any form :func:`~viewer.store.dates.parse_date` reads); ``until`` includes
    its whole period ("2023-06" keeps events up to the end of June).
    """

    search: str = ""
    bodies: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    tags: frozenset[str] = field(default_factory=frozenset)
    since: str | None = None
    until: str | None = None
    ids: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        *,
        search: str | None = None,
        bodies: Iterable[str] = (),
        kinds: Iterable[str] = (),
        tags: Iterable[str] = (),
        since: str | None = None,
        until: str | None = None,
        ids: Iterable[str] = (),
    ) -> EventFilter:
        """Make a filter from any iterables; checks the dates at once."""
        result = cls(
            search=search or "",
            bodies=frozenset(bodies),
            kinds=frozenset(kinds),
            tags=frozenset(tags),
            since=since or None,
            until=until or None,
            ids=frozenset(ids),
        )
        result.time_bounds()
        return result

    def with_changes(self, **changes: object) -> EventFilter:
        """A copy with some fields replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps every event."""
        return not (
            self.search_words() or self.bodies or self.kinds or self.tags or self.since
            or self.until or self.ids
        )

    def describe(self) -> str:
        """The filter in words, for the heading of a brief: 'search "vilnius"; kinds: summit'."""
        parts = []
        if self.search_words():
            parts.append(f'search "{" ".join(self.search_words())}"')
        for label, values in (("bodies", self.bodies), ("kinds", self.kinds), ("tags", self.tags)):
            if values:
                parts.append(f"{label}: {', '.join(sorted(values))}")
        if self.since or self.until:
            parts.append(f"from {self.since or 'the start'} to {self.until or 'the end'}")
        if self.ids:
            parts.append(f"{len(self.ids):,} chosen event" + ("" if len(self.ids) == 1 else "s"))
        return "; ".join(parts) or "all events"

    def search_words(self) -> list[str]:
        """The words of the search text; punctuation only separates words."""
        return _WORD.findall(self.search)

    def fts_query(self) -> str | None:
        """The FTS5 query: every word must appear, as a word or the start of one."""
        words = self.search_words()
        if not words:
            return None
        return " ".join('"' + word.replace('"', '""') + '"*' for word in words)

    def time_bounds(self) -> tuple[int | None, int | None]:
        """``(since, until)`` as instants: since inclusive, until exclusive (None: open)."""
        since = until = None
        try:
            if self.since:
                since = parse_date(self.since).first_instant()
            if self.until:
                until = parse_date(self.until).end_instant()
        except InvalidDateError as error:
            raise InvalidFilterError(f"date range: {error}") from None
        if since is not None and until is not None and since >= until:
            raise InvalidFilterError(
                f"date range: the start {self.since!r} is after the end {self.until!r}"
            )
        return since, until

    def where_sql(self, alias: str = "e") -> tuple[str, list[object]]:
        """A WHERE condition over the ``events`` table (aliased ``alias``) and its parameters."""
        clauses: list[str] = []
        params: list[object] = []
        fts = self.fts_query()
        if fts is not None:
            clauses.append(f"{alias}.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
            params.append(fts)
        if self.bodies:
            clauses.append(
                f"{alias}.id IN (SELECT event_id FROM event_bodies WHERE body_id IN "
                f"({_marks(self.bodies)}))"
            )
            params.extend(sorted(self.bodies))
        if self.kinds:
            clauses.append(f"{alias}.kind IN ({_marks(self.kinds)})")
            params.extend(sorted(self.kinds))
        if self.tags:
            clauses.append(
                f"{alias}.id IN (SELECT event_id FROM event_tags WHERE tag IN ({_marks(self.tags)}))"
            )
            params.extend(sorted(self.tags))
        since, until = self.time_bounds()
        if since is not None or until is not None:
            sql, time_params = time_overlap_sql(
                alias,
                _NO_LOWER_BOUND if since is None else since,
                _NO_UPPER_BOUND if until is None else until,
            )
            clauses.append(sql)
            params.extend(time_params)
        if self.ids:
            if len(self.ids) <= MAX_INLINE_VALUES:
                clauses.append(f"{alias}.id IN ({_marks(self.ids)})")
                params.extend(sorted(self.ids))
            else:  # a large selection: one JSON parameter instead of more than SQLite allows
                clauses.append(f"{alias}.id IN (SELECT value FROM json_each(?))")
                params.append(json.dumps(sorted(self.ids)))
        return (" AND ".join(clauses) or "1"), params


def time_overlap_sql(alias: str, since: int, until: int) -> tuple[str, list[object]]:
    """Events overlapping [since, until), answered from indexes in milliseconds.

    Short events overlapping the range must start at most LONG_EVENT_SECONDS before it, so
    the ``events_time`` index is scanned over a narrow band; long events come from the small
    partial index ``events_long``.
    """
    sql = (
        f"{alias}.seq IN ("
        "SELECT seq FROM events WHERE earliest >= ? AND earliest < ? AND latest > ? "
        "UNION ALL "
        f"SELECT seq FROM events WHERE {LONG_EVENT_CONDITION} AND earliest < ? AND latest > ?)"
    )
    return sql, [max(since - LONG_EVENT_SECONDS, _NO_LOWER_BOUND), until, since, until, since]


def _marks(values: Iterable[object]) -> str:
    return ", ".join("?" for _ in values)

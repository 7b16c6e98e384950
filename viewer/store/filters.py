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
from viewer.store.grading import ADMIRALTY, Confidence, GradingScheme
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

    ``min_reliability`` keeps the events whose best source is graded that or better ("B": A and
    B), ``min_credibility`` those whose information is ("3": 1 to 3), in the file's grading
    scheme; an event without that grade is left out. ``link_confidence`` keeps every event but
    only the links that sure or surer (a link without a confidence counts as confirmed).
    ``starred`` and ``noted`` keep the events the analyst starred or wrote a note on, in the
    workspace beside the file (see :func:`annotated_ids`): the reader and the masks resolve them.
    """

    search: str = ""
    bodies: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    tags: frozenset[str] = field(default_factory=frozenset)
    since: str | None = None
    until: str | None = None
    ids: frozenset[str] = field(default_factory=frozenset)
    min_reliability: str | None = None
    min_credibility: str | None = None
    link_confidence: Confidence | None = None
    starred: bool = False
    noted: bool = False

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
        min_reliability: str | None = None,
        min_credibility: str | None = None,
        link_confidence: str | None = None,
        starred: bool = False,
        noted: bool = False,
    ) -> EventFilter:
        """Make a filter from any iterables; checks the dates and the link confidence at once
        (the grades are checked against the file's scheme when the filter is applied)."""
        result = cls(
            search=search or "",
            bodies=frozenset(bodies),
            kinds=frozenset(kinds),
            tags=frozenset(tags),
            since=since or None,
            until=until or None,
            ids=frozenset(ids),
            min_reliability=_grade_text(min_reliability),
            min_credibility=_grade_text(min_credibility),
            link_confidence=_confidence(link_confidence),
            starred=bool(starred),
            noted=bool(noted),
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
            or self.until or self.ids or self.min_reliability or self.min_credibility or self.starred
            or self.noted
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
        if self.starred or self.noted:
            parts.append(" and ".join(word for word, asked in (("starred", self.starred),
                                                                ("with a note", self.noted)) if asked))
        if self.min_reliability:
            parts.append(f"sources graded {self.min_reliability} or better")
        if self.min_credibility:
            parts.append(f"credibility {self.min_credibility} or better")
        if self.link_confidence and self.link_confidence is not Confidence.POSSIBLE:
            parts.append(f"links {self.link_confidence.value}" + (" or probable" if self.link_confidence
                                                                   is Confidence.PROBABLE else ""))
        return "; ".join(parts) or "all events"

    def grade_codes(self, scale: str, grading: GradingScheme | None) -> tuple[str, ...] | None:
        """The grades of ``scale`` this filter keeps (None: it does not narrow by that grade);
        InvalidFilterError when its grade is not one of ``grading``'s (the Admiralty code for None)."""
        code = self.min_reliability if scale == "reliability" else self.min_credibility
        if code is None:
            return None
        try:
            return (grading or ADMIRALTY).at_least(scale, code)
        except ValueError as error:
            raise InvalidFilterError(f"minimum {scale}: {error}") from None

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

    def where_sql(self, alias: str = "e", grading: GradingScheme | None = None) -> tuple[str, list[object]]:
        """A WHERE condition over the ``events`` table (aliased ``alias``) and its parameters.

        ``grading``: the file's scheme, or None for a file without grades (which no grade
        filter keeps anything of).
        """
        if self.starred or self.noted:
            raise ValueError("a filter of starred or noted events is resolved against the workspace first")
        clauses: list[str] = []
        params: list[object] = []
        for scale, column in (("credibility", f"{alias}.credibility"),
                              ("reliability", f"{alias}.id IN (SELECT event_id FROM sources WHERE reliability")):
            codes = self.grade_codes(scale, grading)
            if codes is None:
                continue
            if grading is None:
                clauses.append("0")
                continue
            clauses.append(f"{column} IN ({_marks(codes)})" + (")" if scale == "reliability" else ""))
            params.extend(codes)
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


_LIST_FIELDS = ("bodies", "kinds", "tags", "ids")
_TEXT_FIELDS = ("search", "since", "until", "min_reliability", "min_credibility", "link_confidence")
_FLAG_FIELDS = ("starred", "noted")
MAX_SAVED_VALUES = 10_000  # the values of one list a saved filter may hold


def filter_to_dict(event_filter: EventFilter) -> dict[str, object]:
    """The filter as a saved view keeps it: only what narrows anything."""
    found: dict[str, object] = {}
    for name in _TEXT_FIELDS:
        value = getattr(event_filter, name)
        if value:
            found[name] = value.value if isinstance(value, Confidence) else value
    for name in _LIST_FIELDS:
        if getattr(event_filter, name):
            found[name] = sorted(getattr(event_filter, name))
    for name in _FLAG_FIELDS:
        if getattr(event_filter, name):
            found[name] = True
    return found


def filter_from_dict(value: object) -> EventFilter:
    """A saved filter read back, every field checked; ValueError naming the field when it is not one."""
    if not isinstance(value, dict):
        raise ValueError("must be an object of filter fields")
    unknown = set(value) - {*_TEXT_FIELDS, *_LIST_FIELDS, *_FLAG_FIELDS}
    if unknown:
        raise ValueError(f"field {sorted(unknown)[0]!r}: unknown filter field")
    fields: dict[str, object] = {}
    for name in _TEXT_FIELDS:
        text = value.get(name)
        if text is not None and (not isinstance(text, str) or len(text) > 1_000):
            raise ValueError(f"field {name!r}: must be text of at most 1,000 characters")
        fields[name] = text
    for name in _LIST_FIELDS:
        items = value.get(name, [])
        if not isinstance(items, list) or len(items) > MAX_SAVED_VALUES or not all(
                isinstance(item, str) and 0 < len(item) <= 1_000 for item in items):
            raise ValueError(f"field {name!r}: must be a list of at most {MAX_SAVED_VALUES:,} texts")
        fields[name] = items
    for name in _FLAG_FIELDS:
        flag = value.get(name, False)
        if not isinstance(flag, bool):
            raise ValueError(f"field {name!r}: must be true or false")
        fields[name] = flag
    try:
        return EventFilter.build(**fields)  # type: ignore[arg-type]
    except InvalidFilterError as error:
        raise ValueError(str(error)) from None


def annotated_ids(event_filter: EventFilter, starred: Iterable[str], noted: Iterable[str]) -> frozenset[str] | None:
    """The ids ``event_filter``'s ``starred`` and ``noted`` keep, among its own ``ids`` if it names
    some (None: it asks for neither). ``starred`` and ``noted`` are the workspace's."""
    if not (event_filter.starred or event_filter.noted):
        return None
    chosen: set[str] | None = set(event_filter.ids) if event_filter.ids else None
    for asked, found in ((event_filter.starred, starred), (event_filter.noted, noted)):
        if asked:
            chosen = set(found) if chosen is None else chosen & set(found)
    return frozenset(chosen or ())


def _grade_text(code: str | None) -> str | None:
    return code.strip().upper() or None if isinstance(code, str) else None


def _confidence(word: str | None) -> Confidence | None:
    if word is None or not str(word).strip():
        return None
    try:
        return Confidence(str(word).strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in Confidence)
        raise InvalidFilterError(f"link confidence: {str(word)[:40]!r} is not one of {allowed}") from None


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

"""Which stored rows can be read: the import's rules as SQL conditions, checked on every read.

A file from someone else may hold anything a table can: NULL in a required column, text or a
float in a time column, an unknown precision, status or relation, a start date that does not
match its precision or its instants. Such rows are skipped where they are read (never shown
half-read) and counted for the user (:func:`unreadable_counts`). The conditions are plain SQL,
so the time index, the table, the exports and ``check`` all skip exactly the same rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from viewer.store.dates import normalise_timezone
from viewer.store.errors import InvalidDateError
from viewer.store.model import Relation, Status

MAX_ID_LENGTH = 1_000
MAX_TITLE_LENGTH = 100_000  # the title is read for every event; longer ones are a crafted file
FIRST_INSTANT = -62_135_596_800  # 0001-01-01T00:00 UTC
LAST_INSTANT = 253_402_300_800  # 10000-01-01T00:00 UTC (exclusive end of 9999)
ZONE_SLACK = 26 * 3600  # the widest UTC offsets, local mean times included, and a margin

_PRECISIONS = ("year", "month", "day", "minute")
# The first day a start at this precision denotes, and the last day an end denotes.
_FIRST_DAY = {"year": "{0} || '-01-01'", "month": "{0} || '-01'", "day": "{0}"}
_LAST_DAY = {"year": "{0} || '-12-31'", "day": "{0}"}
_LENGTH = {"year": 4, "month": 7, "day": 10}
_MINUTE_SHAPE = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]'"


ZONE_FUNCTION = "dt_valid_zone"


def register_functions(connection: sqlite3.Connection) -> None:
    """Add the Python checks the conditions call (a time zone name must be one we know)."""
    connection.create_function(ZONE_FUNCTION, 1, _valid_zone, deterministic=True)


@lru_cache(maxsize=1024)
def _valid_zone(name: object) -> int:
    try:
        return int(isinstance(name, str) and normalise_timezone(name) == name)
    except InvalidDateError:
        return 0


def _never_null(condition: str) -> str:
    """A condition that is 0 rather than NULL when a column is NULL, so NOT counts it."""
    return f"coalesce({condition}, 0)"


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _text_or_null(column: str, limit: int | None = None) -> str:
    """NULL or text, of at most ``limit`` characters (only short fields: length reads the text)."""
    bound = f" AND length({column}) <= {limit}" if limit else ""
    return f"({column} IS NULL OR (typeof({column}) = 'text'{bound}))"


def _required_text(column: str, limit: int) -> str:
    # Not length() >= 1: SQLite's length() stops at a NUL character, which text may hold.
    return f"(typeof({column}) = 'text' AND {column} <> '' AND length({column}) <= {limit})"


def _dates_agree(alias: str, precision: str) -> str:
    """The start and end texts are real dates at ``precision`` that denote ``earliest``/``latest``.

    Date functions dominate the cost at a million rows, so each text is compared with the
    canonical text of its instant: one call that also refuses 2023-02-30, month 13 or any
    other shape.
    """
    a = alias
    start, last = f"{a}.start", f'coalesce({a}."end", {a}.start)'
    if precision == "minute":  # the zone's offset is not known here: the instants within a day
        return (
            f"{start} GLOB {_MINUTE_SHAPE} AND {last} GLOB {_MINUTE_SHAPE} "
            f"AND strftime('%Y-%m-%dT%H:%M', {start}, '+0 days') = {start} "
            f"AND strftime('%Y-%m-%dT%H:%M', {last}, '+0 days') = {last} "
            f"AND abs({a}.earliest - strftime('%s', {start})) <= {ZONE_SLACK} "
            f"AND abs({a}.latest - 60 - strftime('%s', {last})) <= {ZONE_SLACK}"
        )
    length = _LENGTH[precision]
    if precision == "month":  # the last day by the month of the day before ``latest`` and of ``latest``:
        # date(…, '+1 month') is NULL for December 9999, the last month a date may name.
        last_day = (f"strftime('%Y-%m', {a}.latest - 86400, 'unixepoch') = {last} "
                    f"AND strftime('%Y-%m', {a}.latest, 'unixepoch') IS NOT {last}")
    else:
        last_day = f"date({a}.latest - 86400, 'unixepoch') = {_LAST_DAY[precision].format(last)}"
    return (
        f"{a}.earliest % 86400 = 0 AND {a}.latest % 86400 = 0 "
        f"AND length({start}) = {length} AND length({last}) = {length} "
        f"AND date({a}.earliest, 'unixepoch') = {_FIRST_DAY[precision].format(start)} "
        f"AND {last_day}"
    )


def _instants_aligned(alias: str) -> str:
    """The cheap part of :func:`_dates_agree`: date-only events start and end at midnight UTC."""
    a = alias
    return f"({a}.precision = 'minute' OR ({a}.earliest % 86400 = 0 AND {a}.latest % 86400 = 0))"


def _dates_valid(alias: str) -> str:
    branches = " ".join(f"WHEN '{p}' THEN ({_dates_agree(alias, p)})" for p in _PRECISIONS)
    return _never_null(f"(CASE {alias}.precision {branches} ELSE 0 END)")  # never NULL: NOT must count it


def indexable_event_sql(alias: str = "e") -> str:
    """True for an ``events`` row whose columns the time index reads have the right types.

    The time index reads a million rows on opening, so SQL checks only the types here; the
    index checks the values (instants, precision, window, empty texts) in bulk. A row that
    passes both but not :func:`valid_event_sql` is in the index; the window leaves it out with
    :func:`unreadable_event_seqs` (a scan it makes anyway to count what was skipped).
    """
    a = alias
    return (
        f"(typeof({a}.earliest) = 'integer' AND typeof({a}.latest) = 'integer' "
        f"AND typeof({a}.id) = 'text' AND typeof({a}.title) = 'text')"
    )


def valid_event_sql(alias: str = "e") -> str:
    """True for an ``events`` row (aliased ``alias``) that holds a readable event."""
    a = alias
    return (
        f"(typeof({a}.seq) = 'integer' AND {a}.seq > 0 "
        f"AND {_required_text(f'{a}.id', MAX_ID_LENGTH)} "
        f"AND {_required_text(f'{a}.title', MAX_TITLE_LENGTH)} "
        f"AND typeof({a}.start) = 'text' AND ({a}.\"end\" IS NULL OR typeof({a}.\"end\") = 'text') "
        f"AND {a}.precision IN ({_quoted(_PRECISIONS)}) "
        f"AND typeof({a}.within) = 'integer' AND {a}.within IN (0, 1) "
        f"AND typeof({a}.earliest) = 'integer' AND typeof({a}.latest) = 'integer' "
        f"AND {a}.earliest >= {FIRST_INSTANT - ZONE_SLACK} AND {a}.latest <= {LAST_INSTANT + ZONE_SLACK} "
        f"AND {a}.latest > {a}.earliest "
        f"AND ({a}.status IS NULL OR {a}.status IN ({_quoted(tuple(s.value for s in Status))})) "
        f"AND {_text_or_null(f'{a}.kind', MAX_ID_LENGTH)} "
        f"AND ({a}.timezone IS NULL OR {ZONE_FUNCTION}({a}.timezone)) "
        f"AND {_text_or_null(f'{a}.location')} AND {_text_or_null(f'{a}.summary')} "
        f"AND {_text_or_null(f'{a}.description')} "
        f"AND {_dates_valid(a)})"
    )


def valid_body_sql(alias: str = "b") -> str:
    """True for a ``bodies`` row that holds a readable body."""
    a = alias
    texts = " AND ".join(
        _text_or_null(f"{a}.{column}", MAX_ID_LENGTH if column in ("parent", "replaced_by") else None)
        for column in ("acronym", "kind", "parent", "location", "founded", "dissolved", "replaced_by", "url",
                       "description")
    )
    return (
        f"({_required_text(f'{a}.id', MAX_ID_LENGTH)} AND {_required_text(f'{a}.name', MAX_TITLE_LENGTH)} "
        f"AND {texts})"
    )


def valid_participation_sql(alias: str = "p") -> str:
    """True for an ``event_bodies`` row naming a readable body in a role."""
    a = alias
    return (
        f"({_required_text(f'{a}.body_id', MAX_ID_LENGTH)} AND {_required_text(f'{a}.role', MAX_ID_LENGTH)} "
        f"AND typeof({a}.position) = 'integer' "
        f"AND EXISTS (SELECT 1 FROM bodies known WHERE known.id = {a}.body_id AND {valid_body_sql('known')}))"
    )


def valid_tag_sql(alias: str = "t") -> str:
    """True for an ``event_tags`` row holding a tag."""
    return f"({_required_text(f'{alias}.tag', MAX_ID_LENGTH)} AND typeof({alias}.position) = 'integer')"


def valid_source_sql(alias: str = "s") -> str:
    """True for a ``sources`` row holding a URL, a title or a publisher (the others and the date optional)."""
    a = alias
    named = " OR ".join(_required_text(f"{a}.{column}", MAX_TITLE_LENGTH) for column in ("url", "title", "publisher"))
    return (
        f"(({named}) AND {_text_or_null(f'{a}.url', MAX_TITLE_LENGTH)} AND {_text_or_null(f'{a}.title')} "
        f"AND {_text_or_null(f'{a}.publisher')} AND {_text_or_null(f'{a}.published', 100)} "
        f"AND typeof({a}.position) = 'integer')"
    )


def valid_link_sql(alias: str = "l") -> str:
    """True for a ``links`` row between two different events with a known relation."""
    a = alias
    return (
        f"({_required_text(f'{a}.from_id', MAX_ID_LENGTH)} AND {_required_text(f'{a}.to_id', MAX_ID_LENGTH)} "
        f"AND {a}.from_id <> {a}.to_id "
        f"AND {a}.relation IN ({_quoted(tuple(r.value for r in Relation))}) "
        f"AND {_text_or_null(f'{a}.note')})"
    )


@dataclass(frozen=True)
class UnreadableCounts:
    """How many stored records of each kind could not be read (and were skipped)."""

    events: int = 0
    bodies: int = 0
    participations: int = 0
    tags: int = 0
    sources: int = 0
    links: int = 0

    @property
    def total(self) -> int:
        """All skipped records."""
        return self.events + self.bodies + self.participations + self.tags + self.sources + self.links

    def describe(self) -> str:
        """"3 records could not be read and were skipped: 2 events, 1 link" (empty when all were read)."""
        if not self.total:
            return ""
        parts = [
            f"{count:,} {noun if count == 1 else plural}"
            for count, noun, plural in (
                (self.events, "event", "events"),
                (self.bodies, "body", "bodies"),
                (self.participations, "body of an event", "bodies of events"),
                (self.tags, "tag", "tags"),
                (self.sources, "source", "sources"),
                (self.links, "link", "links"),
            )
            if count
        ]
        records, were = ("record", "was") if self.total == 1 else ("records", "were")
        return f"{self.total:,} {records} could not be read and {were} skipped: {', '.join(parts)}"


def unreadable_counts(connection: sqlite3.Connection) -> UnreadableCounts:
    """Count the rows of each table that the readers skip."""

    def count(sql: str) -> int:
        return int(connection.execute(sql).fetchone()[0])

    return UnreadableCounts(
        events=count(f"SELECT count(*) FROM events e WHERE NOT {_never_null(valid_event_sql('e'))}"),
        bodies=count(f"SELECT count(*) FROM bodies b WHERE NOT {_never_null(valid_body_sql('b'))}"),
        participations=count(
            f"SELECT count(*) FROM event_bodies p WHERE NOT {_never_null(valid_participation_sql('p'))}"
        ),
        tags=count(f"SELECT count(*) FROM event_tags t WHERE NOT {_never_null(valid_tag_sql('t'))}"),
        sources=count(f"SELECT count(*) FROM sources s WHERE NOT {_never_null(valid_source_sql('s'))}"),
        links=count(f"SELECT count(*) FROM links l WHERE NOT {_never_null(valid_link_sql('l'))}"),
    )


def unreadable_event_seqs(connection: sqlite3.Connection) -> list[int]:
    """The ``seq`` numbers of the events the readers skip (those that have an integer one).

    The time index checks only what it reads (for speed); a view that must show exactly
    what the readers return drops these from it.
    """
    return [row[0] for row in connection.execute(
        f"SELECT e.seq FROM events e WHERE typeof(e.seq) = 'integer' AND NOT {_never_null(valid_event_sql('e'))}"
    )]


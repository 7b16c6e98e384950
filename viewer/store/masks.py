"""The shared filter applied to the in-memory time index: the window's fast path.

The same :class:`EventFilter` gives, through SQL, the command line's answer; tests check
that both agree. Only the full-text part needs the database: its matching ``seq`` numbers
are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from viewer.store.filters import EventFilter
from viewer.store.time_index import TimeIndex


def filter_mask(index: TimeIndex, event_filter: EventFilter, text_matches: Iterable[int] | None) -> np.ndarray | None:
    """Positions passing ``event_filter`` (None when it keeps everything).

    ``text_matches`` are the ``seq`` numbers matching the filter's search text (from
    :meth:`EventStore.event_seqs` with a search-only filter); ignored when there is no search.
    """
    mask: np.ndarray | None = None

    def narrow(part: np.ndarray) -> None:
        nonlocal mask
        mask = part if mask is None else mask & part

    if event_filter.fts_query() is not None:
        narrow(index.mask_of_seqs(text_matches or ()))
    if event_filter.bodies:
        narrow(index.body_members_mask(event_filter.bodies))
    if event_filter.kinds:
        narrow(index.kinds_mask(event_filter.kinds))
    if event_filter.tags:
        narrow(index.tag_members_mask(event_filter.tags))
    since, until = event_filter.time_bounds()
    if since is not None or until is not None:
        narrow(index.overlapping_mask(since, until))
    if event_filter.ids:
        wanted = set(event_filter.ids)
        narrow(np.fromiter((event_id in wanted for event_id in index.ids), dtype=bool, count=len(index)))
    return mask


def search_only(event_filter: EventFilter) -> EventFilter:
    """The part of a filter that needs the database (its search text)."""
    return EventFilter(search=event_filter.search)

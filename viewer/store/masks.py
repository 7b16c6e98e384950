"""The shared filter applied to the in-memory time index: the window's fast path.

The same :class:`EventFilter` gives, through SQL, the command line's answer; tests check
that both agree. Only the full-text part needs the database: its matching ``seq`` numbers
are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from viewer.store.filters import EventFilter, annotated_ids
from viewer.store.time_index import TimeIndex

FACETS = ("bodies", "kinds", "tags")


@dataclass(frozen=True)
class Marked:
    """The workspace's starred and noted event ids, for the filters ``starred`` and ``noted``."""

    starred: frozenset[str] = frozenset()
    noted: frozenset[str] = frozenset()


def _parts(
    index: TimeIndex, event_filter: EventFilter, text_matches: Iterable[int] | None, marked: Marked | None = None
) -> dict[str, np.ndarray]:
    """The mask of each part of ``event_filter`` that narrows anything, by part."""
    parts: dict[str, np.ndarray] = {}
    marked = marked or Marked()
    chosen = annotated_ids(event_filter, marked.starred, marked.noted)
    if chosen is not None:
        event_filter = event_filter.with_changes(ids=frozenset(), starred=False, noted=False)
        parts["marked"] = np.fromiter((event_id in chosen for event_id in index.ids), dtype=bool, count=len(index))
    if event_filter.fts_query() is not None:
        parts["search"] = index.mask_of_seqs(() if text_matches is None else text_matches)
    if event_filter.bodies:
        parts["bodies"] = index.body_members_mask(event_filter.bodies)
    if event_filter.kinds:
        parts["kinds"] = index.kinds_mask(event_filter.kinds)
    if event_filter.tags:
        parts["tags"] = index.tag_members_mask(event_filter.tags)
    since, until = event_filter.time_bounds()
    if since is not None or until is not None:
        parts["dates"] = index.overlapping_mask(since, until)
    for scale in ("credibility", "reliability"):
        codes = event_filter.grade_codes(scale, index.grading)
        if codes is not None:
            parts[scale] = index.grade_mask(scale, codes)
    if event_filter.ids:
        wanted = set(event_filter.ids)
        parts["ids"] = np.fromiter((event_id in wanted for event_id in index.ids), dtype=bool, count=len(index))
    return parts


def _combined(parts: dict[str, np.ndarray], leave_out: str | None = None) -> np.ndarray | None:
    mask: np.ndarray | None = None
    for name, part in parts.items():
        if name != leave_out:
            mask = part if mask is None else mask & part
    return mask


def filter_mask(
    index: TimeIndex,
    event_filter: EventFilter,
    text_matches: Iterable[int] | None,
    also: np.ndarray | None = None,
    marked: Marked | None = None,
) -> np.ndarray | None:
    """Positions passing ``event_filter`` (None when it keeps everything).

    ``text_matches`` are the ``seq`` numbers matching the filter's search text (from
    :meth:`EventStore.event_seqs` with a search-only filter); ignored when there is no search.
    ``also`` is a further mask to pass (the window's "only events linked to the selection");
    ``marked`` the workspace's starred and noted events.
    """
    parts = _parts(index, event_filter, text_matches, marked)
    if also is not None:
        parts["also"] = also
    return _combined(parts)


@dataclass(frozen=True)
class FacetCounts:
    """For each body, kind and tag: how many events pass every other part of the filter."""

    bodies: dict[str, int]
    kinds: dict[str, int]
    tags: dict[str, int]


def facet_counts(
    index: TimeIndex,
    event_filter: EventFilter,
    text_matches: Iterable[int] | None,
    also: np.ndarray | None = None,
    marked: Marked | None = None,
) -> FacetCounts:
    """Live counts for the Filters pane (see :func:`filter_and_facets`)."""
    return filter_and_facets(index, event_filter, text_matches, also, marked)[1]


def filter_and_facets(
    index: TimeIndex,
    event_filter: EventFilter,
    text_matches: Iterable[int] | None,
    also: np.ndarray | None = None,
    marked: Marked | None = None,
) -> tuple[np.ndarray | None, FacetCounts]:
    """:func:`filter_mask` and the live facet counts, from one set of part masks.

    A facet's counts leave its own choice out (ticking a kind shows what the other kinds
    would add), as faceted search does; a body counts its own events. No query per facet:
    everything comes from the in-memory masks.
    """
    parts = _parts(index, event_filter, text_matches, marked)
    if also is not None:
        parts["also"] = also
    masks = {facet: _combined(parts, leave_out=facet) for facet in FACETS}
    kind_mask = masks["kinds"]
    known = index.kind >= 0 if kind_mask is None else kind_mask & (index.kind >= 0)
    by_code = np.bincount(index.kind[known], minlength=len(index.kinds)) if len(index) else np.zeros(len(index.kinds))
    counts = FacetCounts(
        bodies=_member_counts(index.body_members, masks["bodies"]),
        kinds={kind: int(by_code[code]) for code, kind in enumerate(index.kinds)},
        tags=_member_counts(index.tag_members, masks["tags"]),
    )
    return _combined(parts), counts


def _member_counts(members: dict[str, np.ndarray], mask: np.ndarray | None) -> dict[str, int]:
    """How many of each key's positions pass ``mask``: one gather and one sum for all keys."""
    keys = list(members)
    if not keys:
        return {}
    sizes = np.fromiter((members[key].size for key in keys), dtype=np.int64, count=len(keys))
    if mask is None:
        return dict(zip(keys, sizes.tolist(), strict=True))
    flat = np.concatenate([members[key] for key in keys])
    passing = np.concatenate([[0], np.cumsum(mask[flat], dtype=np.int64)])
    ends = np.cumsum(sizes)
    counts = passing[ends] - passing[ends - sizes]
    return dict(zip(keys, counts.tolist(), strict=True))


def search_only(event_filter: EventFilter) -> EventFilter:
    """The part of a filter that needs the database (its search text)."""
    return EventFilter(search=event_filter.search)

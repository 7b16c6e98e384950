"""Building the timeline's in-memory data from an open store (the wiring between the two)."""

from __future__ import annotations

import numpy as np

from viewer.formatting import display_text
from viewer.store.model import Relation
from viewer.store.reader import EventStore
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import BodyInfo


def load_timeline_data(store: EventStore) -> TimelineData:
    """Time index, bodies and links of ``store``, as the timeline widget needs them."""
    index = store.time_index()
    bodies = {
        b.id: BodyInfo(b.id, display_text(b.name), display_text(b.acronym) if b.acronym else None, b.parent)
        for b in store.bodies()
    }
    link_from, link_to, relations, confidence = store.link_seqs()
    if link_from.size and len(index):
        link_from, link_to = index.positions_of_seqs(link_from), index.positions_of_seqs(link_to)
        drawn = (link_from >= 0) & (link_to >= 0)  # both ends in the index (not skipped as unreadable)
        link_from, link_to, confidence = link_from[drawn], link_to[drawn], confidence[drawn]
        label_of = {relation: Relation(relation).forward_label for relation in set(relations)}
        labels = [label_of[relation] for relation, keep in zip(relations, drawn.tolist(), strict=True) if keep]
    else:
        link_from = link_to = np.empty(0, dtype=np.int64)
        labels, confidence = [], np.empty(0, dtype=np.int8)
    return TimelineData(index, bodies, link_from, link_to, labels, confidence)

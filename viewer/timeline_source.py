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
    links = store.link_seqs()
    if links and len(index):
        seqs = np.array([(source, target) for source, target, _ in links], dtype=np.int64)
        link_from = index.positions_of_seqs(seqs[:, 0])
        link_to = index.positions_of_seqs(seqs[:, 1])
        drawn = (link_from >= 0) & (link_to >= 0)  # both ends in the index (not skipped as unreadable)
        link_from, link_to = link_from[drawn], link_to[drawn]
        labels = [Relation(relation).forward_label for (_, _, relation), keep in zip(links, drawn.tolist(), strict=True)
                  if keep]
    else:
        link_from = link_to = np.empty(0, dtype=np.int64)
        labels = []
    return TimelineData(index, bodies, link_from, link_to, labels)

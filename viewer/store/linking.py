"""What "linked to" means, once: the events one link away from a chosen set, either direction.

The window's filter ("only events linked to the selection"), Add Linked Events, the timeline's
highlight and the export's "with linked events" (window and command line) all call
:func:`linked_to`, on positions in memory or on ``seq`` numbers read from the file.
"""

from __future__ import annotations

import numpy as np


def linked_to(link_from: np.ndarray, link_to: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Flags of the items one link away from an item flagged in ``chosen`` (either direction),
    chosen items excluded; ``link_from``/``link_to`` index into ``chosen``. Two gathers over
    the links, whatever the size of the selection."""
    linked = np.zeros(chosen.size, dtype=bool)
    if link_from.size:
        linked[link_to[chosen[link_from]]] = True
        linked[link_from[chosen[link_to]]] = True
    linked &= ~chosen
    return linked


def linked_seqs(link_from: np.ndarray, link_to: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """:func:`linked_to` on ``seq`` numbers (any integers): the sorted seqs one link away."""
    everything = np.unique(np.concatenate([link_from, link_to, chosen]).astype(np.int64))
    flags = np.zeros(everything.size, dtype=bool)
    flags[np.searchsorted(everything, chosen)] = True
    found = linked_to(np.searchsorted(everything, link_from), np.searchsorted(everything, link_to), flags)
    return everything[found]

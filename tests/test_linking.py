"""One meaning of "linked to", in memory and in the file: the same events either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from viewer.store.filters import EventFilter
from viewer.store.linking import linked_seqs, linked_to
from viewer.store.reader import EventStore
from viewer.timeline_source import load_timeline_data


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60), st.sets(st.integers(0, 30)))
def test_linked_to_is_one_step_either_way_without_the_chosen(pairs, chosen) -> None:
    link_from = np.array([a for a, _ in pairs], dtype=np.int64)
    link_to = np.array([b for _, b in pairs], dtype=np.int64)
    flags = np.zeros(31, dtype=bool)
    flags[list(chosen)] = True
    expected = {b for a, b in pairs if a in chosen} | {a for a, b in pairs if b in chosen}
    assert set(np.flatnonzero(linked_to(link_from, link_to, flags)).tolist()) == expected - chosen
    # The same on sparse numbers (seq numbers in a file).
    far = np.array(sorted(chosen), dtype=np.int64) * 1_000_003
    assert set(linked_seqs(link_from * 1_000_003, link_to * 1_000_003, far).tolist()) == {
        n * 1_000_003 for n in expected - chosen
    }


def test_the_window_and_the_export_agree_on_what_is_linked(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        data = load_timeline_data(store)
        exported = set(store.ids_with_linked(EventFilter.build(ids=["dmm-2023-06"])))
    chosen = np.zeros(len(data.index), dtype=bool)
    chosen[data.position_of("dmm-2023-06")] = True
    in_memory = {data.index.ids[p] for p in data.linked_positions(np.flatnonzero(chosen)).tolist()}
    assert exported == in_memory | {"dmm-2023-06"} and len(in_memory) >= 12

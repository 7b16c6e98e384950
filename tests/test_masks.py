"""The window's in-memory filter gives exactly the command line's SQL answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from filter_cases import FILTERS

from viewer.store.masks import filter_mask, search_only
from viewer.store.reader import EventStore


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_mask_and_sql_agree(sample_db: Path, name: str) -> None:
    event_filter = FILTERS[name]
    with EventStore(sample_db) as store:
        index = store.time_index()
        matches = store.event_seqs(search_only(event_filter)) if event_filter.fts_query() else None
        mask = filter_mask(index, event_filter, matches)
        from_sql = set(store.event_ids(event_filter))
    kept = set(index.ids) if mask is None else {index.ids[p] for p in np.flatnonzero(mask)}
    assert kept == from_sql

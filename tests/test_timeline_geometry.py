"""The timeline's pure parts: time↔pixel mapping, lanes, label placement, density."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from viewer.store.reader import EventStore
from viewer.timeline.axis import CENTRE_SLACK, MIN_VISIBLE_SECONDS, TimeAxis
from viewer.timeline.density import is_crowded, lane_density, strip_alpha
from viewer.timeline.lanes import BodyInfo, LaneMode, build_lanes
from viewer.timeline.layout import LABEL_GAP_PX, LABEL_MAX_PX, MARKER_PX, mark_extent, stack_rows

DAY = 86_400.0
YEAR = 365.25 * DAY


def _axis(bounds=(0.0, 20 * YEAR), width=1000.0) -> TimeAxis:
    axis = TimeAxis(width=width, bounds=bounds)
    axis.fit_all()
    return axis


@given(st.floats(1.01, 8.0), st.floats(0, 1000))
def test_zoom_keeps_the_instant_under_the_anchor(factor: float, anchor_x: float) -> None:
    axis = _axis()
    axis.centre_on(10 * YEAR)
    before = axis.instant_at(anchor_x)
    axis.zoom(factor, anchor_x)
    assert axis.instant_at(anchor_x) == pytest.approx(before, rel=1e-9, abs=1e-3)
    axis.zoom(1 / factor, anchor_x)
    assert axis.instant_at(anchor_x) == pytest.approx(before, rel=1e-9, abs=1e-3)


def test_mapping_round_trips() -> None:
    axis = _axis()
    for x in (0.0, 12.5, 999.0):
        assert axis.x_of(axis.instant_at(x)) == pytest.approx(x)
    xs = axis.xs_of(np.array([0, int(YEAR)], dtype=np.int64))
    assert xs[1] - xs[0] == pytest.approx(YEAR / axis.seconds_per_pixel)


def test_fit_shows_the_whole_range_with_a_margin() -> None:
    axis = _axis(bounds=(100 * DAY, 200 * DAY))
    assert axis.start < 100 * DAY and axis.end > 200 * DAY
    assert axis.visible_seconds < 110 * DAY


def test_zoom_limits_minutes_to_a_few_times_the_data() -> None:
    axis = _axis()
    for _ in range(200):
        axis.zoom(2.0)
    assert axis.visible_seconds == pytest.approx(MIN_VISIBLE_SECONDS)
    for _ in range(200):
        axis.zoom(0.5)
    assert axis.visible_seconds == pytest.approx(4 * 20 * YEAR)


def test_panning_never_loses_the_data() -> None:
    axis = _axis()
    axis.zoom(100.0)
    axis.pan_pixels(1e12)
    centre = axis.instant_at(axis.width / 2)
    slack = axis.visible_seconds * CENTRE_SLACK
    assert centre <= 20 * YEAR + slack + 1
    axis.pan_pixels(-1e12)
    assert axis.instant_at(axis.width / 2) >= -slack - 1


def test_marks_are_true_to_scale_but_never_narrower_than_a_marker() -> None:
    x0, x1 = mark_extent(np.array([10.0, 50.0]), np.array([10.5, 150.0]))
    assert (x0[0], x1[0]) == (10.0 - MARKER_PX / 2, 10.0 + MARKER_PX / 2)
    assert (x0[1], x1[1]) == (50.0, 150.0)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] - 1e-6 and b[0] < a[1] - 1e-6


@given(
    st.lists(st.tuples(st.floats(0, 2000), st.floats(0, 300), st.floats(0, 900)), max_size=80),
    st.integers(1, 4),
)
def test_labels_never_cover_labels_or_marks_and_are_cut_only_where_they_collide(events, rows: int) -> None:
    events.sort()
    x0 = np.array([e[0] for e in events], dtype=float)
    x1 = x0 + np.array([max(e[1], MARKER_PX) for e in events], dtype=float)
    wanted = np.array([e[2] for e in events], dtype=float)
    plot = 2000.0
    layout = stack_rows(x0, x1, wanted, rows, plot)
    assert layout.row.max(initial=0) < rows
    assert (layout.label_width[layout.label_shown] > 0).all()
    for row in range(rows):
        members = np.flatnonzero(layout.row == row).tolist()
        labels = {i: (layout.label_x[i], layout.label_x[i] + layout.label_width[i])
                  for i in members if layout.label_shown[i]}
        for i, label in labels.items():
            assert label[0] >= -1e-6 and label[1] <= plot + 1e-6
            for j, other in labels.items():
                assert j == i or not _overlap(label, other)
            if x0[i] <= label[0] and label[1] <= x1[i]:
                continue  # inside its own bar (what is stacked under the bar is the "+N")
            for j in members:
                assert not _overlap(label, (x0[j], x1[j])), (i, j)
        for i in members:
            if layout.stacked[i] or wanted[i] == 0:
                continue
            full = layout.label_shown[i] and layout.label_width[i] >= min(wanted[i], LABEL_MAX_PX) - 0.5
            if full:
                continue
            # Cut or hidden: the full label would have met something on its right, or the edge.
            start = x1[i] + LABEL_GAP_PX
            end = start + min(wanted[i], LABEL_MAX_PX)
            blocked = end > plot or any(
                x0[j] < end + LABEL_GAP_PX and x0[j] >= x0[i] and j != i for j in members
            ) or any(_overlap((start, end), labels[j]) for j in labels if j != i)
            inside = x1[i] - x0[i] - 2 * LABEL_GAP_PX >= 200  # a wide bar keeps its label inside
            assert blocked or inside, i


def test_a_long_title_is_shown_in_full_when_the_row_has_room() -> None:
    layout = stack_rows(np.array([100.0]), np.array([100.0 + MARKER_PX]), np.array([620.0]), 1, 1600.0)
    assert layout.label_shown[0] and layout.label_width[0] == 620.0


def test_a_label_without_room_on_the_right_goes_left_in_full() -> None:
    # The first event's label would run into the second's mark; there is room on its left.
    x0 = np.array([400.0, 480.0])
    layout = stack_rows(x0, x0 + MARKER_PX, np.array([200.0, 100.0]), 1, 1600.0)
    assert layout.label_shown.all() and (layout.label_width == [200.0, 100.0]).all()
    assert layout.label_x[0] + 200.0 <= x0[0]  # to the left of its own mark
    # Near the right edge of the plot: to the left as well.
    edge = stack_rows(np.array([1550.0]), np.array([1550.0 + MARKER_PX]), np.array([300.0]), 1, 1600.0)
    assert edge.label_shown[0] and edge.label_width[0] == 300.0 and edge.label_x[0] < 1550.0


def test_a_crowded_row_cuts_or_hides_labels_instead_of_overlapping() -> None:
    x0 = np.arange(0, 400, 40, dtype=float)
    layout = stack_rows(x0, x0 + MARKER_PX, np.full(10, 120.0), 2, 1000.0)
    assert set(layout.row.tolist()) == {0, 1}
    assert layout.label_shown.all()  # every label kept, cut to the room before the next mark
    assert (layout.label_width[:-2] < 120).all() and (layout.label_width[-2:] == 120).all()


def test_simultaneous_events_stack_under_one_mark_and_say_so() -> None:
    x0 = np.full(5, 100.0)
    layout = stack_rows(x0, x0 + MARKER_PX, np.full(5, 80.0), 3, 1000.0)
    assert layout.label_shown.sum() == 3
    assert layout.hidden_after.sum() == 2


def test_a_wide_bar_carries_its_label_inside_from_its_visible_edge() -> None:
    layout = stack_rows(np.array([-500.0]), np.array([300.0]), np.array([100.0]), 1, 1000.0)
    assert layout.label_shown[0] and layout.label_x[0] == 4.0


def test_density_switches_on_crowding_and_counts_everything() -> None:
    assert not is_crowded(20, 1600)
    assert is_crowded(500, 1600)
    starts = np.sort(np.random.default_rng(1).uniform(0, 1600 * 60, 5000))  # 60 s per pixel
    density = lane_density(starts, 0.0, 60.0, 1600)
    assert density.total == 5000 == int(density.bins.sum())
    expected = np.bincount((starts // (60 * 3)).astype(int), minlength=density.bins.size)
    assert (density.bins == expected[: density.bins.size]).all()
    alpha = strip_alpha(np.array([0, 1, 1000]))
    assert alpha[0] == 0 and 0 < alpha[1] < alpha[2] == 255


def test_lanes_by_body_kind_and_none(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        index = store.time_index()
        bodies = {b.id: BodyInfo(b.id, b.name, b.acronym, b.parent) for b in store.bodies()}
    by_body = build_lanes(index, LaneMode.BODY, bodies)
    keys = [lane.key for lane in by_body]
    assert keys.index("nato") < keys.index("north-atlantic-council")  # parents first
    nac = next(lane for lane in by_body if lane.key == "north-atlantic-council")
    assert nac.title == "NAC" and nac.depth == 1
    vilnius = index.ids.index("vilnius-summit-2023")
    # An event of two bodies is in both lanes.
    assert vilnius in nac.positions and vilnius in next(lane for lane in by_body if lane.key == "lithuania").positions
    by_kind = build_lanes(index, LaneMode.KIND, bodies)
    assert sum(lane.positions.size for lane in by_kind) == len(index)
    assert "Press conference" in [lane.title for lane in by_kind]
    (single,) = build_lanes(index, LaneMode.NONE, bodies)
    assert single.positions.size == len(index)


def test_folding_a_body_gathers_its_sub_bodies(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        index = store.time_index()
        bodies = {b.id: BodyInfo(b.id, b.name, b.acronym, b.parent) for b in store.bodies()}
    unfolded = build_lanes(index, LaneMode.BODY, bodies)
    folded = build_lanes(index, LaneMode.BODY, bodies, folded={"allied-command-operations"})
    aco = next(lane for lane in folded if lane.key == "allied-command-operations")
    assert aco.folded and aco.foldable
    marcom = next(lane for lane in unfolded if lane.key == "allied-maritime-command")
    assert set(marcom.positions.tolist()) <= set(aco.positions.tolist())
    assert "allied-maritime-command" not in [lane.key for lane in folded]


def test_lane_lookup_matches_brute_force(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        index = store.time_index()
    for lane in build_lanes(index, LaneMode.KIND, {}):
        for since, until in [(index.span[0], index.span[1]), (1_686_787_200, 1_686_873_600)]:
            found = set(lane.visible(index, since, until).tolist())
            expected = {
                int(p) for p in lane.positions if index.earliest[p] < until and index.latest[p] > since
            }
            assert found == expected


def test_parent_loops_in_a_file_do_not_hang_the_lanes(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        index = store.time_index()
    looping = {
        "north-atlantic-council": BodyInfo("north-atlantic-council", "NAC", parent="nato"),
        "nato": BodyInfo("nato", "NATO", parent="north-atlantic-council"),
    }
    lanes = build_lanes(index, LaneMode.BODY, looping)
    assert {"nato", "north-atlantic-council"} <= {lane.key for lane in lanes}


def test_bodies_sharing_an_acronym_get_lanes_named_in_full(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        index = store.time_index()
        bodies = {b.id: BodyInfo(b.id, b.name, b.acronym, b.parent) for b in store.bodies()}
    titles = {lane.key: lane.title for lane in build_lanes(index, LaneMode.BODY, bodies)}
    assert titles["nato-ukraine-commission"] == "NATO-Ukraine Commission"
    assert titles["nato-ukraine-council"] == "NATO-Ukraine Council"
    assert titles["north-atlantic-council"] == "NAC"

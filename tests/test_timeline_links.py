"""How links are drawn: containment for "part of", arcs for the rest, off-screen ends at the edge."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sample_timeline
from PySide6.QtCore import Qt

from viewer.store.dates import parse_date
from viewer.timeline.links import CONTAINMENT_LABEL, place_links
from viewer.timeline.widget import TimelineWidget

PLOT = 1000.0


def _place(links, anchors, spans, labels=None, free=lambda _box: True):
    froms = [a for a, _ in links]
    tos = [b for _, b in links]
    labels = labels or ["Prepares"] * len(links)
    return place_links(
        list(range(len(links))), froms, tos, labels,
        anchors.get, lambda p: anchors.get(p) if p in anchors and 0 <= anchors[p][0] <= PLOT else None,
        spans.__getitem__, lambda p: f"Event {p}", lambda text: 7.0 * len(text), PLOT, 14.0, 46.0, 700.0, free,
    )


def test_part_of_is_one_frame_over_the_parent_in_each_parts_row() -> None:
    anchors = {0: (100.0, 140.0, 80.0), 1: (110.0, 119.0, 120.0), 2: (112.0, 121.0, 160.0), 3: (115.0, 124.0, 160.0)}
    spans = {0: (100.0, 140.0), 1: (110.0, 119.0), 2: (112.0, 121.0), 3: (115.0, 124.0)}
    geometry = _place([(1, 0), (2, 0), (3, 0)], anchors, spans, [CONTAINMENT_LABEL] * 3)
    assert not geometry.arcs and not geometry.edges
    assert [(f.x0, f.x1, f.y) for f in geometry.frames] == [(100.0, 140.0, 120.0), (100.0, 140.0, 160.0)]
    # A frame never shorter than the part it holds.
    wide = _place([(1, 0)], {0: (100.0, 104.0, 80.0), 1: (90.0, 130.0, 120.0)}, {0: (100.0, 104.0), 1: (90.0, 130.0)},
                  [CONTAINMENT_LABEL])
    frame = wide.frames[0]
    assert frame.x0 <= 90.0 and frame.x1 >= 130.0


def test_a_link_to_an_event_off_screen_ends_at_the_edge_with_its_title() -> None:
    anchors = {0: (400.0, 409.0, 100.0)}
    spans = {0: (400.0, 409.0), 1: (5000.0, 5009.0), 2: (-300.0, -291.0)}
    geometry = _place([(0, 1), (2, 0)], anchors, spans, ["Prepares", "Precedes"])
    right, left = geometry.edges
    assert right.tip_x > 900 and right.label == "Prepares: Event 1" and right.other == 1 and right.titled
    assert left.tip_x < 100 and left.label == "Preceded by: Event 2" and left.other == 2
    x, y, width, _height = right.box
    assert x > 409 and x + width <= PLOT and geometry.edge_at(x + 2, y + 2) is right
    # Two titles never lie on each other.
    crowded = _place([(0, 1), (0, 1)], anchors, spans)
    first, second = (edge.box for edge in crowded.edges)
    assert first[1] + first[3] <= second[1] or second[1] + second[3] <= first[1]


def test_an_end_scrolled_out_of_view_points_down_and_without_room_the_arrow_is_the_target() -> None:
    anchors = {0: (400.0, 409.0, 100.0), 1: (402.0, 411.0, 700.0)}  # 1: pinned to the bottom of the view
    spans = {0: (400.0, 409.0), 1: (402.0, 411.0)}
    on_screen = {0: anchors[0]}
    geometry = place_links(
        [0], [0], [1], ["Follows up"], anchors.get, on_screen.get, spans.__getitem__, lambda p: "Later",
        lambda text: 7.0 * len(text), PLOT, 14.0, 46.0, 700.0, lambda _box: False,
    )
    (edge,) = geometry.edges
    assert edge.y > 600 and not edge.titled
    _x, _y, width, height = edge.box
    assert width == height == 16


@pytest.fixture
def timeline(qtbot, sample_db: Path) -> TimelineWidget:
    widget = sample_timeline(qtbot, sample_db)
    widget.show_range(parse_date("2023-06-01").first_instant(), parse_date("2023-07-31").end_instant())
    return widget


def test_the_june_ministerial_frames_its_sessions_and_prepares_vilnius(timeline: TimelineWidget) -> None:
    timeline.set_selection(["dmm-2023-06"])
    items = timeline.link_items()
    frames = {item.from_id for item in items if item.shape == "frame"}
    assert {"npg-2023-06", "nuc-commission-2023-06-15", "dpap-review-2023-06"} <= frames
    assert all(item.to_id == "dmm-2023-06" for item in items if item.shape == "frame")
    assert not [item for item in items if item.relation == CONTAINMENT_LABEL and item.shape == "arc"]
    assert any(i.shape == "arc" and (i.from_id, i.to_id) == ("dmm-2023-06", "vilnius-summit-2023") for i in items)
    parent = timeline.event_rects("dmm-2023-06")[0]
    for item in items:
        if item.shape == "frame":  # over the parent's span
            assert item.rect.left() <= parent.left() + 1 and item.rect.right() >= parent.right() - 1
    edges = [item for item in items if item.shape == "edge"]
    assert any(item.to_id == "dmm-2023-10" and item.text.startswith("Precedes: ") for item in edges)
    timeline.grab()


def test_show_all_links_includes_links_with_an_end_off_screen(timeline: TimelineWidget) -> None:
    timeline.set_show_all_links(False)
    assert timeline.link_items() == []
    timeline.set_show_all_links(True)
    edges = [item for item in timeline.link_items() if item.shape == "edge"]
    assert any({item.from_id, item.to_id} == {"dmm-2023-06", "dmm-2023-10"} for item in edges)


def test_clicking_an_off_screen_end_goes_to_that_event(qtbot, timeline: TimelineWidget) -> None:
    timeline.set_selection(["dmm-2023-06"])
    edge = next(item for item in timeline.link_items() if item.shape == "edge" and item.text.startswith("Preceded by"))
    with qtbot.waitSignal(timeline.selection_changed) as signal:
        qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=edge.rect.center().toPoint())
    assert signal.args == [["dmm-2023-02"]]
    first, end = timeline.visible_range()
    assert first <= parse_date("2023-02-14").first_instant() <= end
    assert timeline.event_rects("dmm-2023-02")

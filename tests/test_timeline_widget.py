"""The timeline widget driven as a user would: wheel, keys, clicks, on the sample and on dense data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import sample_timeline
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from viewer.store.dates import parse_date
from viewer.store.time_index import _ROW, TimeIndex
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import LaneMode
from viewer.timeline.widget import HEADER_PX, TimelineWidget


@pytest.fixture
def timeline(qtbot, sample_db: Path) -> TimelineWidget:
    widget = sample_timeline(qtbot, sample_db)
    qtbot.waitExposed(widget)
    return widget


def _june(widget: TimelineWidget) -> None:
    widget.show_range(parse_date("2023-06-01").first_instant(), parse_date("2023-07-31").end_instant())


def _wheel(widget: TimelineWidget, x: float, dy: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    point = QPointF(x, 300)
    event = QWheelEvent(
        point, widget.viewport().mapToGlobal(point), QPoint(0, 0), QPoint(0, dy),
        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(widget.viewport(), event)


def test_ctrl_wheel_zooms_around_the_cursor(timeline: TimelineWidget) -> None:
    axis = timeline.axis()
    x = 500.0
    before_instant, before_span = axis.instant_at(x - HEADER_PX), axis.visible_seconds
    _wheel(timeline, x, 240, Qt.KeyboardModifier.ControlModifier)
    assert axis.visible_seconds < before_span
    assert axis.instant_at(x - HEADER_PX) == pytest.approx(before_instant, abs=1.0)
    _wheel(timeline, x, -240, Qt.KeyboardModifier.ControlModifier)
    assert axis.visible_seconds == pytest.approx(before_span, rel=1e-6)
    assert axis.instant_at(x - HEADER_PX) == pytest.approx(before_instant, abs=1.0)


def test_wheel_pans_in_time(timeline: TimelineWidget) -> None:
    _june(timeline)
    start = timeline.visible_range()[0]
    _wheel(timeline, 600, -120)
    assert timeline.visible_range()[0] > start


def test_keys_zoom_and_home_fits_every_event(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    span = timeline.axis().visible_seconds
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    assert timeline.axis().visible_seconds < span
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    first, end = timeline.visible_range()
    index = timeline.data().index
    assert first <= index.earliest.min() and end >= index.latest.max()


def test_clicking_an_event_selects_it_and_only_it(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    (rect, *_copies) = timeline.event_rects("vilnius-summit-2023")
    with qtbot.waitSignal(timeline.selection_changed) as signal:
        qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert signal.args == [["vilnius-summit-2023"]]
    assert timeline.selected_ids() == ["vilnius-summit-2023"]
    (other, *_copies) = timeline.event_rects("dmm-2023-06")
    qtbot.mouseClick(
        timeline.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, other.center().toPoint()
    )
    assert timeline.selected_ids() == ["dmm-2023-06", "vilnius-summit-2023"]
    qtbot.keyClick(timeline, Qt.Key.Key_Escape)
    assert timeline.selected_ids() == []


def test_clicking_empty_space_clears_the_selection(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    timeline.set_selection(["dmm-2023-06"])
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(HEADER_PX) + 5, 880))
    assert timeline.selected_ids() == []


def test_keyboard_visits_events_in_time_order(qtbot, timeline: TimelineWidget) -> None:
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    visited = []
    for _ in range(len(timeline.data().index) + 2):
        qtbot.keyClick(timeline, Qt.Key.Key_Right)
        visited.extend(timeline.selected_ids())
    index = timeline.data().index
    expected = [index.ids[p] for p in np.lexsort((index.latest, index.earliest))]
    assert list(dict.fromkeys(visited)) == expected
    qtbot.keyClick(timeline, Qt.Key.Key_Left)
    assert timeline.selected_ids() == [expected[-2]]


def test_keyboard_skips_what_the_filter_hides(qtbot, timeline: TimelineWidget) -> None:
    index = timeline.data().index
    summits = np.array([index.kinds[code] == "summit" if code >= 0 else False for code in index.kind])
    timeline.set_filter_mask(summits)
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.selected_ids() == ["vilnius-summit-2023"]


def test_labels_do_not_overlap(timeline: TimelineWidget) -> None:
    for first, last in [("2023-06-10", "2023-06-20"), ("2023-05", "2023-08"), ("2014", "2025")]:
        timeline.show_range(parse_date(first).first_instant(), parse_date(last).end_instant())
        labels = [rect for _id, rect in timeline.label_rects()]
        assert labels
        for a in range(len(labels)):
            for b in range(a + 1, len(labels)):
                assert not labels[a].adjusted(0.5, 0.5, -0.5, -0.5).intersects(labels[b]), (a, b)


def test_selecting_the_june_ministerial_draws_its_link_to_vilnius(timeline: TimelineWidget) -> None:
    _june(timeline)
    assert timeline.drawn_links() == []
    timeline.set_selection(["dmm-2023-06"])
    links = timeline.drawn_links()
    assert ("dmm-2023-06", "vilnius-summit-2023", "Prepares") in links
    assert ("npg-2023-06", "dmm-2023-06", "Part of") in links
    timeline.clear_selection()
    timeline.set_show_all_links(True)
    assert len(timeline.drawn_links()) > len(links)


def test_filtering_out_a_selected_event_deselects_it(timeline: TimelineWidget, qtbot) -> None:
    timeline.set_selection(["dmm-2023-06", "vilnius-summit-2023"])
    keep = np.array([event_id == "vilnius-summit-2023" for event_id in timeline.data().index.ids])
    with qtbot.waitSignal(timeline.selection_changed) as signal:
        timeline.set_filter_mask(keep)
    assert signal.args == [["vilnius-summit-2023"]]
    assert timeline.visible_count() == 1


def test_lane_modes(timeline: TimelineWidget) -> None:
    timeline.set_lane_mode(LaneMode.KIND)
    assert "Summit" in [lane.title for lane in timeline.lanes()]
    timeline.set_lane_mode(LaneMode.NONE)
    assert len(timeline.lanes()) == 1


def test_tooltips_show_markup_as_text(qtbot, timeline: TimelineWidget) -> None:
    timeline.set_description_provider(lambda _position: "<b>bold?</b> <img src=x>")
    _june(timeline)
    (rect, *_copies) = timeline.event_rects("vilnius-summit-2023")
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent

    point = rect.center().toPoint()
    QApplication.sendEvent(
        timeline.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, timeline.viewport().mapToGlobal(point))
    )
    assert "&lt;b&gt;bold?&lt;/b&gt;" in QToolTip.text()
    QToolTip.hideText()


def _dense(n: int = 20_000) -> TimelineData:
    rng = np.random.default_rng(3)
    earliest = np.sort(rng.integers(1_500_000_000, 1_700_000_000, n))
    rows = np.zeros(n, dtype=_ROW)
    rows["seq"] = np.arange(1, n + 1)
    rows["earliest"], rows["latest"] = earliest, earliest + 86_400
    rows["precision"] = 2
    index = TimeIndex.from_rows(rows, ("meeting",), titles=[f"Event {i}" for i in range(n)])
    return TimelineData(index)


@pytest.fixture
def dense(qtbot) -> TimelineWidget:
    """20,000 events in one lane, in a 1600-pixel-wide widget."""
    return _one_lane(qtbot, _dense(), (1600, 600))


def _one_lane(qtbot, data: TimelineData, size: tuple[int, int]) -> TimelineWidget:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    widget.set_lane_mode(LaneMode.NONE)
    widget.set_data(data)
    return widget


def test_the_aggregated_view_appears_when_zoomed_out_and_goes_when_zoomed_in(dense: TimelineWidget) -> None:
    widget = dense
    assert widget.aggregated_lanes() == ["\x00all"]
    assert widget.label_rects() == []
    middle = sum(widget.visible_range()) / 2
    widget.show_range(middle, middle + 3 * 86_400)
    assert widget.aggregated_lanes() == []
    assert widget.label_rects()


def test_clicking_a_cluster_zooms_into_it(qtbot, dense: TimelineWidget) -> None:
    widget = dense
    span = widget.axis().visible_seconds
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(HEADER_PX) + 700, 200))
    assert widget.axis().visible_seconds < span / 10


def test_go_to_date(timeline: TimelineWidget) -> None:
    timeline.go_to_date("12 July 2023")
    first, end = timeline.visible_range()
    assert first <= parse_date("2023-07-12").first_instant() < end
    assert end - first < 5 * 86_400
    from viewer.store.errors import InvalidDateError

    with pytest.raises(InvalidDateError):
        timeline.go_to_date("the day after tomorrow")


def test_painting_does_not_corrupt_reference_counts(timeline: TimelineWidget) -> None:
    """Some Qt binding releases drop a reference to None per drawing call (PySide6 6.12.0 did,
    hundreds per frame), which crashes Python 3.11 at exit. Ordinary caches move it by a few."""
    import gc
    import sys

    _june(timeline)
    timeline.set_selection(["dmm-2023-06"])
    timeline.grab()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(50):
        timeline.pan_pixels(3)
        timeline.grab()
    gc.collect()
    assert sys.getrefcount(None) >= before - 2_000


def test_dragging_pans_and_shift_dragging_selects_a_region(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    viewport = timeline.viewport()
    start = timeline.visible_range()[0]
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(900, 850))
    qtbot.mouseMove(viewport, QPoint(800, 850))
    qtbot.mouseMove(viewport, QPoint(700, 850))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(700, 850))
    assert timeline.visible_range()[0] > start  # the content moved left: later time shown
    assert timeline.selected_ids() == []
    (summit, *_copies) = timeline.event_rects("vilnius-summit-2023")
    corner = summit.center().toPoint()
    shift = Qt.KeyboardModifier.ShiftModifier
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, shift, corner - QPoint(40, 12))
    qtbot.mouseMove(viewport, corner + QPoint(10, 10))
    qtbot.mouseMove(viewport, corner + QPoint(20, 12))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, shift, corner + QPoint(20, 12))
    assert "vilnius-summit-2023" in timeline.selected_ids()
    assert "dmm-2023-06" not in timeline.selected_ids()


def test_shift_click_extends_along_a_lane(qtbot, timeline: TimelineWidget) -> None:
    timeline.set_lane_mode(LaneMode.NONE)
    _june(timeline)
    (first, *_c) = timeline.event_rects("sg-press-conference-2023-06-14")
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=first.center().toPoint())
    (last, *_c) = timeline.event_rects("vilnius-summit-2023")
    qtbot.mouseClick(
        timeline.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, last.center().toPoint()
    )
    chosen = timeline.selected_ids()
    assert chosen[0] == "sg-press-conference-2023-06-14" and "vilnius-summit-2023" in chosen
    assert "dmm-2023-06" in chosen and "dmm-2023-10" not in chosen and "dmm-2023-02" not in chosen


# ---------------------------------------------------------------- labels, stacks and the legend


def _item(widget: TimelineWidget, event_id: str):
    return next(item for item in widget.visible_items() if item.event_id == event_id)


def test_clicking_or_double_clicking_a_label_does_what_the_mark_does(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    item = _item(timeline, "vilnius-summit-2023")
    assert item.label is not None and item.text == "NATO Vilnius Summit"
    on_text = QPoint(int(item.label.right()) - 4, int(item.label.center().y()))
    assert not item.marker.contains(QPointF(on_text))
    with qtbot.waitSignal(timeline.selection_changed) as signal:
        qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=on_text)
    assert signal.args == [["vilnius-summit-2023"]]
    with qtbot.waitSignal(timeline.event_activated) as activated:
        qtbot.mouseDClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=on_text)
    assert activated.args == ["vilnius-summit-2023"]


def test_hovering_a_label_describes_its_event(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    item = _item(timeline, "vilnius-summit-2023")
    point = QPoint(int(item.label.right()) - 4, int(item.label.center().y()))
    QToolTip.hideText()
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent

    event = QHelpEvent(QEvent.Type.ToolTip, point, timeline.viewport().mapToGlobal(point))
    QApplication.sendEvent(timeline.viewport(), event)
    assert "NATO Vilnius Summit" in QToolTip.text() and "11" in QToolTip.text()


def test_labels_are_whole_where_there_is_room_and_never_cover_marks(timeline: TimelineWidget) -> None:
    _june(timeline)
    items = timeline.visible_items()
    index = timeline.data().index
    titles = dict(zip(index.ids, index.titles, strict=True))
    whole = [item for item in items if item.label is not None and item.text.startswith(titles[item.event_id])]
    assert any(item.event_id == "dmm-2023-06" for item in whole)  # 46 characters, once cut at about 40
    marks = [item.marker for item in items]
    for item in items:
        if item.label is None:
            continue
        for mark in marks:
            inside_own = mark == item.marker and mark.left() <= item.label.left() and item.label.right() <= mark.right()
            assert inside_own or not item.label.adjusted(0.5, 0.5, -0.5, -0.5).intersects(mark), item.event_id


def test_a_stack_lists_what_it_holds_and_opens_to_choose(qtbot, timeline: TimelineWidget) -> None:
    _june(timeline)
    stacks = [item for item in timeline.visible_items() if item.stacked and item.label is not None]
    assert stacks, "the sample's June ministerial stacks its sessions at this zoom"
    stack = stacks[0]
    assert stack.text.endswith(f"(+{stack.stacked})")
    count_at = QPoint(int(stack.label.left() + QFontMetricsF(timeline.font()).horizontalAdvance(stack.text)) - 6,
                      int(stack.label.center().y()))
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    QApplication.sendEvent(
        timeline.viewport(), QHelpEvent(QEvent.Type.ToolTip, count_at, timeline.viewport().mapToGlobal(count_at))
    )
    assert f"{stack.stacked} more at this mark" in QToolTip.text()
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=count_at)
    menu = timeline.stack_menu
    assert menu is not None and menu.objectName() == "stackMenu"
    actions = menu.actions()
    assert len(actions) == stack.stacked + 1
    chosen = actions[-1]
    with qtbot.waitSignal(timeline.selection_changed) as signal:
        chosen.trigger()
    (selected,) = signal.args[0]
    assert selected != stack.event_id
    assert timeline.data().index.titles[timeline.data().position_of(selected)][:30] in chosen.text()


def test_the_legend_is_a_strip_below_the_plot_that_covers_no_event(qtbot, timeline: TimelineWidget) -> None:
    timeline.resize(1024, 700)
    qtbot.wait(10)
    legend = timeline.legend
    assert legend.isVisible() and legend.objectName() == "timelineLegend" and legend.accessibleName()
    assert "Summit" in legend.entries() and "Meeting" in legend.entries()
    plot = timeline.viewport().geometry()
    assert legend.geometry().top() > plot.bottom()  # outside the plot
    for first, last in [("2023-06-01", "2023-07-31"), ("2014", "2025")]:
        timeline.show_range(parse_date(first).first_instant(), parse_date(last).end_instant())
        for item in timeline.visible_items():
            drawn = item.marker.intersected(QRectF(timeline.viewport().rect()))  # the viewport clips the rest
            drawn = drawn.translated(QPointF(plot.topLeft()))
            assert drawn.isEmpty() or not QRectF(legend.geometry()).intersects(drawn)
    timeline.resize(600, 700)  # the kinds wrap to several lines
    qtbot.wait(10)
    full = legend.height()
    assert full > 30
    qtbot.mouseClick(legend, Qt.MouseButton.LeftButton, pos=QPoint(20, 8))  # its title folds it
    assert legend.is_collapsed() and legend.height() < full
    timeline.set_legend_visible(False)
    assert not legend.isVisible() and timeline.viewport().geometry().height() > plot.height()


def test_fit_all_leaves_room_for_the_last_events_label(qtbot, timeline: TimelineWidget) -> None:
    for width in (1400, 1024):  # (narrower, the data keeps 40% of the width and a long title may be cut)
        timeline.resize(width, 700)
        qtbot.wait(5)
        timeline.fit_all()
        index = timeline.data().index
        last = index.ids[len(index) - 1]
        drawn = [item for item in timeline.visible_items() if item.event_id == last and item.label is not None]
        assert drawn, f"the last event ({last}) has a label at {width} px"
        assert drawn[0].text == index.titles[len(index) - 1]
        assert drawn[0].label.right() <= timeline.viewport().width()


def test_plus_and_minus_zoom_around_the_mouse_over_the_plot(qtbot, timeline: TimelineWidget) -> None:
    from PySide6.QtGui import QCursor

    _june(timeline)
    x = 900.0
    QCursor.setPos(timeline.viewport().mapToGlobal(QPoint(int(x), 300)))
    if timeline.viewport().mapFromGlobal(QCursor.pos()) != QPoint(int(x), 300):
        pytest.skip("this platform cannot move the mouse")
    under = timeline.axis().instant_at(x - HEADER_PX)
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    assert timeline.axis().instant_at(x - HEADER_PX) == pytest.approx(under, abs=60)
    qtbot.keyClick(timeline, Qt.Key.Key_Minus)
    assert timeline.axis().instant_at(x - HEADER_PX) == pytest.approx(under, abs=60)
    QCursor.setPos(timeline.viewport().mapToGlobal(QPoint(-500, -500)))  # off the plot: the centre
    first, end = timeline.visible_range()
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    after = timeline.visible_range()
    assert (after[0] + after[1]) / 2 == pytest.approx((first + end) / 2, abs=60)


def test_go_to_date_leaves_room_for_the_last_label_in_view(timeline: TimelineWidget) -> None:
    timeline.resize(1024, 700)
    index = timeline.data().index
    for text in ("October 2023", "2024"):
        timeline.go_to_date(text)
        first, end = timeline.visible_range()
        period = parse_date(text)
        assert first <= period.first_instant() and end >= period.end_instant()
        starting = [p for p in range(len(index)) if first <= index.earliest[p] <= end]
        last = index.ids[max(starting, key=lambda p: index.earliest[p])]
        labels = [item for item in timeline.visible_items() if item.event_id == last and item.label is not None]
        for item in labels:  # where it is labelled, its label is whole and inside the view
            assert "…" not in item.text and item.label.right() <= timeline.viewport().width(), (text, last)
        assert labels, (text, last)


def test_go_to_date_makes_room_for_a_long_title_at_the_date(qtbot) -> None:
    rows = np.zeros(2, dtype=_ROW)
    day = int(parse_date("2023-06-30").first_instant())
    rows["seq"] = [1, 2]
    rows["earliest"], rows["latest"] = [day - 400 * 86_400, day], [day - 399 * 86_400, day + 86_400]
    rows["precision"] = 2
    title = "Ministers agree on a statement on protecting undersea infrastructure"  # about 420 px
    data = TimelineData(TimeIndex.from_rows(rows, ("meeting",), titles=["Earlier", title], ids=["a", "b"]))
    widget = _one_lane(qtbot, data, (1024, 500))
    widget.go_to_date("2023-06-30")
    (item,) = [item for item in widget.visible_items() if item.event_id == "b"]
    assert item.text == title and item.label.right() <= widget.viewport().width()

"""How sure events and links are, and the analyst's stars and notes, as the timeline draws them.

Each test renders the widget and looks at its pixels: a probable link is dashed, an uncertain
event's mark is hollow, the legend explains only what the data holds, a starred event has a
gold star at its mark, and stars follow their events through new data and filters.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QImage

from viewer.store.grading import Grade, GradingScheme
from viewer.store.time_index import ROW_DTYPE, TimeIndex
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import LaneMode
from viewer.timeline.widget import TimelineWidget

DAY = 86_400
T0 = 1_685_577_600  # 1 June 2023
SURE, UNCERTAIN, DOUBTFUL, UNJUDGED = 0, 2, 3, 5  # positions in the Admiralty credibility scale: 1, 3, 4, 6
GOLD = QColor("#FFC20A")


def _data(
    events: list[tuple[str, float, float]],
    credibility: list[int] | None = None,
    links: list[tuple[int, int]] = (),
    confidence: list[int] = (),
    titles: list[str] | None = None,
) -> TimelineData:
    """Events (id, first day, length in days; 0: a point), in time order, of one kind."""
    rows = np.zeros(len(events), dtype=ROW_DTYPE)
    rows["seq"] = np.arange(1, len(events) + 1)
    rows["earliest"] = [T0 + first * DAY for _id, first, _length in events]
    rows["latest"] = [T0 + (first + length) * DAY for _id, first, length in events]
    rows["precision"] = 2  # to the day
    ids = [event_id for event_id, _first, _length in events]
    index = TimeIndex.from_rows(rows, ("meeting",), titles=titles or ids, ids=ids)
    if credibility is not None:
        index.credibility = np.array(credibility, dtype=np.int8)
    froms, tos = [a for a, _ in links], [b for _, b in links]
    return TimelineData(index, {}, np.array(froms, dtype=np.int64), np.array(tos, dtype=np.int64),
                        [""] * len(links), np.array(confidence, dtype=np.int8))


def _widget(qtbot, data: TimelineData, days: tuple[float, float] = (-2, 32)) -> TimelineWidget:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    widget.set_lane_mode(LaneMode.NONE)
    widget.set_data(data)
    widget.set_show_all_links(True)
    widget.show_range(T0 + days[0] * DAY, T0 + days[1] * DAY, 0.0)
    return widget


def _pixels(widget: TimelineWidget) -> np.ndarray:
    """The widget as drawn, an array of (height, width, RGB)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    array = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return array.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), 2::-1].astype(int)


def _plot(widget: TimelineWidget) -> QRect:
    """The plot's area (below the ruler, right of the lane names, above the legend)."""
    area = widget.viewport().geometry()
    return QRect(area.left() + 200, area.top() + 50, area.width() - 210, area.height() - 60)


def _components(mask: np.ndarray) -> list[int]:
    """The sizes of the 8-connected groups of set pixels."""
    seen = np.zeros_like(mask)
    sizes = []
    for y, x in zip(*np.nonzero(mask), strict=True):
        if seen[y, x]:
            continue
        seen[y, x], size, queue = True, 0, deque([(y, x)])
        while queue:
            cy, cx = queue.popleft()
            size += 1
            for ny in (cy - 1, cy, cy + 1):
                for nx in (cx - 1, cx, cx + 1):
                    if 0 <= ny < mask.shape[0] and 0 <= nx < mask.shape[1] and mask[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        queue.append((ny, nx))
        sizes.append(size)
    return sizes


def _link_pixels(qtbot, confidence: int) -> list[int]:
    """The pieces a link of ``confidence`` is drawn in (its pixels: the picture with it less the one without)."""
    events = [("a", 3, 0), ("b", 24, 0)]
    titles = ["", ""]  # no label over the line
    with_link = _widget(qtbot, _data(events, links=[(0, 1)], confidence=[confidence], titles=titles))
    without = _widget(qtbot, _data(events, titles=titles))
    area = _plot(with_link)
    drawn, plain = _pixels(with_link), _pixels(without)
    rows, columns = slice(area.top(), area.bottom()), slice(area.left(), area.right())
    changed = np.abs(drawn[rows, columns] - plain[rows, columns]).max(axis=2) > 60
    assert changed.sum() > 100, "the link is drawn"
    return _components(changed)


def test_a_confirmed_link_is_one_line_a_probable_one_dashed_a_possible_one_dotted(qtbot) -> None:
    solid, dashed, dotted = (_link_pixels(qtbot, confidence) for confidence in (0, 1, 2))
    assert len(solid) <= 3  # the line and its arrow head (a box for the relation's name may cut it)
    assert len(dashed) >= 10 and len(dotted) >= 10  # gaps all along
    assert np.median(dotted) < np.median(dashed)  # dots are shorter than dashes


def _mark(widget: TimelineWidget, event_id: str) -> QRectF:
    (rect,) = widget.event_rects(event_id)
    return rect


def _lightness(pixel: np.ndarray) -> int:
    return QColor(*pixel.tolist()).lightness()


def test_an_uncertain_event_is_outlined_and_a_doubtful_one_faded(qtbot) -> None:
    events = [("sure", 1, 3), ("uncertain", 8, 3), ("unjudged", 15, 3), ("doubtful", 22, 3), ("ungraded", 29, 3)]
    titles = ["1", "3", "6", "4", "-"]  # labels short enough to sit inside, at the left of the mark
    widget = _widget(qtbot, _data(events, [SURE, UNCERTAIN, UNJUDGED, DOUBTFUL, -1], titles=titles), (-1, 34))
    pixels = _pixels(widget)

    def inside(event_id: str) -> int:  # right of the label, clear of the border
        rect = _mark(widget, event_id)
        return _lightness(pixels[int(rect.center().y()), int(rect.right() - 10)])

    def border(event_id: str) -> int:  # the darkest pixel across the mark's left edge
        rect = _mark(widget, event_id)
        y, x = int(rect.center().y()), int(rect.left())
        return min(_lightness(pixel) for pixel in pixels[y, x - 2 : x + 3])

    base = widget.palette().base().color().lightness()
    assert inside("sure") < base - 60 and inside("ungraded") == inside("sure")  # filled in the kind's colour
    for hollow in ("uncertain", "unjudged", "doubtful"):
        assert inside(hollow) > base - 40, f"{hollow}: a light fill inside"
    assert border("uncertain") < base - 60  # a border in the kind's colour
    assert border("uncertain") < border("doubtful") < base - 20  # a doubtful border: still there, fainter


def test_an_uncertain_point_event_is_a_hollow_diamond_outlined_all_round(qtbot) -> None:
    widget = _widget(qtbot, _data([("sure", 4, 0), ("uncertain", 16, 0)], [SURE, UNCERTAIN]), (-1, 34))
    pixels = _pixels(widget)
    base = widget.palette().base().color().lightness()
    for event_id, hollow in (("sure", False), ("uncertain", True)):
        centre = _mark(widget, event_id).center()
        cx, cy = int(centre.x()), int(centre.y())
        assert (_lightness(pixels[cy, cx]) > base - 40) == hollow
        # Each side of the diamond (5.5 px from its centre to a corner) is drawn: the middle of each side.
        for dx, dy in ((-3, -3), (3, -3), (3, 3), (-3, 3)):
            side = pixels[cy + dy - 1 : cy + dy + 2, cx + dx - 1 : cx + dx + 2].reshape(-1, 3)
            assert min(_lightness(pixel) for pixel in side) < base - 60, (event_id, dx, dy)


def test_a_selected_outlined_event_still_looks_selected(qtbot) -> None:
    widget = _widget(qtbot, _data([("a", 5, 3), ("b", 15, 3)], [UNCERTAIN, UNCERTAIN]))
    widget.set_selection(["a"])
    pixels = _pixels(widget)
    highlight = widget.palette().highlight().color()

    def highlighted_near(event_id: str) -> int:
        rect = _mark(widget, event_id).adjusted(-4, -4, 4, 4)
        box = pixels[int(rect.top()) : int(rect.bottom()), int(rect.left()) : int(rect.right())]
        target = np.array([highlight.red(), highlight.green(), highlight.blue()])
        return int((np.abs(box - target).max(axis=2) < 40).sum())

    assert highlighted_near("a") > 4 * max(1, highlighted_near("b"))


def test_the_legend_explains_grades_and_link_confidences_only_when_present(qtbot) -> None:
    events = [("a", 1, 0), ("b", 5, 0), ("c", 9, 0)]
    plain = _widget(qtbot, _data(events, links=[(0, 1)], confidence=[0])).legend.entries()
    assert plain == ["Meeting"]  # no grade, every link confirmed: nothing to explain

    graded = _widget(qtbot, _data(events, [UNCERTAIN, SURE, -1], [(0, 1), (1, 2)], [0, 1])).legend.entries()
    assert "outlined: credibility uncertain (3 or cannot be judged)" in graded
    assert not any("doubtful" in entry for entry in graded)
    assert "confirmed link" in graded and "probable link" in graded and "possible link" not in graded

    doubtful = _widget(qtbot, _data(events, [DOUBTFUL, DOUBTFUL, SURE], [(0, 1)], [2])).legend.entries()
    assert "faded outline: credibility doubtful (4–5)" in doubtful and "possible link" in doubtful
    assert not any("uncertain" in entry for entry in doubtful) and "confirmed link" not in doubtful


def test_the_legend_words_another_schemes_grades(qtbot) -> None:
    data = _data([("a", 1, 0), ("b", 5, 0)], [2, 4])
    scale = tuple(Grade(code, f"Grade {code}") for code in "ABCDE")
    data.index.grading = GradingScheme("Five by five", scale, scale)
    entries = _widget(qtbot, data).legend.entries()
    assert "outlined: credibility uncertain (C)" in entries
    assert "faded outline: credibility doubtful (D–E)" in entries


def _gold_near(widget: TimelineWidget, pixels: np.ndarray, event_id: str) -> int:
    rect = _mark(widget, event_id).adjusted(-8, -8, 8, 4)
    box = pixels[int(rect.top()) : int(rect.bottom()), int(rect.left()) : int(rect.right())]
    return int((np.abs(box - np.array([GOLD.red(), GOLD.green(), GOLD.blue()])).max(axis=2) < 40).sum())


def test_a_starred_event_has_a_gold_star_and_a_noted_one_a_dot(qtbot) -> None:
    events = [("a", 2, 3), ("b", 10, 3), ("c", 18, 3)]
    widget = _widget(qtbot, _data(events))
    before = _pixels(widget)
    assert widget.legend.entries() == ["Meeting"]
    widget.set_annotations(starred=["b"], noted=["c"])
    after = _pixels(widget)
    assert _gold_near(widget, after, "b") >= 6
    assert _gold_near(widget, after, "a") == 0 and _gold_near(widget, after, "c") == 0
    # The note: a dot at the top right of c's mark, nowhere else.
    changed = np.abs(after - before).max(axis=2) > 60
    c, a = _mark(widget, "c"), _mark(widget, "a")
    assert changed[int(c.top()) - 4 : int(c.top()) + 4, int(c.right()) - 4 : int(c.right()) + 4].sum() >= 4
    assert not changed[int(a.top()) - 8 : int(a.bottom()), int(a.left()) - 8 : int(a.right()) + 8].any()
    assert "starred" in widget.legend.entries() and "has a note" in widget.legend.entries()
    assert widget.starred_ids() == {"b"} and widget.noted_ids() == {"c"}


def test_stars_follow_their_events_through_new_data_and_filters(qtbot) -> None:
    widget = _widget(qtbot, _data([("a", 2, 3), ("b", 10, 3)]))
    widget.set_annotations(starred=["b", "later"])
    assert _gold_near(widget, _pixels(widget), "b") >= 6
    # New data: b is elsewhere (another position), and "later" is now there too.
    widget.set_data(_data([("x", 1, 3), ("y", 6, 3), ("b", 14, 3), ("later", 22, 3)]))
    widget.show_range(T0 - 2 * DAY, T0 + 32 * DAY, 0.0)
    pixels = _pixels(widget)
    assert _gold_near(widget, pixels, "b") >= 6 and _gold_near(widget, pixels, "later") >= 6
    assert _gold_near(widget, pixels, "x") == 0 and _gold_near(widget, pixels, "y") == 0
    # Filtered: the star stays with b.
    widget.set_filter_mask(np.array([False, True, True, False]))
    pixels = _pixels(widget)
    assert _gold_near(widget, pixels, "b") >= 6 and widget.event_rects("later") == []
    # Data where no starred event is: no star, none in the legend; the ids are kept.
    widget.set_data(_data([("z", 3, 3)]))
    assert "starred" not in widget.legend.entries() and widget.starred_ids() == {"b", "later"}
    widget.set_annotations()
    assert widget.starred_ids() == frozenset()


@pytest.mark.parametrize("graded", [False, True])
def test_a_crowded_graded_lane_is_still_a_density_strip(qtbot, graded: bool) -> None:
    count = 20_000
    rng = np.random.default_rng(5)
    days = np.sort(rng.uniform(0, 300, count))
    data = _data([(f"e{i}", float(day), 0.5) for i, day in enumerate(days.tolist())],
                 rng.integers(-1, 6, count).tolist() if graded else None)
    widget = _widget(qtbot, data, (0, 300))
    widget.set_annotations(starred=[f"e{i}" for i in range(0, count, 7)])
    assert widget.aggregated_lanes() == ["\x00all"]
    assert _pixels(widget).shape[0] > 0  # drawn: the strip, no star over it

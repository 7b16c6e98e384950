"""Lane names and tick labels fit their room in pictures and on screen: whole, wrapped or elided
with "…" (a lane name), shifted or left out (a tick label); never cut mid-glyph, never "2…".

Pictures are read back as SVG with xml.etree; each text is measured with the font it was drawn
in, at the size the PNG and the PDF draw it.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from conftest import write_json
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QHelpEvent, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QToolTip

from viewer.export import image_export
from viewer.store.importer import import_files
from viewer.store.reader import EventStore
from viewer.timeline.data import TimelineData
from viewer.timeline.label_fit import group_label, minor_label_starts, name_lines
from viewer.timeline.lanes import LaneMode
from viewer.timeline.painting import HEADER_PX, RULER_PX
from viewer.timeline.widget import MAX_PICTURE_HEADER_PX, TimelineWidget
from viewer.timeline_source import load_timeline_data

RAMSTEIN = "Ukraine Defence Contact Group (Ramstein format)"
ENDLESS = ("European Union Military Committee of the Council and its Working Party on Politico-Military "
           "Affairs and Crisis Management, in extraordinary session")
LONG_KIND = "extraordinary_ministerial_consultation_under_article_four"
DAY = 86_400.0
JAN_2024 = 1_704_067_200.0  # 2024-01-01T00:00
_MATRIX = re.compile(r"matrix\(([^)]*)\)")


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> TimelineData:
    """Three bodies, two with names too long for any header column, events from 2022 to 2024."""
    folder = tmp_path_factory.mktemp("label_fit")
    document = {
        "format": "defence-timeline",
        "version": 1,
        "name": "Long names",
        "bodies": [
            {"id": "udcg", "name": RAMSTEIN},
            {"id": "nato", "name": "North Atlantic Treaty Organization", "acronym": "NATO"},
            {"id": "eumc", "name": ENDLESS},
        ],
        "events": [
            {"id": "a", "title": "First meeting", "start": "2022-04-26", "kind": LONG_KIND,
             "bodies": [{"id": "udcg"}]},
            {"id": "b", "title": "Second", "start": "2023-02-14", "kind": "meeting", "bodies": [{"id": "nato"}]},
            {"id": "c", "title": "Third", "start": "2024-11-20", "kind": "meeting",
             "bodies": [{"id": "eumc"}, {"id": "udcg"}]},
        ],
    }
    path = folder / "long.db"
    import_files([write_json(folder / "long.json", document)], path)
    with EventStore(path) as store:
        return load_timeline_data(store)


# ====================================================================== reading SVG back


@dataclass(frozen=True)
class Text:
    """One <text> of an SVG: where it starts (picture coordinates), its group's offset, its width."""

    text: str
    x: float
    local_y: float  # in the coordinates of the widget that drew it
    offset_y: float  # the translation of its group (where that widget sits in the picture)
    width: float  # measured as the PNG and PDF draw it


def _measure(element: ET.Element, dpi: float) -> float:
    """The width of a <text>: its font at the point size it was drawn in, on the screen's metrics
    (those the timeline lays out with, and the PNG and the PDF draw with)."""
    font = QFont(element.get("font-family", ""))
    font.setPointSizeF(float(element.get("font-size", "9")) * 72 / dpi)
    font.setBold(int(element.get("font-weight", "400")) >= 600)
    return QFontMetricsF(font).horizontalAdvance(element.text or "")


def _svg_dpi(root: ET.Element) -> float:
    """User units to the inch: the viewBox's width over the page's width in millimetres."""
    width_mm = float(root.get("width", "0mm").removesuffix("mm"))
    return float(root.get("viewBox", "0 0 1 1").split()[2]) / (width_mm / 25.4)


def _texts(svg: bytes) -> list[Text]:
    """Every <text> of ``svg`` (QSvgGenerator writes one level of <g>, each with its whole transform)."""
    root = ET.fromstring(svg)
    dpi = _svg_dpi(root) if root.get("width", "").endswith("mm") else 96.0
    found = []
    for group in root.iter():
        match = _MATRIX.search(group.get("transform", "")) if group.tag.endswith("g") else None
        a, _b, _c, _d, e, f = (float(v) for v in match.group(1).split(",")) if match else (1, 0, 0, 1, 0, 0)
        for element in group:
            if element.tag.endswith("text") and (element.text or "").strip():
                x, y = float(element.get("x", "0")), float(element.get("y", "0"))
                found.append(Text(element.text.strip(), a * x + e, y, f, _measure(element, dpi) * a))
    return found


def _picture(data: TimelineData, width: int) -> list[Text]:
    stream = io.BytesIO()
    image_export.write_image(data, "svg", stream, width=width, title="Long names")
    return _texts(stream.getvalue())


def _timeline_top(texts: list[Text], lane_text: str = "NATO") -> float:
    """Where the timeline sits in the picture: the offset of a lane name's group."""
    return next(text.offset_y for text in texts if text.text == lane_text)


def _ruler(texts: list[Text], top: float) -> list[Text]:
    return [text for text in texts if text.offset_y == pytest.approx(top) and text.local_y < RULER_PX]


def _headers(texts: list[Text], top: float, column: float) -> list[Text]:
    return [text for text in texts
            if text.offset_y == pytest.approx(top) and text.local_y >= RULER_PX and text.x < column]


# ====================================================================== lane names


@pytest.mark.parametrize("width", [900, 1400])
def test_a_picture_writes_every_lane_name_inside_the_header_column(long_names, qapp, width: int) -> None:
    texts = _picture(long_names, width)
    top = _timeline_top(texts)
    column = min(MAX_PICTURE_HEADER_PX, width * 0.35)  # the names are too long for any column
    headers = _headers(texts, top, column)
    assert {"NATO", "2 events", "1 event"} <= {text.text for text in headers}
    for text in headers:
        assert text.x + text.width <= column - 2, f"{text.text!r} runs past the lane names' column"


def test_a_long_name_is_wrapped_onto_two_lines_and_a_longer_one_elided(long_names, qapp) -> None:
    texts = _picture(long_names, 900)
    headers = [text.text for text in _headers(texts, _timeline_top(texts), 900 * 0.35)]
    ramstein = headers[headers.index("2 events") - 2:headers.index("2 events")]
    assert " ".join(ramstein) == RAMSTEIN  # the whole name, on the two lines the picture gave it
    european = next(number for number, text in enumerate(headers) if text.startswith("European"))
    first, second, count = headers[european:european + 3]
    assert count == "1 event"
    assert ENDLESS.startswith(first) and second.endswith("\u2026")  # the rest elided, never cut
    assert ENDLESS.startswith(f"{first} {second[:-1]}")


def test_on_screen_an_elided_lane_name_tells_all_in_its_tooltip(qtbot, long_names) -> None:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    widget.set_data(long_names)
    texts = _texts(_render_viewport(widget))
    names = [text for text in texts if text.local_y >= RULER_PX and text.x < HEADER_PX and text.text.startswith("Ukr")]
    assert len(names) == 1 and names[0].text.endswith("\u2026")  # one row: one line, elided
    assert names[0].x + names[0].width <= HEADER_PX
    slot = next(slot for slot in widget._ensure_frame().slots if slot.lane.full_title == RAMSTEIN)
    point = QPoint(40, int(slot.top + 10))
    QToolTip.hideText()
    QApplication.sendEvent(widget.viewport(),
                           QHelpEvent(QEvent.Type.ToolTip, point, widget.viewport().mapToGlobal(point)))
    assert RAMSTEIN in QToolTip.text()
    QToolTip.hideText()


def test_a_long_kind_is_elided_in_its_lane_header(qtbot, long_names) -> None:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    widget.set_data(long_names)
    widget.set_lane_mode(LaneMode.KIND)
    headers = [text for text in _texts(_render_viewport(widget)) if text.local_y >= RULER_PX and text.x < HEADER_PX]
    kind = next(text for text in headers if text.text.startswith("Extraordinary"))
    assert kind.text.endswith("\u2026") and kind.x + kind.width <= HEADER_PX


# ====================================================================== tick labels


def _render_viewport(widget: TimelineWidget) -> bytes:
    """The widget's viewport drawn into an SVG of its size (one user unit a pixel)."""
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(96)
    viewport = widget.viewport()
    generator.setSize(QSize(viewport.width(), viewport.height()))
    generator.setViewBox(QRectF(0, 0, viewport.width(), viewport.height()))
    painter = QPainter(generator)
    viewport.render(painter, QPoint(0, 0))
    painter.end()
    return bytes(buffer.data().data())


def _assert_whole(labels: list[Text], left: float, right: float) -> None:
    assert not [label.text for label in labels if "\u2026" in label.text], "tick labels elided"
    for label in labels:
        assert label.x >= left, f"{label.text!r} starts left of the plot"
        assert label.x + label.width <= right, f"{label.text!r} runs past the right edge"


def test_picture_tick_labels_are_whole_inside_the_plot(long_names, qapp) -> None:
    at_the_edge = 0
    for width in range(700, 1700, 47):
        texts = _picture(long_names, width)
        labels = _ruler(texts, _timeline_top(texts))
        assert len(labels) >= 3
        _assert_whole(labels, min(MAX_PICTURE_HEADER_PX, width * 0.35), width)
        at_the_edge += any(label.x + label.width > width - 12 for label in labels)
    assert at_the_edge, "no picture had a tick label at its right edge: the check proved nothing"


@pytest.mark.parametrize("first_day", [-25, -16, -14, 0, 20, 27])
def test_widget_tick_labels_are_whole_at_either_edge(qtbot, long_names, first_day: int) -> None:
    """Views ending just after a new year (its label at the right edge) and starting just
    before one (the pinned label of the old year at the left edge, the new one close by)."""
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.set_data(long_names)
    right = widget.viewport().width()
    start = JAN_2024 + first_day * DAY
    labels: list[Text] = []
    for days in range(340, 372, 2):
        widget.show_range(start, start + days * DAY, margin=0.0)
        shown = _ruler(_texts(_render_viewport(widget)), 0.0)
        assert len(shown) >= 10  # the months, and one year or two
        labels += shown
    _assert_whole(labels, HEADER_PX, right)


# ====================================================================== the rules themselves


def test_name_lines_wrap_between_words_and_elide_the_rest(qapp) -> None:
    bold = QFont(QApplication.font())
    bold.setBold(True)
    metrics = QFontMetricsF(bold)
    room = metrics.horizontalAdvance("Ukraine Defence Contact")
    elided = metrics.elidedText(RAMSTEIN, Qt.TextElideMode.ElideRight, room)
    assert name_lines(RAMSTEIN, metrics, room) == [elided]  # one line: elided
    lines = name_lines(RAMSTEIN, metrics, room, max_lines=2)
    assert lines[0] == "Ukraine Defence Contact" and lines[1].endswith("\u2026")
    assert all(metrics.horizontalAdvance(line) <= room for line in lines)
    assert name_lines("NATO", metrics, room, max_lines=2) == ["NATO"]
    word = "Unbreakablelonglonglonglonglonglongword and more"
    assert len(name_lines(word, metrics, room, max_lines=2)) == 1  # no word to break on: elided


def test_minor_labels_shift_left_at_the_edge_or_are_left_out() -> None:
    assert minor_label_starts([10, 60, 110], [20, 20, 20], 0, 200) == [13, 63, 113]
    assert minor_label_starts([10, 60, 195], [20, 20, 20], 0, 200) == [13, 63, 180]  # shifted
    assert minor_label_starts([10, 60, 95], [30, 30, 30], 0, 100) == [13, 63, None]  # would meet: out


def test_group_labels_shorten_but_never_elide(qapp) -> None:
    metrics = QFontMetricsF(QApplication.font())
    assert group_label("2025", metrics, 100) == "2025"
    assert group_label("Thu 15 June 2023", metrics, metrics.horizontalAdvance("15 Jun 2023")) == "15 Jun 2023"
    assert group_label("2025", metrics, metrics.horizontalAdvance("2025") - 1) is None

"""Every text the timeline paints keeps WCAG AA contrast (4.5:1), in a light and in dark palettes.

Two kinds of check: the colour decisions themselves (each pen against the backgrounds it is
drawn on, computed here independently of the painter), and the painted pixels (in a known
text area, the pixel that contrasts most with the area's background, antialiasing or not).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QStyleFactory

from viewer.store.dates import parse_date
from viewer.store.reader import EventStore
from viewer.timeline.colors import (
    AA_NORMAL,
    band_colors,
    composite,
    contrast_ratio,
    is_dark,
    kind_color,
    readable,
    relative_luminance,
    text_inks,
    with_alpha,
    worst_contrast,
)
from viewer.timeline.legend import _SWATCH
from viewer.timeline.painting import RULER_PX, TimelinePainter
from viewer.timeline.scene import ROW_PX
from viewer.timeline.ticks import choose_ruler
from viewer.timeline.widget import TimelineWidget
from viewer.timeline_source import load_timeline_data

Role = QPalette.ColorRole
BLACK, WHITE = QColor("#000000"), QColor("#ffffff")
KINDS = (
    None, "meeting", "summit", "session", "press_conference", "decision", "procurement",
    "establishment", "plan", "pledge", "an unlisted kind", "another kind", "exercise", "treaty",
)


# ---------------------------------------------------------------- palettes


def _palette(colours: dict[str, str], start: QPalette | None = None) -> QPalette:
    palette = QPalette(start) if start is not None else QPalette()
    for role, colour in colours.items():
        palette.setColor(getattr(Role, role), QColor(colour))  # every colour group
    return palette


def light_palette() -> QPalette:
    """Qt's own Fusion palette (light)."""
    return QStyleFactory.create("Fusion").standardPalette()


def dark_palette() -> QPalette:
    """A complete dark palette."""
    return _palette(
        {
            "Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1e1e1e", "AlternateBase": "#262626",
            "Text": "#e6e6e6", "Button": "#353535", "ButtonText": "#e6e6e6", "BrightText": "#ff5555",
            "Highlight": "#3d7bd9", "HighlightedText": "#ffffff", "Light": "#505050", "Midlight": "#3a3a3a",
            "Mid": "#4a4a4a", "Dark": "#1a1a1a", "Shadow": "#000000", "ToolTipBase": "#2b2b2b",
            "ToolTipText": "#e6e6e6", "Link": "#6ea8ff", "PlaceholderText": "#8a8a8a",
        }
    )


def muted_dark_palette() -> QPalette:
    """A dark palette of greys close together (Darcula-like) that sets only a few roles: the
    rest (PlaceholderText: black at half alpha) stays Qt's light default."""
    return _palette(
        {
            "Window": "#3c3f41", "WindowText": "#a9b7c6", "Base": "#2b2b2b", "AlternateBase": "#313335",
            "Text": "#a9b7c6", "Highlight": "#2f65ca",
        }
    )


def scheme_dark_palette() -> Iterator[QPalette]:
    """Fusion's palette under QStyleHints' dark colour scheme, where the platform honours it."""
    hints = QGuiApplication.styleHints()
    if not hasattr(hints, "setColorScheme"):
        pytest.skip("QStyleHints.setColorScheme needs Qt 6.8")
    hints.setColorScheme(Qt.ColorScheme.Dark)
    try:
        QGuiApplication.processEvents()
        if hints.colorScheme() != Qt.ColorScheme.Dark:
            pytest.skip(f"the {QGuiApplication.platformName()} platform does not apply a dark colour scheme")
        palette = QStyleFactory.create("Fusion").standardPalette()
        assert is_dark(palette)
        yield palette
    finally:
        hints.unsetColorScheme()


PALETTES = ("light", "dark", "muted-dark", "scheme-dark")


@pytest.fixture(params=PALETTES)
def palette(request, qapp) -> Iterator[QPalette]:
    if request.param == "scheme-dark":
        yield from scheme_dark_palette()
    else:
        yield {"light": light_palette, "dark": dark_palette, "muted-dark": muted_dark_palette}[request.param]()


def _colours(palette: QPalette) -> dict[str, QColor]:
    return {name: QColor(palette.color(getattr(Role, name))) for name in (
        "Window", "WindowText", "Base", "AlternateBase", "Text", "Highlight", "PlaceholderText",
    )}


# ---------------------------------------------------------------- the arithmetic


def test_contrast_ratio_is_wcags() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)
    # The usual reference values: #767676 is the lightest grey passing AA on white, #777777 fails.
    assert contrast_ratio(QColor("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(QColor("#777777"), WHITE) == pytest.approx(4.48, abs=0.01)
    assert relative_luminance(QColor("#808080")) == pytest.approx(0.2159, abs=1e-4)
    # A translucent colour is seen over its background.
    half_black = with_alpha(BLACK, 128)
    assert composite(half_black, WHITE).name() == "#7f7f7f"
    assert contrast_ratio(half_black, WHITE) == pytest.approx(contrast_ratio(QColor("#7f7f7f"), WHITE))


def test_readable_moves_a_colour_just_far_enough() -> None:
    window, text = QColor("#2b2b2b"), QColor("#e6e6e6")
    fine = QColor("#c0c0c0")
    assert readable(fine, window) == fine  # already passes: unchanged
    grey = QColor("#555555")  # grey on dark grey
    assert contrast_ratio(grey, window) < 2
    moved = readable(grey, window, toward=text)
    assert AA_NORMAL <= contrast_ratio(moved, window) < AA_NORMAL + 0.3  # just far enough
    assert grey.lightness() < moved.lightness() < text.lightness()  # on the way to the text colour
    assert moved.red() == moved.green() == moved.blue()
    # A pale text colour on a pale background: past the palette's text, on to black.
    pale = readable(QColor("#dddddd"), QColor("#eeeeee"), toward=QColor("#aaaaaa"))
    assert contrast_ratio(pale, QColor("#eeeeee")) >= AA_NORMAL
    # Several backgrounds: it must read on every one.
    several = readable(QColor("#777777"), [QColor("#1e1e1e"), QColor("#303030"), QColor("#262626")])
    assert worst_contrast(several, [QColor("#1e1e1e"), QColor("#303030"), QColor("#262626")]) >= AA_NORMAL
    # A translucent colour comes back opaque, judged as seen over the background.
    assert readable(with_alpha(BLACK, 128), WHITE).alpha() == 255
    assert contrast_ratio(readable(with_alpha(BLACK, 128), WHITE), WHITE) >= AA_NORMAL


# ---------------------------------------------------------------- the colour decisions


def test_every_text_pen_reads_over_what_it_is_drawn_on(palette: QPalette) -> None:
    c = _colours(palette)
    inks = text_inks(palette)
    window, base = c["Window"], c["Base"]
    bands = band_colors(palette)
    framed = [composite(with_alpha(c["Highlight"], 34), band) for band in bands]
    anything = (*bands, BLACK, WHITE)  # what a label box may lie over
    chosen_box = [composite(with_alpha(base, 240), under) for under in anything]
    relation_box = [composite(with_alpha(base, 235), under) for under in anything]
    checks = {
        "lane names, ruler, legend, loading (Window)": (inks.window, [window]),
        "lane event counts, fold arrows (Window)": (inks.muted, [window]),
        "event labels, density counts (bands, part-of frames)": (inks.plot, [*bands, *framed]),
        "selected label (Base box, alpha 240)": (inks.chosen, chosen_box),
        "relation names, off-screen titles (Base box, alpha 235)": (inks.relation, relation_box),
        "no-events message (Base, bands)": (inks.placeholder, [base, *bands]),
    }
    failing = {
        role: round(worst_contrast(ink, backgrounds), 2)
        for role, (ink, backgrounds) in checks.items()
        if worst_contrast(ink, backgrounds) < AA_NORMAL
    }
    assert not failing
    for ink, _ in checks.values():
        assert ink.alpha() == 255  # no alpha left to wash a pen out over another background


def test_labels_inside_marks_read_or_get_a_backing(palette: QPalette) -> None:
    inks = text_inks(palette)
    dark = is_dark(palette)
    for band in band_colors(palette):
        for kind in KINDS:
            colour = kind_color(kind, dark)
            faded = composite(with_alpha(colour, 90), band)
            for fill, overhang in ((colour, False), (faded, False), (colour, True), (faded, True)):
                ink = inks.on_fill(fill, band, overhang)
                if ink is None:  # painted on a backing of the band, in the plot's pen
                    assert worst_contrast(inks.plot, band) >= AA_NORMAL
                    continue
                on = [fill, band] if overhang else [fill]
                assert worst_contrast(ink, on) >= AA_NORMAL, (kind, fill.name(), ink.name())
            assert inks.on_fill(colour, band) is not None  # a solid mark always finds a pen


def test_pens_stay_the_palettes_where_they_already_read() -> None:
    for palette in (light_palette(), dark_palette()):
        c, inks = _colours(palette), text_inks(palette)
        assert inks.window == c["WindowText"]
        assert inks.plot == c["Text"]
        assert inks.chosen == c["Text"]
        # The quieter text is the text colour part way to the window: no fixed grey.
        assert relative_luminance(c["Window"]) != relative_luminance(inks.muted)
        low, high = sorted((relative_luminance(c["Window"]), relative_luminance(c["WindowText"])))
        assert low < relative_luminance(inks.muted) < high
    dark = text_inks(dark_palette())
    assert dark.relation.blue() > dark.relation.red()  # still the Highlight's hue
    assert text_inks(dark_palette()) != text_inks(light_palette())


def test_a_dark_palette_that_failed_before_now_passes() -> None:
    """The palette's own colours as the painter used them before (alpha 150 counts, the
    placeholder colour as it is, Highlight lighter for relation names) fail; the pens pass."""
    palette = muted_dark_palette()
    c, inks = _colours(palette), text_inks(palette)
    assert contrast_ratio(with_alpha(c["WindowText"], 150), c["Window"]) < AA_NORMAL
    assert contrast_ratio(c["PlaceholderText"], c["Base"]) < 2
    assert contrast_ratio(c["Highlight"].lighter(130), composite(with_alpha(c["Base"], 235), c["Base"])) < AA_NORMAL
    assert contrast_ratio(inks.muted, c["Window"]) >= AA_NORMAL
    assert contrast_ratio(inks.placeholder, c["Base"]) >= AA_NORMAL
    assert contrast_ratio(inks.relation, composite(with_alpha(c["Base"], 235), c["Base"])) >= AA_NORMAL


# ---------------------------------------------------------------- the painted pixels


@pytest.fixture
def timeline(qtbot, sample_db: Path, palette: QPalette) -> TimelineWidget:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.setPalette(palette)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    with EventStore(sample_db) as store:
        widget.set_data(load_timeline_data(store))
    widget.show_range(parse_date("2023-06-01").first_instant(), parse_date("2023-07-31").end_instant())
    widget.set_selection(["dmm-2023-06"])  # the June ministerial: its links and their labels show
    return widget


def _pixels(image: QImage, rect: QRectF) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    area = rect.toAlignedRect().intersected(image.rect())
    assert area.width() > 2 and area.height() > 2, rect
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    region = data[area.top(): area.bottom() + 1, area.left(): area.right() + 1, :3]  # B, G, R
    return region.reshape(-1, 3)[:, ::-1]  # R, G, B


def _ink_contrast(image: QImage, rect: QRectF) -> tuple[float, QColor, QColor]:
    """(contrast, ink, background): the area's commonest colour is the background; the ink is
    the pixel that contrasts most with it (a glyph's core, whatever the antialiasing)."""
    pixels = _pixels(image, rect)
    (background, _), = Counter(map(tuple, pixels.tolist())).most_common(1)
    back = QColor(*background)
    best, ink = 1.0, back
    for rgb in {tuple(p) for p in pixels.tolist()}:
        ratio = contrast_ratio(QColor(*rgb), back)
        if ratio > best:
            best, ink = ratio, QColor(*rgb)
    return best, ink, back


def _assert_reads(image: QImage, rect: QRectF, what: str, found: dict[str, float]) -> None:
    ratio, ink, back = _ink_contrast(image, rect)
    found[what] = round(ratio, 2)
    assert ratio >= AA_NORMAL, f"{what}: {ink.name()} on {back.name()} is {ratio:.2f}:1"


def _text_rect(font: QFont, text: str, left: float, top: float, height: float) -> QRectF:
    return QRectF(left, top, min(QFontMetricsF(font).horizontalAdvance(text), 300.0), height)


def _save_shot(widget: TimelineWidget, name: str) -> None:
    """TIMELINE_SHOTS=/some/dir: also keep a picture of the whole widget there."""
    folder = os.environ.get("TIMELINE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"contrast-{name}.png"))


def test_painted_text_reads(request, timeline: TimelineWidget) -> None:
    image = timeline.viewport().grab().toImage()
    assert image.width() == timeline.viewport().width()  # one device pixel per pixel
    found: dict[str, float] = {}
    header = timeline._header_px
    label_font, small_font = timeline._label_font, timeline._small_font
    bold = TimelinePainter._bold(label_font)

    # Lane headers (Window): a title, bold, and its count, quieter.
    frame = timeline._ensure_frame()
    slot = next(s for s in frame.slots if s.top >= RULER_PX and s.count > 1)
    indent = 8 + 12 * min(slot.lane.depth, 4)
    _assert_reads(image, _text_rect(bold, slot.lane.title, indent, slot.top + 4, 18), "lane name", found)
    count = f"{slot.count:,} events"
    _assert_reads(image, _text_rect(small_font, count, indent, slot.top + 22, 16), "lane count", found)

    # The ruler (Window): a day and the month above it, clear of the tick lines.
    axis = timeline.axis()
    ruler = choose_ruler(axis.start, axis.end, axis.width)
    metrics = QFontMetricsF(label_font)
    tick = next(t for t in ruler.minor if axis.x_of(t.instant) > 20)
    x = header + round(axis.x_of(tick.instant)) + 0.5 + 3
    _assert_reads(
        image, _text_rect(label_font, tick.label, x, RULER_PX - 7 - metrics.ascent(), metrics.height() - 1),
        "ruler day", found,
    )
    major = next(t for t in ruler.major if axis.x_of(t.instant) > 0)
    x = header + axis.x_of(major.instant) + 4
    _assert_reads(
        image, _text_rect(bold, major.label, x, RULER_PX / 2 - 6 - metrics.ascent(), metrics.height()),
        "ruler month", found,
    )

    # Event labels on the bands: beside a mark, and inside a wide mark (the NSPA procurement).
    items = [item for item in timeline.visible_items() if item.label is not None and item.label.top() >= RULER_PX]
    beside = next(i for i in items if i.label.left() >= i.marker.right() and i.event_id not in timeline.selected_ids())
    _assert_reads(image, _text_rect(label_font, beside.text, beside.label.left(), beside.label.top() + 3,
                                    ROW_PX - 6), "event label", found)
    inside = next(i for i in items if i.marker.left() <= i.label.left() < i.marker.right())
    _assert_reads(image, _text_rect(label_font, inside.text, inside.label.left(), inside.marker.top() + 1,
                                    inside.marker.height() - 2), "label inside a mark", found)

    # The selected event's full label, on its Base box.
    chosen = next(i for i in items if i.event_id == "dmm-2023-06")
    _assert_reads(image, _text_rect(label_font, chosen.text, chosen.label.left(), chosen.label.top() + 3,
                                    ROW_PX - 6), "selected label", found)

    # An off-screen end's title, on its Base box (alpha 235), in the relation pen.
    edge = next(item for item in timeline.link_items() if item.shape == "edge" and item.rect is not None)
    _assert_reads(image, edge.rect.adjusted(4, 3, -4, -3), "off-screen end title", found)

    # The legend strip (Window): its title and a kind's name.
    legend = timeline.legend
    strip = legend.grab().toImage()
    line = QFontMetricsF(legend._font).height() + 4
    _assert_reads(strip, _text_rect(legend._font, "▾ Legend", 8, 4, line), "legend title", found)
    (x, title, _colour) = legend._lines(legend.width())[0][0]
    _assert_reads(strip, _text_rect(legend._font, title, x + _SWATCH, 4, line), "legend kind", found)

    _save_shot(timeline, request.node.callspec.params["palette"])
    print(found)


def test_messages_read(timeline: TimelineWidget) -> None:
    viewport = timeline.viewport()
    width, height, header = viewport.width(), viewport.height(), timeline._header_px
    font = timeline._label_font
    metrics = QFontMetricsF(font)
    found: dict[str, float] = {}

    timeline.set_loading("Reading events", 3, 10)
    image = viewport.grab().toImage()
    text = timeline.loading_text() or "Reading events…"
    centre_x, centre_y = header + (width - header) / 2, RULER_PX + (height - RULER_PX) / 2
    advance = min(metrics.horizontalAdvance("Reading events…"), 220)
    _assert_reads(image, QRectF(centre_x - advance / 2, centre_y - 32 + 10, advance, 20), "loading", found)
    assert text
    timeline.set_loading(None)

    timeline.set_filter_mask(np.zeros(len(timeline.data().index), dtype=bool))
    image = viewport.grab().toImage()
    advance = metrics.horizontalAdvance("No event matches the filter.")
    _assert_reads(
        image, QRectF(centre_x - advance / 2, centre_y - metrics.height() / 2, advance, metrics.height()),
        "no events message", found,
    )
    print(found)

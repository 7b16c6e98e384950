"""Kind colours: fixed for the common kinds, stable for any other, readable on light and dark.

And the colours of the timeline's text: each taken from the palette and, where that is not
enough, moved just far enough to keep a WCAG AA contrast (4.5:1) over what it is drawn on, so
that a dark palette (or a light one with a pale placeholder colour) never gives grey on grey.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QColor, QPalette

# Okabe-Ito-derived hues, distinguishable with the common colour-vision deficiencies.
_KNOWN = {
    "meeting": "#0072B2",
    "summit": "#D55E00",
    "session": "#56B4E9",
    "press_conference": "#999933",
    "decision": "#CC79A7",
    "procurement": "#E69F00",
    "establishment": "#009E73",
    "plan": "#882255",
    "pledge": "#117733",
}
_EXTRA = ("#332288", "#44AA99", "#AA4499", "#DDCC77", "#88CCEE", "#661100", "#6699CC", "#AA4466")
NO_KIND = "#7F7F7F"


def is_dark(palette: QPalette) -> bool:
    """True when the window background is dark."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def kind_color(kind: str | None, dark: bool = False) -> QColor:
    """The colour of a kind; the same kind has the same colour in every file and session."""
    if kind is None:
        color = QColor(NO_KIND)
    elif kind in _KNOWN:
        color = QColor(_KNOWN[kind])
    else:
        color = QColor(_EXTRA[zlib.crc32(kind.encode("utf-8")) % len(_EXTRA)])
    return color.lighter(135) if dark else color


# ---------------------------------------------------------------- contrast (WCAG 2.x)

AA_NORMAL = 4.5  # the WCAG AA contrast ratio for normal-size text


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    """WCAG 2.x relative luminance of the colour's RGB (its alpha is ignored)."""
    return (
        0.2126 * _linear(color.redF()) + 0.7152 * _linear(color.greenF()) + 0.0722 * _linear(color.blueF())
    )


def composite(color: QColor, background: QColor) -> QColor:
    """``color`` drawn with its alpha over the (opaque) ``background``: the opaque colour seen."""
    alpha = color.alphaF()
    if alpha >= 1.0:
        return QColor(color.red(), color.green(), color.blue())
    return QColor(
        round(color.red() * alpha + background.red() * (1 - alpha)),
        round(color.green() * alpha + background.green() * (1 - alpha)),
        round(color.blue() * alpha + background.blue() * (1 - alpha)),
    )


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """The opaque colour ``t`` of the way from ``a`` to ``b`` (0 is ``a``, 1 is ``b``)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2.x contrast ratio (1 to 21) of ``a`` seen over ``b`` (``a``'s alpha composited over ``b``)."""
    seen = composite(a, b)
    first, second = relative_luminance(seen), relative_luminance(b)
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


def _backgrounds(background: QColor | Iterable[QColor]) -> list[QColor]:
    found = [background] if isinstance(background, QColor) else list(background)
    if not found:
        raise ValueError("readable() needs at least one background")
    return [QColor(b.red(), b.green(), b.blue()) for b in found]


def worst_contrast(color: QColor, background: QColor | Iterable[QColor]) -> float:
    """The lowest contrast ratio of ``color`` over any of the backgrounds."""
    return min(contrast_ratio(color, b) for b in _backgrounds(background))


def readable(
    color: QColor,
    background: QColor | Iterable[QColor],
    minimum: float = AA_NORMAL,
    toward: QColor | None = None,
) -> QColor:
    """``color`` (opaque; its alpha flattened over the first background), moved just far enough
    for a contrast of ``minimum`` over every background given.

    It moves toward ``toward`` (typically the palette's text colour) first, then, if that is not
    enough, on to black or white, whichever contrasts more. A colour that passes comes back as it
    is; over backgrounds that no colour can clear, the best found comes back.
    """
    backs = _backgrounds(background)
    current = composite(color, backs[0])
    score = worst_contrast(current, backs)
    if score >= minimum:
        return current
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    extreme = black if worst_contrast(black, backs) >= worst_contrast(white, backs) else white
    targets = [composite(toward, backs[0])] if toward is not None else []
    for target in (*targets, extreme):
        if worst_contrast(target, backs) <= score:
            continue  # that way is no better
        for step in range(1, _STEPS + 1):
            candidate = mix(current, target, step / _STEPS)
            if worst_contrast(candidate, backs) >= minimum:
                return candidate
        current, score = target, worst_contrast(target, backs)
    return current


_STEPS = 64


# ---------------------------------------------------------------- the timeline's text colours

MUTED_WEIGHT = 150 / 255  # how much of the text colour a quieter text keeps (the rest: its background)
FRAME_FILL_ALPHA = 34  # a "part of" frame's fill (Highlight) that event labels may sit on
CHOSEN_BOX_ALPHA = 240  # the Base box under a selected event's full label
RELATION_BOX_ALPHA = 235  # the Base box under a link's relation name or an off-screen end's title
_BLACK, _WHITE = QColor(0, 0, 0), QColor(255, 255, 255)


def with_alpha(color: QColor, alpha: int) -> QColor:
    """A copy of ``color`` with ``alpha``."""
    copy = QColor(color)
    copy.setAlpha(alpha)
    return copy


def band_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """The plot's lane bands: (even lanes, odd lanes); set apart even when Base is AlternateBase."""
    base = QColor(palette.color(QPalette.ColorRole.Base))
    alternate = QColor(palette.color(QPalette.ColorRole.AlternateBase))
    return (base.darker(103) if alternate == base else base), alternate


def muted(text: QColor, background: QColor, minimum: float = AA_NORMAL) -> QColor:
    """A quieter ``text`` (part way to ``background``) that still reads over ``background``."""
    return readable(mix(background, text, MUTED_WEIGHT), background, minimum, toward=text)


@dataclass(frozen=True)
class TextInks:
    """The pen of each kind of text the timeline paints, all from one palette."""

    window: QColor  # on Window: lane names, ruler labels, the legend, the loading box
    muted: QColor  # on Window, quieter: lane event counts, fold arrows
    plot: QColor  # on the plot's bands (and "part of" frames): event labels, density counts
    chosen: QColor  # a selected event's full label, on its Base box
    relation: QColor  # a link's relation name and an off-screen end's title, on their Base box
    placeholder: QColor  # the plot's "no events" message

    def on_fill(self, fill: QColor, band: QColor, overhang: bool = False) -> QColor | None:
        """The pen of a label drawn inside a mark filled with ``fill`` (already composited over
        ``band``), or None when no pen reads over it (the label then needs a backing).
        ``overhang``: the glyphs stick out of the mark onto the band, so the pen must read on both."""
        return _ink_on(self.plot.rgba(), fill.rgba(), band.rgba(), overhang)


@lru_cache(maxsize=512)
def _ink_on(text: int, fill: int, band: int, overhang: bool) -> QColor | None:
    backgrounds = [QColor.fromRgba(fill), *([QColor.fromRgba(band)] if overhang else [])]
    ink = readable(QColor.fromRgba(text), backgrounds, toward=QColor.fromRgba(text))
    return ink if worst_contrast(ink, backgrounds) >= AA_NORMAL else None


def text_inks(palette: QPalette) -> TextInks:
    """The text pens for ``palette`` (its current colour group), each at least AA over its background."""
    roles = (
        QPalette.ColorRole.Window,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Base,
        QPalette.ColorRole.AlternateBase,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.Highlight,
        QPalette.ColorRole.PlaceholderText,
    )
    return _text_inks(tuple(palette.color(role).rgba() for role in roles))


@lru_cache(maxsize=32)
def _text_inks(rgba: tuple[int, ...]) -> TextInks:
    window, window_text, base, alternate, text, highlight, placeholder = (QColor.fromRgba(v) for v in rgba)
    window = composite(window, _BLACK)  # a translucent Window role: as drawn over nothing
    base = composite(base, _BLACK)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, composite(alternate, base))
    bands = band_colors(palette)
    framed = [composite(with_alpha(highlight, FRAME_FILL_ALPHA), band) for band in bands]
    # A label box may lie over anything (a mark, a link): judge it over black and over white too.
    under = (*bands, _BLACK, _WHITE)
    chosen_boxes = [composite(with_alpha(base, CHOSEN_BOX_ALPHA), b) for b in under]
    relation_boxes = [composite(with_alpha(base, RELATION_BOX_ALPHA), b) for b in under]
    relation = highlight.lighter(130) if base.lightness() < 128 else highlight.darker(130)  # as is_dark()
    return TextInks(
        window=readable(window_text, window),
        muted=muted(composite(window_text, window), window),
        plot=readable(text, [*bands, *framed]),
        chosen=readable(text, chosen_boxes),
        relation=readable(relation, relation_boxes, toward=composite(text, base)),
        placeholder=readable(composite(placeholder, base), [base, *bands], toward=composite(text, base)),
    )

"""Kind colours: fixed for the common kinds, stable for any other, readable on light and dark."""

from __future__ import annotations

import zlib

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

"""The shipped icons: action icons that take the palette's colours, and the application icon.

The files live in ``resources/`` at the top of the repository and are installed inside the
package as ``viewer.resources``, so an installed copy finds them with importlib.resources
(a source checkout whose editable install predates them falls back to the folder itself).

Action icons are monochrome Lucide SVGs (ISC licence, see resources/icons/README.md). They are
drawn in the palette's button-text colour at the time they are painted, so they read in a
light and a dark palette alike, and follow a palette that changes while the window is open.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

# The reverse-DNS id: the .desktop and metainfo file names, the icon name, the Wayland app id.
APP_ID = "org.defencetimeline.DefenceTimeline"
APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)

_CACHE_LIMIT = 512


def resource_root() -> Path:
    """The resources folder: inside the installed package, or at the top of a source checkout."""
    checkout = Path(__file__).resolve().parents[2] / "resources"
    try:
        # viewer.resources is a namespace package (a folder without __init__.py), whose files()
        # is a MultiplexedPath; a child of it is the real folder's child.
        icons = Path(str(resources.files("viewer.resources").joinpath("icons")))
    except ModuleNotFoundError:
        return checkout
    if not icons.is_dir():  # an editable install made before resources/ existed
        return checkout
    return icons.parent


def icon_svg_path(name: str) -> Path:
    """The SVG file of the action icon ``name`` (a Lucide icon name such as ``zoom-in``)."""
    return resource_root() / "icons" / f"{name}.svg"


def app_icon_svg_path() -> Path:
    return resource_root() / "app-icon" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def app_icon_png_path(size: int) -> Path:
    return resource_root() / "app-icon" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def desktop_file_path() -> Path:
    return resource_root() / f"{APP_ID}.desktop"


def metainfo_path() -> Path:
    return resource_root() / f"{APP_ID}.metainfo.xml"


@cache
def _svg_bytes(name: str) -> bytes:
    return icon_svg_path(name).read_bytes()


def _colour_for(mode: QIcon.Mode) -> QColor:
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    if mode == QIcon.Mode.Selected or (mode == QIcon.Mode.Active and _in_fusion_menu()):
        # drawn on the highlight: a selected item in a view, the current item of a Fusion menu
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    # Normal, and Active elsewhere (a hovered tool button, on the button colour; the current
    # item of other styles' menus, which keep the text colour there).
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)


def _in_fusion_menu() -> bool:
    """Whether an Active icon is being drawn in an open menu that Fusion highlights.

    Active is both a hovered tool button and a menu's current item; the icon is not told which.
    While a menu is open it holds the mouse, so nothing else is hovered, and Fusion draws its
    current item in the highlighted-text colour on the highlight.
    """
    from PySide6.QtWidgets import QApplication, QMenu

    app = QApplication.instance()
    if not isinstance(app, QApplication) or not isinstance(QApplication.activePopupWidget(), QMenu):
        return False
    return QApplication.style().name().lower() == "fusion"


class PaletteIconEngine(QIconEngine):
    """Draws a monochrome SVG in the palette's colour for the icon's mode, at any size."""

    def __init__(self, name: str, svg: bytes) -> None:
        super().__init__()
        self._name = name
        self._svg = svg
        self._renderer = QSvgRenderer(QByteArray(svg))
        self._pixmaps: dict[tuple[int, int, int, int, int, float], QPixmap] = {}

    def clone(self) -> QIconEngine:
        return PaletteIconEngine(self._name, self._svg)

    def key(self) -> str:
        return "PaletteIconEngine"

    def iconName(self) -> str:
        return self._name

    def isNull(self) -> bool:
        return not self._renderer.isValid()

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        pixmap = self.scaledPixmap(rect.size(), mode, state, scale)
        painter.drawPixmap(rect, pixmap)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        colour = _colour_for(mode)
        key = (size.width(), size.height(), int(mode.value), int(state.value), colour.rgba(), scale)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        side = min(width, height)  # square icons, centred in a size that is not square
        target = QRectF((width - side) / 2, (height - side) / 2, side, side)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._renderer.render(painter, target)
        # The SVG is drawn in currentColor (black); keep its coverage, take the palette's colour.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), colour)
        painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)
        if len(self._pixmaps) >= _CACHE_LIMIT:
            self._pixmaps.clear()
        self._pixmaps[key] = pixmap
        return pixmap


def themed_icon(name: str) -> QIcon:
    """The action icon ``name``, drawn in the palette's colours (a null icon if the file is missing)."""
    try:
        svg = _svg_bytes(name)
    except OSError:
        return QIcon()
    return QIcon(PaletteIconEngine(name, svg))


def app_icon() -> QIcon:
    """The application icon: every shipped PNG size (Qt scales the nearest for any other).

    The PNGs, not the SVG: a window manager is handed each size as drawn, and one icon engine
    cannot hold both (Qt's SVG engine keeps only one added pixmap per mode).
    """
    icon = QIcon()
    for size in APP_ICON_SIZES:
        path = app_icon_png_path(size)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    if icon.isNull():
        icon.addFile(str(app_icon_svg_path()))
    return icon

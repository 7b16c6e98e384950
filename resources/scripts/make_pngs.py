"""Render the app icon's PNGs from its SVG, in the hicolor theme's layout.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/scripts/make_pngs.py

Run again after changing resources/app-icon/hicolor/scalable/apps/<app id>.svg, and commit the PNGs.
(It sits in scripts/ so that the wheel, which carries resources/ as viewer.resources, leaves it out.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parents[1]  # resources/
sys.path.insert(0, str(HERE.parent))

from viewer.ui.icons import APP_ICON_SIZES, APP_ID  # noqa: E402


def main() -> None:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "app-icon" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"))
    if not renderer.isValid():
        raise SystemExit("the app icon SVG cannot be read")
    for size in APP_ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = HERE / "app-icon" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.convertToFormat(QImage.Format.Format_ARGB32).save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        print(target.relative_to(HERE.parent))


if __name__ == "__main__":
    main()

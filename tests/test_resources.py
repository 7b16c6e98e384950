"""resources/: action icons that follow the palette, the app icon, the .desktop and metainfo files."""

from __future__ import annotations

import configparser
import fnmatch
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QMenu

from viewer import APP_NAME
from viewer.ui import icons
from viewer.ui.actions import _SPECS, ActionId, Actions
from viewer.ui.icons import APP_ICON_SIZES, APP_ID

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
(SCRIPT,) = PYPROJECT["project"]["scripts"]


def _opaque_colours(image: QImage, min_alpha: int = 255) -> set[tuple[int, int, int]]:
    """The colours of the pixels drawn at least ``min_alpha`` (edges are antialiased)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    colours = set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() >= min_alpha:
                colours.add((pixel.red(), pixel.green(), pixel.blue()))
    return colours


@pytest.fixture
def actions(qapp) -> Actions:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    yield Actions(parent)
    parent.deleteLater()


@pytest.fixture
def palette(qapp):
    """Restores the application palette after a test changes it."""
    saved = QGuiApplication.palette()
    yield
    QGuiApplication.setPalette(saved)


def test_every_action_names_a_shipped_icon_and_has_one(actions: Actions) -> None:
    assert set(_SPECS) == set(ActionId)
    names = {spec.icon for spec in _SPECS.values()}
    assert "" not in names
    for action_id in ActionId:
        name = _SPECS[action_id].icon
        assert (RESOURCES / "icons" / f"{name}.svg").is_file(), name
        icon = actions[action_id].icon()
        assert not icon.isNull(), action_id
        for size in (16, 24, 32):
            image = icon.pixmap(QSize(size, size)).toImage()
            assert image.size() == QSize(size, size)
            assert _opaque_colours(image, 160), f"{action_id} draws nothing at {size} px"


def test_every_toolbar_and_menu_action_of_the_window_has_an_icon(qtbot, isolated_settings) -> None:
    from viewer.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    ours = {window.actions[action_id] for action_id in ActionId}
    seen = set()

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.menu() is not None and action.menu() is not window.recent_menu:
                walk(action.menu())
            elif action in ours:
                seen.add(action)

    for top in window.menuBar().actions():
        walk(top.menu())
    toolbar = [a for a in window.toolbar.actions() if not a.isSeparator()]
    assert toolbar and set(toolbar) <= ours
    seen |= set(toolbar)
    window.recent_menu.aboutToShow.emit()  # Clear Recent Files sits in the Open Recent menu
    seen |= {a for a in window.recent_menu.actions() if a in ours}
    assert seen == ours
    for action in seen:
        assert not action.icon().isNull(), action.text()
    from PySide6.QtCore import Qt

    assert window.toolbar.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonTextOnly


def test_icons_take_the_palette_colour_light_and_dark(actions: Actions, palette) -> None:
    icon = actions[ActionId.ZOOM_IN].icon()
    for button_text, disabled in (("#101010", "#9a9a9a"), ("#f0f0f0", "#6a6a6a")):
        colours = QPalette(QGuiApplication.palette())
        colours.setColor(QPalette.ColorGroup.All, QPalette.ColorRole.ButtonText, QColor(button_text))
        colours.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(disabled))
        QGuiApplication.setPalette(colours)
        normal = _opaque_colours(icon.pixmap(QSize(32, 32), QIcon.Mode.Normal).toImage())
        greyed = _opaque_colours(icon.pixmap(QSize(32, 32), QIcon.Mode.Disabled).toImage())
        assert normal == {QColor(button_text).getRgb()[:3]}
        assert greyed == {QColor(disabled).getRgb()[:3]}


def test_icons_are_sharp_on_a_high_dpi_screen(actions: Actions) -> None:
    pixmap = actions[ActionId.OPEN].icon().pixmap(QSize(24, 24), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.size() == QSize(48, 48)


def test_a_missing_icon_file_gives_a_null_icon(qapp) -> None:
    assert icons.themed_icon("no-such-icon").isNull()


def test_the_app_icon_exists_as_svg_and_in_every_png_size(qapp) -> None:
    svg = RESOURCES / "app-icon" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert QSvgRenderer(str(svg)).isValid()
    assert Path(str(icons.app_icon_svg_path())).read_bytes() == svg.read_bytes()
    for size in (16, 32, 48, 64, 128, 256):
        path = RESOURCES / "app-icon" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        image = QImage(str(path))
        assert image.size() == QSize(size, size), path
        assert image.hasAlphaChannel()
    assert APP_ICON_SIZES == (16, 32, 48, 64, 128, 256)
    app_icon = icons.app_icon()
    assert not app_icon.isNull()
    assert {s.width() for s in app_icon.availableSizes()} == set(APP_ICON_SIZES)


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string((RESOURCES / f"{APP_ID}.desktop").read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_the_desktop_file_names_the_app_the_script_and_the_icon() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Exec"].split()[0] == SCRIPT
    assert entry["Exec"].split()[1:] == ["%f"]  # one file from a file manager, as the command takes
    assert entry["Icon"] == APP_ID
    assert {"Office", "Education"} <= set(filter(None, entry["Categories"].split(";")))
    assert entry["Terminal"] == "false"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_the_desktop_file_is_valid() -> None:
    result = subprocess.run(["desktop-file-validate", str(RESOURCES / f"{APP_ID}.desktop")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_the_metainfo_names_the_same_app_script_and_licence() -> None:
    component = ET.parse(RESOURCES / f"{APP_ID}.metainfo.xml").getroot()
    assert component.tag == "component"
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("name") == APP_NAME
    assert component.findtext("summary")
    assert component.find("description/p") is not None
    assert component.findtext("project_license") == PYPROJECT["project"]["license"]
    launchable = component.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == f"{APP_ID}.desktop"
    assert component.findtext("provides/binary") == SCRIPT
    # AppStream takes only web addresses for screenshots: none until the project is published.
    images = component.iterfind("screenshots/screenshot/image")
    assert all((image.text or "").startswith("https://") for image in images)


def test_the_icon_licence_and_source_are_shipped_with_the_icons() -> None:
    licence = (RESOURCES / "icons" / "LICENSE").read_text(encoding="utf-8")
    assert "ISC License" in licence and "MIT License" in licence
    readme = (RESOURCES / "icons" / "README.md").read_text(encoding="utf-8")
    assert "lucide-static" in readme
    for spec in _SPECS.values():
        assert f"`{spec.icon}`" in readme


def test_every_resource_the_app_reads_is_package_data() -> None:
    """What the wheel carries: pyproject maps resources/ to viewer.resources and lists the files."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert {"viewer.resources", "viewer.resources.icons"} <= set(setuptools["packages"])
    assert setuptools["package-dir"]["viewer.resources"] == "resources"
    package_data = setuptools["package-data"]
    for path in RESOURCES.rglob("*"):
        relative = path.relative_to(RESOURCES)
        if not path.is_file() or "__pycache__" in relative.parts:
            continue
        package, name = ("viewer.resources.icons", relative.relative_to("icons").as_posix()) \
            if relative.parts[0] == "icons" else ("viewer.resources", relative.as_posix())
        matched = any(fnmatch.fnmatch(name, pattern) and name.count("/") == pattern.count("/")
                      for pattern in package_data.get(package, []))
        # scripts/ is how the PNGs are made and README.md says what the folder holds: not the app's
        expected = relative.parts[0] != "scripts" and relative.as_posix() != "README.md"
        assert matched == expected, relative


def test_resources_are_found_through_the_package(qapp) -> None:
    root = icons.resource_root()
    assert (root / "icons" / "zoom-in.svg").is_file()
    assert (root / f"{APP_ID}.desktop").is_file()
    # the installed package's copy (or, in an editable install made before resources/, the folder)
    assert Path(str(icons.desktop_file_path())).read_bytes() == (RESOURCES / f"{APP_ID}.desktop").read_bytes()
    assert Path(str(icons.metainfo_path())).read_bytes() == (RESOURCES / f"{APP_ID}.metainfo.xml").read_bytes()

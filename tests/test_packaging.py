"""An installed (non-editable) copy carries the sample data, the resources and every package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ships(relative: Path) -> bool:
    """Whether a file under resources/ belongs in the wheel (not the PNG script, nor the folder's README)."""
    return relative.parts[0] != "scripts" and relative.as_posix() != "README.md" and "__pycache__" not in relative.parts


@pytest.mark.slow
def test_the_wheel_contains_the_sample_the_resources_and_all_modules(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("defence_timeline-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "viewer/sample_data/nato-june-2023.json" in names
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "viewer").rglob("*.py")}
    assert sources <= names
    # resources/: icons and their licence, the app icon in every size, .desktop and metainfo
    resources = ROOT / "resources"
    shipped = {f"viewer/resources/{p.relative_to(resources).as_posix()}" for p in resources.rglob("*")
               if p.is_file() and _ships(p.relative_to(resources))}
    assert "viewer/resources/icons/LICENSE" in shipped
    assert shipped <= names, sorted(shipped - names)
    assert not any(n.startswith("viewer/resources/scripts/") for n in names)
    # installed from the wheel (not this checkout), the icons and the app icon are found
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = (
        "import sys, viewer; from pathlib import Path\n"
        "assert Path(viewer.__file__).is_relative_to(sys.argv[1]), viewer.__file__\n"
        "from PySide6.QtWidgets import QApplication, QWidget\n"
        "app = QApplication([])\n"
        "from viewer.ui import icons; from viewer.ui.actions import ActionId, Actions\n"
        "parent = QWidget(); actions = Actions(parent)\n"
        "assert all(not actions[i].icon().pixmap(24, 24).isNull() for i in ActionId)\n"
        "assert len(icons.app_icon().availableSizes()) == len(icons.APP_ICON_SIZES)\n"
        "assert Path(str(icons.desktop_file_path())).is_relative_to(sys.argv[1])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(installed), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", probe, str(installed)], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "defence-timeline = viewer.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

"""A real X11 window under Xvfb: the installed command starts, and a user session works with
real X input (xdotool moves the pointer and types; Qt receives it from the X server)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint

pytestmark = pytest.mark.x11
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"


def _xdotool(*args: str) -> str:
    result = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _click(widget, point: QPoint) -> None:
    spot = widget.mapToGlobal(point)
    _xdotool("mousemove", "--sync", str(spot.x()), str(spot.y()))
    _xdotool("click", "1")


def test_the_command_opens_a_real_window(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), QT_QPA_PLATFORM="xcb")
    command = [sys.executable, "-m", "viewer"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "to the Vilnius Summit"],
            capture_output=True, text=True, timeout=60,
        )
        assert found.returncode == 0 and found.stdout.strip(), "no window appeared"
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_search_select_with_the_mouse_and_export_in_a_real_window(
    qtbot, isolated_settings, sample_db: Path, tmp_path: Path
) -> None:
    from viewer.ui.main_window import MainWindow

    assert os.environ.get("QT_QPA_PLATFORM") == "xcb"
    copy = tmp_path / "sample.db"
    shutil.copyfile(sample_db, copy)
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.move(0, 0)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.dataset_opened, timeout=30_000):
        window.open_path(copy)

    # Type a search with real key presses.
    search = window.filters.search
    _click(search, search.rect().center())
    qtbot.waitUntil(search.hasFocus, timeout=5_000)
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        _xdotool("type", "--delay", "40", "Vilnius Summit")
    assert search.text() == "Vilnius Summit"
    assert window.visible_count() < 25

    # Select the summit with the mouse.
    timeline = window.timeline
    qtbot.waitUntil(lambda: bool(timeline.event_rects("vilnius-summit-2023")), timeout=5_000)
    rect = timeline.event_rects("vilnius-summit-2023")[0]
    _click(timeline.viewport(), rect.center().toPoint())
    qtbot.waitUntil(lambda: timeline.selected_ids() == ["vilnius-summit-2023"], timeout=5_000)
    assert window.details.toPlainText().startswith("NATO Vilnius Summit")

    # Export it through the dialog, with the keyboard.
    _xdotool("key", "ctrl+e")
    qtbot.waitUntil(lambda: window.export_dialog is not None and window.export_dialog.isVisible(), timeout=5_000)
    dialog = window.export_dialog
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    target = tmp_path / "summit.csv"
    _click(dialog.path, dialog.path.rect().center())
    qtbot.waitUntil(dialog.path.hasFocus, timeout=5_000)
    _xdotool("key", "ctrl+a")
    _xdotool("type", "--delay", "10", str(target))
    qtbot.waitUntil(lambda: dialog.path.text() == str(target), timeout=10_000)
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        _xdotool("key", "Return")
    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert [row["id"] for row in rows] == ["vilnius-summit-2023"]
    assert rows[0]["title"] == "NATO Vilnius Summit" and rows[0]["start"] == "2023-07-11"

    OUTPUT.mkdir(exist_ok=True)
    time.sleep(0.2)
    qtbot.wait(200)
    assert window.grab().save(str(OUTPUT / "x11-smoke.png"))

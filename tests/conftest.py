"""Shared fixtures: headless Qt, the bundled sample, and small documents to import."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from viewer.store.importer import import_files
from viewer.store.sample import sample_json_path


def pytest_collection_modifyitems(config, items) -> None:
    """Real-window tests run only on a real display (``make smoke``); skip them elsewhere."""
    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and os.environ.get("DISPLAY"):
        return
    skip = pytest.mark.skip(reason="needs a real X11 display: run `make smoke`")
    for item in items:
        if "x11" in item.keywords:
            item.add_marker(skip)


SAMPLE_JSON = sample_json_path()


def write_json(path: Path, document: Any) -> Path:
    """Write ``document`` as JSON and return the path."""
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def minimal_document(**overrides: Any) -> dict[str, Any]:
    """A small valid document: two bodies, three events, two links."""
    document: dict[str, Any] = {
        "format": "defence-timeline",
        "version": 1,
        "name": "Small test set",
        "bodies": [
            {"id": "nato", "name": "North Atlantic Treaty Organization", "acronym": "NATO"},
            {"id": "nac", "name": "North Atlantic Council", "acronym": "NAC", "parent": "nato"},
        ],
        "events": [
            {
                "id": "dmm",
                "title": "Defence Ministers' meeting",
                "start": "2023-06-15",
                "end": "2023-06-16",
                "kind": "meeting",
                "bodies": [{"id": "nac", "role": "host"}],
                "tags": ["ukraine"],
                "sources": [{"url": "https://www.nato.int/cps/en/natohq/news_215689.htm"}],
            },
            {
                "id": "npg",
                "title": "Nuclear Planning Group",
                "start": "2023-06-15",
                "end": "2023-06-16",
                "within": True,
                "kind": "session",
            },
            {
                "id": "summit",
                "title": "Vilnius Summit",
                "start": "11 July 2023",
                "end": "12 July 2023",
                "kind": "summit",
                "bodies": [{"id": "nato", "role": "participant"}],
            },
        ],
        "links": [
            {"from": "dmm", "to": "summit", "relation": "prepares"},
            {"from": "npg", "to": "dmm", "relation": "part_of"},
        ],
    }
    document.update(overrides)
    return document


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample imported into a fresh database (shared; tests must not write it)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    import_files([SAMPLE_JSON], path)
    return path


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A fresh database holding :func:`minimal_document`."""
    path = tmp_path / "small.db"
    import_files([write_json(tmp_path / "small.json", minimal_document())], path)
    return path


def file_state(path: Path) -> tuple[bytes, int]:
    """A file's bytes and modification time, to prove it was not touched."""
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture
def isolated_settings(tmp_path: Path, qapp):
    """QSettings written under a temporary folder, never the user's own."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("DefenceTimelineTests")
    QCoreApplication.setApplicationName("DefenceTimelineTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


def open_window(qtbot, path: Path, size: tuple[int, int] = (1500, 950)):
    """A main window of ``size`` showing ``path``, once the file is open (settings isolated by
    the caller's ``isolated_settings``)."""
    from viewer.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    with qtbot.waitSignal(window.dataset_opened, timeout=20_000):
        window.open_path(path)
    return window


def sample_timeline(qtbot, path: Path, size: tuple[int, int] = (1400, 900)):
    """A timeline widget of ``size`` showing the events of ``path``."""
    from viewer.store.reader import EventStore
    from viewer.timeline.widget import TimelineWidget
    from viewer.timeline_source import load_timeline_data

    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    with EventStore(path) as store:
        widget.set_data(load_timeline_data(store))
    return widget


@pytest.fixture(scope="session", autouse=True)
def _clipboard_emptied_at_the_end():
    """Empty the clipboard once the tests are done: Qt's offscreen platform crashes on exit while
    its clipboard holds mime data (Copy puts HTML, text and TSV there); xcb and the desktops do not."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        QApplication.clipboard().clear()

"""The export dialog's options: a picture's size preset and title, a brief's title, remembered choices."""

from __future__ import annotations

from pathlib import Path

import docx
import pypdf
from conftest import open_window
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLineEdit

from viewer.ui.actions import ActionId


def _dialog(qtbot, sample_db: Path, ids: list[str]):
    window = open_window(qtbot, sample_db)
    window.timeline.set_selection(ids)
    window.actions[ActionId.EXPORT_SELECTED].trigger()
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    return window, dialog


def _choose(dialog, fmt: str, target: Path) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    dialog.path.setText(str(target))


def test_the_options_follow_the_format(qtbot, isolated_settings, sample_db: Path) -> None:
    _window, dialog = _dialog(qtbot, sample_db, ["dmm-2023-06"])
    size = dialog.findChild(QComboBox, "exportSize")
    title = dialog.findChild(QLineEdit, "exportTitle")
    assert size.accessibleName() == "Picture size" and title.accessibleName()
    assert [size.itemData(i) for i in range(size.count())] == ["slide", "a4", "custom"]
    for fmt, size_on, title_on in (("png", True, True), ("pdf", True, True), ("docx", False, True),
                                   ("pdf-brief", False, True), ("md", False, True), ("csv", False, False),
                                   ("json", False, False)):
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        assert (size.isEnabled(), title.isEnabled()) == (size_on, title_on), fmt
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    size.setCurrentIndex(size.findData("slide"))
    assert not dialog.width.isEnabled()  # a preset fixes the width
    size.setCurrentIndex(size.findData("custom"))
    assert dialog.width.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf-brief"))
    assert dialog.path.text().endswith(".pdf")


def test_a_slide_picture_with_its_own_title(qtbot, isolated_settings, sample_db: Path, tmp_path: Path) -> None:
    window, dialog = _dialog(qtbot, sample_db, ["dmm-2023-06", "vilnius-summit-2023"])
    target = tmp_path / "slide.pdf"
    _choose(dialog, "pdf", target)
    dialog.size.setCurrentIndex(dialog.size.findData("slide"))
    dialog.title.setText("  From Brussels   to Vilnius ")
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    page = pypdf.PdfReader(target).pages[0]
    assert "From Brussels to Vilnius" in " ".join(page.extract_text().split())
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width / height - 16 / 9) < 0.01  # a 16:9 slide
    second = open_window(qtbot, sample_db)  # the size is remembered, the title is not
    second.timeline.set_selection(["dmm-2023-06"])
    second.actions[ActionId.EXPORT_SELECTED].trigger()
    assert second.export_dialog.size.currentData() == "slide" and second.export_dialog.title.text() == ""


def test_a_word_brief_from_the_dialog(qtbot, isolated_settings, sample_db: Path, tmp_path: Path) -> None:
    window, dialog = _dialog(qtbot, sample_db, ["dmm-2023-06"])
    target = tmp_path / "brief.docx"
    _choose(dialog, "docx", target)
    dialog.with_linked.setChecked(True)
    dialog.title.setText("Road to Vilnius")
    with qtbot.waitSignal(window.export_finished, timeout=30_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert QGuiApplication.overrideCursor() is None  # the wait cursor of the picture's drawing is gone
    document = docx.Document(str(target))
    assert document.paragraphs[0].style.name == "Heading 1" and document.paragraphs[0].text == "Road to Vilnius"
    assert len(document.inline_shapes) == 1
    assert "Exported 15 events to brief.docx" in window.statusBar().currentMessage()

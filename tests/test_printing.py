"""Printing the selection: the preview opens, and the pages hold the picture's and the brief's text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import open_window
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from viewer.ui.actions import ActionId
from viewer.ui.printing import paint_brief, paint_picture


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


needs_pdftotext = pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0, reason="poppler-utils not installed"
)


@needs_pdftotext
def test_the_brief_prints_as_text_and_markup_in_the_data_stays_text(qapp, tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    paint_brief(_pdf_printer(target), "# June ministerial\n\nMinisters met &lt;b&gt; in Brussels.\n\n<b>raw</b>\n",
                "June")
    text = _pdf_text(target)
    assert "June ministerial" in text and "Ministers met <b> in Brussels." in text
    assert "<b>raw</b>" in text  # HTML in the Markdown is shown, not obeyed


@needs_pdftotext
def test_the_selection_prints_from_the_window(qtbot, isolated_settings, sample_db: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_db)
    window.timeline.set_selection(["dmm-2023-06", "vilnius-summit-2023"])
    for action_id in (ActionId.PRINT_TIMELINE, ActionId.PRINT_BRIEF):
        window.actions[action_id].trigger()
        dialog = window.transfers.print_preview
        assert isinstance(dialog, QPrintPreviewDialog) and dialog.isVisible()
        target = tmp_path / f"{action_id.name}.pdf"
        dialog.paintRequested.emit(_pdf_printer(target))  # what the preview and the printer are given
        assert "NATO Vilnius Summit" in _pdf_text(target)
        dialog.close()


@needs_pdftotext
def test_a_picture_fills_the_page_keeping_its_proportions(qapp, tmp_path: Path) -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" viewBox="0 0 400 100">'
           b'<text x="10" y="50" font-size="20">Vilnius Summit</text></svg>')
    target = tmp_path / "picture.pdf"
    paint_picture(_pdf_printer(target), svg)
    assert "Vilnius Summit" in _pdf_text(target)

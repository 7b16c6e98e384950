"""Printing the selection: the preview opens, and the pages hold the picture's and the brief's text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdf
from conftest import open_window
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from viewer.ui.actions import ActionId
from viewer.ui.printing import paint_picture


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _pdf_text(path: Path) -> str:
    """The PDF's text as read by pypdf, its words separated by single spaces (ligatures undone)."""
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_the_selection_prints_from_the_window(qtbot, isolated_settings, sample_db: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_db)
    window.timeline.set_selection(["dmm-2023-06", "vilnius-summit-2023"])
    for action_id in (ActionId.PRINT_TIMELINE, ActionId.PRINT_BRIEF):
        window.actions[action_id].trigger()
        dialog = window.transfers.print_preview
        assert isinstance(dialog, QPrintPreviewDialog) and dialog.isVisible()
        target = tmp_path / f"{action_id.name}.pdf"
        dialog.paintRequested.emit(_pdf_printer(target))  # what the preview and the printer are given
        text = _pdf_text(target)
        assert "NATO Vilnius Summit" in text
        if action_id is ActionId.PRINT_BRIEF:  # the PDF brief's pages: the chain in words, the page numbers
            assert "Meeting of NATO Defence Ministers, June 2023 (15–16 June 2023) prepared NATO Vilnius Summit" \
                in text
            assert "Page 1 of " in text and "Sources" in text
        dialog.close()


def test_a_picture_fills_the_page_keeping_its_proportions(qapp, tmp_path: Path) -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" viewBox="0 0 400 100">'
           b'<text x="10" y="50" font-size="20">Vilnius Summit</text></svg>')
    target = tmp_path / "picture.pdf"
    paint_picture(_pdf_printer(target), svg)
    assert "Vilnius Summit" in _pdf_text(target)

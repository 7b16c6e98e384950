"""The Word and PDF briefs, read back with python-docx and pypdf; and the same files from the CLI and the window."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from conftest import open_window
from test_export_safety import HOSTILE, HOSTILE_URLS, _hostile_dict

from viewer.cli import main as cli
from viewer.export import formats
from viewer.export.brief import Brief
from viewer.export.docx_export import write_docx
from viewer.export.formats import ExportRequest, write_export
from viewer.export.pdf_brief import write_pdf_brief
from viewer.formatting import display_text, is_web_link
from viewer.store.filters import EventFilter
from viewer.store.interchange import parse_document
from viewer.store.model import Document
from viewer.store.reader import EventStore

CHAIN = EventFilter.build(ids=["dmm-2023-06"])
NOW = datetime(2026, 11, 28, tzinfo=UTC)
PREVIEW_URL = "https://www.nato.int/cps/en/natohq/news_215689.htm"
CHAIN_SENTENCE = ("Meeting of NATO Defence Ministers, June 2023 (15–16 June 2023) prepared NATO Vilnius Summit "
                  "(11–12 July 2023).")


def _export(sample_db: Path, fmt: str, **options) -> bytes:
    stream = io.BytesIO()
    with EventStore(sample_db) as store:
        write_export(store, ExportRequest(fmt=fmt, event_filter=CHAIN, with_linked=True, now=NOW, **options), stream)
    return stream.getvalue()


def _squeezed(text: str) -> str:
    """Text with every space and line break taken out (a PDF breaks lines where it must), ligatures undone."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _pdf_text(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages)


def _pdf_links(reader: pypdf.PdfReader) -> list[str]:
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                links.append(str(annotation["/A"]["/URI"]))
    return links


def _styled(document: docx.document.Document, prefix: str) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(prefix)]


@pytest.fixture(scope="module")
def june_docx(sample_db: Path, qapp) -> docx.document.Document:
    brief = _export(sample_db, "docx", selection_text="the June 2023 Defence Ministers' meeting")
    return docx.Document(io.BytesIO(brief))


@pytest.fixture(scope="module")
def june_pdf(sample_db: Path, qapp) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(_export(sample_db, "pdf-brief")))


# ---------------------------------------------------------------------------- Word


def test_the_word_brief_has_word_headings_the_lead_the_picture_and_the_chains(june_docx) -> None:
    headings = _styled(june_docx, "Heading")
    assert headings[0] == ("Heading 1", "Meeting of NATO Defence Ministers, June 2023")
    assert [text for style, text in headings if style == "Heading 2"] == ["How they connect", "Chronology", "Sources"]
    events = [text for style, text in headings if style == "Heading 3"]
    assert len(events) == 15 and "Nuclear Planning Group meeting" in events
    paragraphs = june_docx.paragraphs
    assert paragraphs[1].text.startswith("This brief covers 15 events, 14 February – 12 October 2023. "
                                         "Selection: the June 2023 Defence Ministers' meeting, with the events")
    assert len(june_docx.inline_shapes) == 1  # the picture, right under the lead
    assert paragraphs[2]._p.xpath(".//pic:pic")
    blip = june_docx.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    assert june_docx.part.related_parts[blip.embed].blob.startswith(b"\x89PNG")
    assert june_docx.inline_shapes[0].width <= june_docx.sections[0].page_width - 2 * june_docx.sections[0].left_margin
    texts = [p.text for p in paragraphs]
    chain = next(t for t in texts if t.startswith("Meeting of NATO Defence Ministers, June 2023 (15"))
    assert chain.startswith(CHAIN_SENTENCE) and chain.endswith("It included ten events:")
    bullets = [text for style, text in _styled(june_docx, "List Bullet")]
    assert "Ministers meet defence producers (15 June 2023)" in bullets
    assert "Prepares: NATO Vilnius Summit (11–12 July 2023)" in bullets
    assert "some time during 15–16 June 2023 · NATO Headquarters, Brussels · Meeting, held" in texts
    assert june_docx.core_properties.title == "Meeting of NATO Defence Ministers, June 2023"


def test_the_word_brief_s_sources_are_numbered_with_live_links_and_citations_lead_to_them(june_docx) -> None:
    references = [p for p in june_docx.paragraphs if p.style.name == "Brief Reference"]
    assert [p.text.split("\t")[0] for p in references] == [f"[{n}]" for n in range(1, len(references) + 1)]
    preview = [p for p in references if "previewing the June 2023" in p.text]
    assert len(preview) == 1
    assert preview[0].text.split("\t")[1] == ("NATO, “NATO news item previewing the June 2023 defence ministerial”, "
                                              f"14 June 2023 — A. {PREVIEW_URL}")
    assert [link.address for link in preview[0].hyperlinks] == [PREVIEW_URL]
    cites = next(p for p in june_docx.paragraphs if p.text.startswith("Sources: [12], [13], [9], [6]. Credibility 1"))
    assert [(link.text, link.fragment) for link in cites.hyperlinks] == [
        ("[12]", "source_12"), ("[13]", "source_13"), ("[9]", "source_9"), ("[6]", "source_6")]
    bookmarks = {b.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name")
                 for p in references for b in p._p.xpath(".//w:bookmarkStart")}
    assert bookmarks == {f"source_{n}" for n in range(1, len(references) + 1)}


def _hostile_brief() -> Brief:
    document = parse_document(_hostile_dict(), "hostile.json").document
    head = Document(name=document.name, bodies=document.bodies)
    return Brief(head, lambda: document.events, document.links, selection=HOSTILE[1], today=NOW.date())


def test_hostile_text_stays_text_in_the_word_brief() -> None:
    stream = io.BytesIO()
    brief = _hostile_brief()
    write_docx(brief, stream)
    document = docx.Document(io.BytesIO(stream.getvalue()))
    events = [text for style, text in _styled(document, "Heading 3")]
    assert events == [display_text(text) for text in HOSTILE]  # each title exactly, as one heading
    addresses = [link.address for p in document.paragraphs for link in p.hyperlinks if link.address]
    web = {s.url.strip() for e in parse_document(_hostile_dict(), "h.json").document.events for s in e.sources
           if is_web_link(s.url)}
    assert sorted(addresses) == sorted(web) and all(is_web_link(a) for a in addresses)
    with zipfile.ZipFile(io.BytesIO(stream.getvalue())) as package:
        body = package.read("word/document.xml").decode("utf-8")
        relationships = package.read("word/_rels/document.xml.rels").decode("utf-8")
    assert "instrText" not in body and "fldSimple" not in body  # no field (HYPERLINK, DDE…) from the data
    assert "javascript" not in relationships and "file:" not in relationships
    for url in HOSTILE_URLS:
        if not is_web_link(url):
            assert any(display_text(url) in p.text for p in document.paragraphs), url  # shown, never linked


def test_hostile_text_stays_text_in_the_pdf_brief(qapp) -> None:
    stream = io.BytesIO()
    write_pdf_brief(_hostile_brief(), stream)
    reader = pypdf.PdfReader(io.BytesIO(stream.getvalue()))
    text = _squeezed(_pdf_text(reader))
    for title in HOSTILE:
        assert _squeezed(display_text(title).replace("\ufffd", "")) in text.replace("\ufffd", ""), title
    links = _pdf_links(reader)
    assert links and all(is_web_link(link) for link in links)
    assert not any("javascript" in link for link in links)


# ---------------------------------------------------------------------------- PDF


def test_the_pdf_brief_has_pages_the_picture_the_chains_and_clickable_sources(june_pdf) -> None:
    pages = len(june_pdf.pages)
    assert pages >= 3
    assert june_pdf.metadata.title == "Meeting of NATO Defence Ministers, June 2023"
    first = " ".join(june_pdf.pages[0].extract_text().split())
    assert first.startswith("Meeting of NATO Defence Ministers, June 2023 This brief covers 15 events")
    assert len(june_pdf.pages[0].images) == 1  # the picture under the lead
    assert f"Page 1 of {pages}" in first
    assert f"Page {pages} of {pages}" in " ".join(june_pdf.pages[-1].extract_text().split())
    text = _pdf_text(june_pdf)
    for heading in ("How they connect", "Chronology", "Sources", "Nuclear Planning Group meeting"):
        assert heading in text
    assert _squeezed(CHAIN_SENTENCE) in _squeezed(text)
    assert _squeezed(f"[3] NATO, “NATO news item previewing the June 2023 defence ministerial”, 14 June 2023 — A. "
                     f"{PREVIEW_URL}") in _squeezed(text)
    links = _pdf_links(june_pdf)
    assert PREVIEW_URL in links and all(is_web_link(link) for link in links)
    assert len(set(links)) == 21  # each numbered source with an address


def test_a_brief_of_too_many_events_is_refused_with_one_line(sample_db: Path, capsys, monkeypatch, qapp,
                                                             tmp_path: Path) -> None:
    monkeypatch.setattr(formats, "MAX_PAGED_BRIEF_EVENTS", 3)
    for fmt in ("docx", "pdf-brief"):
        target = tmp_path / f"brief.{fmt}"
        assert cli(["export", str(sample_db), "--format", fmt, "-o", str(target)]) == 2
        error = capsys.readouterr().err.strip()
        assert len(error.splitlines()) == 1
        assert "a Word or PDF brief holds at most 3 events" in error and "export a Markdown brief" in error
        assert not target.exists()


def test_an_empty_selection_gives_a_brief_that_says_so(sample_db: Path, qapp) -> None:
    stream = io.BytesIO()
    with EventStore(sample_db) as store:
        write_export(store, ExportRequest(fmt="docx", event_filter=EventFilter.build(search="nosuchwordanywhere")),
                     stream)
    document = docx.Document(io.BytesIO(stream.getvalue()))
    assert document.paragraphs[1].text.startswith("This brief holds no events: search \"nosuchwordanywhere\"")
    assert not document.inline_shapes


def test_the_title_asked_for_heads_the_briefs(sample_db: Path, qapp) -> None:
    title = "Road to Vilnius"
    document = docx.Document(io.BytesIO(_export(sample_db, "docx", title=title)))
    assert _styled(document, "Heading 1") == [("Heading 1", title)]
    assert _export(sample_db, "md", title=title).startswith(b"# Road to Vilnius\n")


# ---------------------------------------------------------------------------- the CLI and the window


CHOSEN = ["dmm-2023-06", "vilnius-summit-2023", "npg-2023-06"]


@pytest.mark.parametrize("fmt", ["md", "csv", "csv-readable", "json", "xlsx", "docx"])
def test_the_cli_and_the_window_write_the_same_file_for_the_same_selection(
    qtbot, isolated_settings, sample_db: Path, tmp_path: Path, fmt: str
) -> None:
    window = open_window(qtbot, sample_db)
    window.timeline.set_selection(CHOSEN)
    from_window = tmp_path / f"window.{fmt}"
    with qtbot.waitSignal(window.export_finished, timeout=30_000):
        window.export_selected(from_window, fmt, with_linked=True)
    from_cli = tmp_path / f"cli.{fmt}"
    ids = [arg for event_id in CHOSEN for arg in ("--id", event_id)]
    with redirect_stdout(io.StringIO()):
        assert cli(["export", str(sample_db), "--format", fmt, *ids, "--with-linked", "-o", str(from_cli)]) == 0
    if fmt in ("md", "csv", "csv-readable", "json"):
        assert from_window.read_bytes() == from_cli.read_bytes()
        if fmt == "json":
            assert len(json.loads(from_cli.read_text("utf-8"))["events"]) > len(CHOSEN)
    elif fmt == "xlsx":  # the package's timestamps differ: its cells must not
        sheets = [openpyxl.load_workbook(path, read_only=True).active for path in (from_window, from_cli)]
        assert [list(r) for r in sheets[0].values] == [list(r) for r in sheets[1].values]
    else:
        documents = [docx.Document(str(path)) for path in (from_window, from_cli)]
        assert [p.text for p in documents[0].paragraphs] == [p.text for p in documents[1].paragraphs]
        blobs = [d.part.related_parts[d.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
                 for d in documents]
        assert blobs[0] == blobs[1]  # the same picture, drawn from the window's data and from the file

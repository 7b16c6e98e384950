"""The brief (:mod:`viewer.export.brief`) as a Word document (python-docx).

Word's own heading styles (the title Heading 1, sections Heading 2, events Heading 3: the
navigation pane shows the brief's outline), the selection's picture under the lead, bulleted
lists, and the numbered sources at the end with live hyperlinks; a citation "[3]" links to its
source in the document. Text from the data is run text, never a field, a hyperlink or markup:
python-docx writes it as XML text, and what XML cannot hold (control characters, lone
surrogates) is replaced first, as everywhere in the app (:func:`viewer.formatting.display_text`).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import IO

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

from viewer.export.brief import (
    LINK_COLOUR,
    MUTED_COLOUR,
    PICTURE_HEIGHT_SHARE,
    Block,
    Brief,
    Bullets,
    Cite,
    Data,
    Heading,
    Inline,
    Paragraph,
    Picture,
    References,
    WebLink,
)
from viewer.formatting import display_text
from viewer.progress import Progress

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)  # A4 portrait
_LINK_RGB, _MUTED_RGB = (RGBColor.from_string(colour.lstrip("#")) for colour in (LINK_COLOUR, MUTED_COLOUR))
_LINK_STYLE = "Brief Hyperlink"
_REFERENCE_STYLE = "Brief Reference"


def write_docx(
    brief: Brief, stream: IO[bytes], *, picture: bytes | None = None, now: datetime | None = None,
    progress: Progress | None = None,
) -> int:
    """Write ``brief`` to ``stream`` as a .docx, with the PNG ``picture`` under its lead; returns the event count."""
    document = docx.Document()
    _set_up(document, brief.title, now)
    writer = _Writer(document, picture)
    for block in brief.blocks(progress):
        writer.add(block)
    document.save(stream)
    return brief.count


def _set_up(document: docx.document.Document, title: str, now: datetime | None) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    properties = document.core_properties
    properties.title = display_text(title)[:255]
    properties.author = properties.last_modified_by = "Defence Timeline"
    properties.comments = ""
    if now is not None:
        properties.created = properties.modified = now.replace(tzinfo=None)
    styles = document.styles
    styles["Normal"].font.size = Pt(10.5)
    link = styles.add_style(_LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = _LINK_RGB
    link.font.underline = True
    reference = styles.add_style(_REFERENCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    reference.base_style = styles["Normal"]
    reference.paragraph_format.left_indent = Mm(10)
    reference.paragraph_format.first_line_indent = Mm(-10)  # room for "[123]"
    reference.paragraph_format.space_after = Pt(3)


class _Writer:
    """Puts a brief's blocks into a Word document, in time linear in their number.

    python-docx looks a style up by name among all the styles, finds the body's section
    properties and a free relationship id by walking everything written so far: for a brief
    of thousands of events that is quadratic (a 2,700-event brief took 30 s). Here the styles
    are looked up once, paragraphs go straight in before the section properties, and each
    web address gets the next id of our own.
    """

    def __init__(self, document: docx.document.Document, picture: bytes | None) -> None:
        self._document = document
        self._picture = picture
        styles = document.styles  # their ids, set on the XML (setting a style object looks up the default each time)
        self._headings = {level: styles[f"Heading {level}"].style_id for level in (1, 2, 3)}
        self._bullets = (styles["List Bullet"].style_id, styles["List Bullet 2"].style_id)
        self._reference = styles[_REFERENCE_STYLE].style_id
        self._link = styles[_LINK_STYLE].style_id
        self._end = document.element.body.sectPr  # paragraphs go in before it
        self._links = 0

    def add(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._inline(self._paragraph(self._headings[block.level]), block.text)
        elif isinstance(block, Paragraph):
            paragraph = self._paragraph()
            for number, line in enumerate(block.lines):
                if number:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                self._inline(paragraph, line, muted=block.role == "dates")
        elif isinstance(block, Bullets):
            for item in block.items:
                self._inline(self._paragraph(self._bullets[0]), item.text)
                for child in item.children:
                    self._inline(self._paragraph(self._bullets[1]), child)
        elif isinstance(block, References):
            for entry in block.entries:
                paragraph = self._paragraph(self._reference)
                _bookmark(paragraph, entry.number)
                paragraph.add_run(f"[{entry.number}]\t")
                self._inline(paragraph, entry.text)
        elif isinstance(block, Picture) and self._picture:
            _add_picture(self._document, self._picture)

    def _paragraph(self, style: str | None = None) -> WordParagraph:
        element = OxmlElement("w:p")
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self._document.element.body.append(element)
        if style is not None:
            element.style = style
        return WordParagraph(element, self._document._body)

    def _inline(self, paragraph: WordParagraph, parts: Inline, *, muted: bool = False) -> None:
        texts: list[str] = []
        for part in (*parts, None):
            if isinstance(part, str | Data):
                texts.append(part if isinstance(part, str) else display_text(part.text))
                continue
            if texts:  # a run of plain text, as one Word run
                run = paragraph.add_run("".join(texts))
                texts = []
                if muted:
                    run.font.color.rgb = _MUTED_RGB
            if isinstance(part, WebLink):
                self._hyperlink(paragraph, display_text(part.url), url=part.url)
            elif isinstance(part, Cite):
                self._hyperlink(paragraph, f"[{part.number}]", anchor=_anchor(part.number))

    def _hyperlink(self, paragraph: WordParagraph, text: str, *, url: str | None = None,
                   anchor: str | None = None) -> None:
        """A hyperlink run: to a web address (an external relationship) or to a bookmark in the document."""
        link = OxmlElement("w:hyperlink")
        if url is not None:
            self._links += 1
            relationship = f"rIdLink{self._links}"  # never one of python-docx's own rIdN
            paragraph.part.rels.add_relationship(RELATIONSHIP_TYPE.HYPERLINK, url, relationship, is_external=True)
            link.set(qn("r:id"), relationship)
        else:
            link.set(qn("w:anchor"), anchor or "")
        run = paragraph.add_run(text)
        run._r.style = self._link
        link.append(run._r)  # the run moves from the paragraph into the hyperlink
        paragraph._p.append(link)


def _add_picture(document: docx.document.Document, picture: bytes) -> None:
    """The picture at the text's width, or less so that it fits under the title and the lead."""
    shape = document.add_picture(io.BytesIO(picture), width=PAGE_WIDTH - 2 * MARGIN)
    tallest = PICTURE_HEIGHT_SHARE * (PAGE_HEIGHT - 2 * MARGIN)
    if shape.height > tallest:
        shape.width, shape.height = int(shape.width * tallest / shape.height), int(tallest)


def _anchor(number: int) -> str:
    return f"source_{number}"


def _bookmark(paragraph: WordParagraph, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), _anchor(number))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.append(start)
    paragraph._p.append(end)


"""The Markdown brief reads as a brief: read back with Python-Markdown, markdown-it-py and mistune."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import mistune
import pytest
from markdown_it import MarkdownIt

from viewer.export import markdown_export
from viewer.export.brief_text import and_list, count_words, published_text
from viewer.export.formats import ExportRequest, write_export
from viewer.export.markdown_export import md, write_markdown, write_markdown_parts
from viewer.store.filters import EventFilter
from viewer.store.interchange import parse_document
from viewer.store.model import Document
from viewer.store.reader import EventStore

RENDERERS = {
    "Python-Markdown": markdown.markdown,
    "markdown-it-py": lambda text: MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text),
    "mistune": mistune.html,
}
CHAIN = EventFilter.build(ids=["dmm-2023-06"])
TODAY = date(2026, 11, 28)


class _Page(HTMLParser):
    """Blocks of rendered HTML: (tag, text) for headings, paragraphs and list items, in order."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self._open: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag in ("h1", "h2", "h3", "p", "li"):
            self._open.append(tag)
            self.blocks.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.blocks[-1]
            self.blocks[-1] = (tag, text + data)

    def texts(self, tag: str) -> list[str]:
        return [" ".join(text.split()) for found, text in self.blocks if found == tag]


@pytest.fixture(scope="module")
def june_brief(sample_db: Path) -> str:
    stream = io.BytesIO()
    with EventStore(sample_db) as store:
        write_export(store, ExportRequest(fmt="md", event_filter=CHAIN, with_linked=True,
                                          selection_text="the June 2023 Defence Ministers' meeting"), stream)
    return stream.getvalue().decode("utf-8")


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_the_june_brief_has_a_title_a_lead_the_chains_the_chronology_and_references(
    renderer: str, june_brief: str
) -> None:
    page = _Page(RENDERERS[renderer](june_brief))
    assert page.texts("h1") == ["Meeting of NATO Defence Ministers, June 2023"]
    assert page.texts("h2") == ["How they connect", "Chronology", "Sources"]
    assert page.blocks[1][0] == "p"  # the lead, right under the title
    lead = page.texts("p")[0]
    assert lead.startswith("This brief covers 15 events, 14 February – 12 October 2023.")
    assert "the June 2023 Defence Ministers' meeting" in lead and "North Atlantic Council (NAC), in 10 events" in lead
    connect = june_brief.split("## How they connect\n\n")[1].split("\n## ")[0]
    rendered_connect = " ".join(_Page(RENDERERS[renderer](connect)).texts("p"))
    assert ("Meeting of NATO Defence Ministers, June 2023 (15–16 June 2023) prepared NATO Vilnius Summit "
            "(11–12 July 2023).") in rendered_connect
    assert "It included ten events:" in rendered_connect
    assert "It came after Meeting of NATO Defence Ministers, February 2023 (14–15 February 2023) and before" \
        in rendered_connect
    headings = page.texts("h3")
    assert len(headings) == 15 and "Nuclear Planning Group meeting" in headings
    assert not any(h.startswith("some time") for h in page.texts("h2") + headings)
    paragraphs = page.texts("p")
    assert "some time during 15–16 June 2023 · NATO Headquarters, Brussels · Meeting, held" in paragraphs
    assert "Prepares: NATO Vilnius Summit (11–12 July 2023)" in page.texts("li")
    references = [t for t in page.texts("li") if re.match(r"NATO, “NATO news item previewing", t)]
    assert references == ["NATO, “NATO news item previewing the June 2023 defence ministerial”, 14 June 2023 — A. "
                          "https://www.nato.int/cps/en/natohq/news_215689.htm"]
    assert "https://www.nato.int/cps/en/natohq/news_215689.htm" in page.hrefs
    assert "Sources: [12], [13], [9], [6]. Credibility 1 (confirmed by other sources)." in paragraphs
    assert "\\" not in " ".join(text for _tag, text in page.blocks)  # no escape shows
    assert "script" not in page.tags and "img" not in page.tags


def test_the_raw_brief_reads_as_plain_text(june_brief: str) -> None:
    assert "\\" not in june_brief  # nothing in the sample needs an escape
    assert "&amp;" not in june_brief and "&#" not in june_brief
    assert "**" not in june_brief
    first = june_brief.splitlines()
    assert first[0] == "# Meeting of NATO Defence Ministers, June 2023" and first[1] == ""


def test_ordinary_text_is_not_escaped_and_markup_still_is() -> None:
    for text in ("R&D spending ~25% up", "C# and F# tools", "1.5 billion", "-5% on 2022", "Ukraine: 2023–24",
                 "NATO's \"Steadfast\" plan (draft)", "a > b", "x = y", "Item #3 of 4"):
        assert md(text) == text, text
    assert md("# heading") == "\\# heading"
    assert md("Title #") == "Title \\#" and md("Title ##") == "Title \\#\\#"
    assert md("1. first") == "1\\. first" and md("10) x") == "10\\) x"
    assert md("- item") == "\\- item" and md("---") == "\\---" and md("+ item") == "\\+ item"
    assert md("> quote") == "\\> quote" and md("===") == "&#61;=="
    assert md("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md("<b>&amp;") == "&lt;b>&amp;amp;" and md("~~struck~~") == "&#126;&#126;struck&#126;&#126;"
    assert md("*a* _b_ `c` \\ |") == "\\*a\\* \\_b\\_ \\`c\\` \\\\ &#124;"


def _document(events: list[dict], links: list[dict] = (), name: str = "Test set") -> Document:
    return parse_document({"format": "defence-timeline", "version": 1, "name": name, "bodies": [],
                           "events": events, "links": list(links)}, "t.json").document


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_sources_without_an_address_are_references_too(renderer: str) -> None:
    document = _document([{
        "id": "e", "title": "A meeting", "start": "2023-06-15",
        "sources": [{"publisher": "ACLED", "title": "Weekly report", "published": "2023-06"},
                    {"url": "https://example.org/a_b", "title": "Web page"}],
    }])
    stream = io.StringIO()
    write_markdown(document, stream, today=TODAY)
    page = _Page(RENDERERS[renderer](stream.getvalue()))
    assert page.texts("li") == ["ACLED, “Weekly report”, June 2023", "“Web page”. https://example.org/a_b"]
    assert page.hrefs == ["https://example.org/a_b"]
    assert page.texts("h1") == ["A meeting"]  # one event: its title
    assert "How they connect" not in page.texts("h2")  # nothing to connect


def test_many_chains_are_bounded_and_the_rest_counted() -> None:
    count = 3 * markdown_export.MAX_CHAINS
    events = [{"id": f"e{n}", "title": f"Event {n}", "start": f"2023-01-{n % 28 + 1:02d}"} for n in range(2 * count)]
    links = [{"from": f"e{2 * n}", "to": f"e{2 * n + 1}", "relation": "prepares"} for n in range(count)]
    stream = io.StringIO()
    write_markdown(_document(events, links), stream, today=TODAY)
    connect = stream.getvalue().split("## How they connect\n\n")[1].split("\n## ")[0]
    assert connect.count(" prepared ") == markdown_export.MAX_CHAINS
    rest = count - markdown_export.MAX_CHAINS
    assert f"The chronology below gives {rest} more connections among these events." in connect
    assert stream.getvalue().count("- Prepares: ") == count  # every link still under its event


def test_a_long_list_in_the_chains_ends_with_how_many_more() -> None:
    parts = markdown_export.MAX_NAMED + 5
    events = [{"id": "whole", "title": "Summit", "start": "2023-07-11", "end": "2023-07-12"}]
    events += [{"id": f"p{n}", "title": f"Session {n}", "start": "2023-07-11"} for n in range(parts)]
    links = [{"from": f"p{n}", "to": "whole", "relation": "part_of"} for n in range(parts)]
    stream = io.StringIO()
    write_markdown(_document(events, links), stream, today=TODAY)
    text = stream.getvalue()
    assert f"Summit (11–12 July 2023) included {parts} events:" in text
    assert "- and 5 more, in the chronology below" in text
    assert text.startswith("# Summit\n")  # every other event is linked to it


def test_the_events_are_read_twice_and_written_as_they_come() -> None:
    document = _document([{"id": f"e{n}", "title": f"Event {n}", "start": "2023"} for n in range(5)])
    calls = []

    def events():
        calls.append(1)
        return iter(document.events)  # a one-pass iterator each time

    stream = io.StringIO()
    head = Document(name="Head")
    assert write_markdown_parts(head, events, [], stream, today=TODAY) == 5
    assert len(calls) == 2 and stream.getvalue().count("\n### Event ") == 5


def test_an_empty_selection_says_so() -> None:
    stream = io.StringIO()
    assert write_markdown(_document([]), stream, selection="search \"nothing\"", today=TODAY) == 0
    assert stream.getvalue().startswith("# Test set\n\nThis brief holds no events: search \"nothing\".")


def test_the_words() -> None:
    assert and_list(["A"]) == "A" and and_list(["A", "B"]) == "A and B" and and_list(["A", "B", "C"]) == "A, B and C"
    assert count_words(1, "event") == "one event" and count_words(12, "event") == "12 events"
    assert published_text("2023-06-14") == "14 June 2023" and published_text("2023") == "2023"
    assert published_text("2023-06") == "June 2023" and published_text("mid-2023") == "mid-2023"


def test_an_event_s_bodies_are_bounded_and_the_rest_counted() -> None:
    from viewer.export.brief import MAX_BODIES

    count = MAX_BODIES + 50
    document = parse_document({
        "format": "defence-timeline", "version": 1, "name": "Wide",
        "bodies": [{"id": f"b{n}", "name": f"Body {n}"} for n in range(count)],
        "events": [{"id": "e", "title": "Conference", "start": "2023-06-15",
                    "bodies": [{"id": f"b{n}", "role": "participant"} for n in range(count)]}],
    }, "w.json").document
    stream = io.StringIO()
    write_markdown(document, stream, today=TODAY)
    line = next(line for line in stream.getvalue().splitlines() if line.startswith("Bodies: "))
    assert line.count(" as participant") == MAX_BODIES and line.endswith("; and 50 more.")

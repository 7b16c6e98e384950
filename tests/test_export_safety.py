"""Text from the data is data, never markup: every export read back by an independent reader.

Markdown is rendered by Python-Markdown, markdown-it-py and mistune; SVG parsed by xml.etree;
iCalendar by the icalendar package; TimelineJS's HTML fields by html.parser. Strict JSON
refusals are here too: they keep what an export could never write out of the store.
"""

from __future__ import annotations

import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import markdown
import mistune
import pytest
from conftest import write_json
from markdown_it import MarkdownIt

from viewer.export import image_export
from viewer.export.ics_export import write_ics
from viewer.export.markdown_export import write_markdown
from viewer.export.timelinejs_export import timelinejs_document
from viewer.formatting import display_text, is_web_link
from viewer.store.errors import ExportError, ImportRefusedError
from viewer.store.importer import import_files
from viewer.store.interchange import parse_document, parse_json_text
from viewer.store.model import Document
from viewer.store.reader import EventStore
from viewer.timeline.lanes import kind_title

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![i](http://evil.example/x.png)",
    "a\n# heading",
    "a\n\n<script>alert(1)</script>",
    "1. x",
    "10) x",
    "- item",
    "+ item",
    "* item",
    "    indented code",
    "| a | b |\n|---|---|\n| c | d |",
    "***",
    "x\n===",
    "x\n---",
    "> quote",
    "`code` ``x``",
    "```\nfenced\n```",
    "~~~\nfenced\n~~~",
    "~~struck~~",
    "*em* _em_ **strong**",
    "&lt;b&gt; &amp; &copy;",
    "&#x6a;avascript:alert(1)",
    "a\u2028# h\u2029- li\x85# nel",
    "a\x0b# vt\x0c# ff\x1c# fs\x1d# gs\x1e# rs",
    "[^1]: footnote",
    "[ref]: http://evil.example/",
    "<http://evil.example/>",
    "<!-- comment -->",
    "trailing backslash\\",
    "\\*escaped\\*",
    "=1+1; @cmd, 'quoted' \"double\"",
    "http://bare.example/ www.evil.example",
    "ctrl\x00\x01\x07\x1b[31m\x7f\x9f",
)
HOSTILE_URLS = (
    "javascript:alert(1)",
    "http://ok.example/\njavascript:alert(1)",
    "http://ok.example/\r\n![i](http://evil.example/x.png)",
    "http://ok.example/\u2028<script>",
    "http://ok.example/\n\n<img src=x onerror=alert(1)>",
    "http://ok.example/\r\n\r\n![i](http://evil.example/x.png)",
    "http://ok.example/\n\n[x](javascript:alert(1))",
    "https://ok.example/a b",
    'https://ok.example/"onmouseover="alert(1)',
    "https://ok.example/>",
    "https://ok.example/`x`",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "//evil.example/",
)
GOOD_URL = "https://ok.example/path_(x)?a=1&b=2&amp;c=\\d"
ALLOWED_TAGS = {"h1", "h2", "h3", "p", "a", "ol", "ul", "li", "br"}  # lists: our references and relations


def _normal(text: str) -> str:
    return " ".join(text.split())


def _hostile_dict() -> dict:
    """Every hostile text in every text field of a document (a record per text)."""
    document: dict = {
        "format": "defence-timeline", "version": 1, "name": HOSTILE[0] + " " + HOSTILE[3],
        "description": HOSTILE[4], "bodies": [], "events": [], "links": [],
    }
    for number, text in enumerate(HOSTILE):
        document["bodies"].append({"id": f"body-{number}", "name": text, "acronym": text})
        document["events"].append({
            "id": f"event-{number}", "title": text, "start": f"2023-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
            "kind": text, "location": text, "summary": text, "description": f"{text}\n\n{text}",
            "tags": [text.strip() or "x"], "bodies": [{"id": f"body-{number}", "role": text}],
            "sources": [{"url": HOSTILE_URLS[number % len(HOSTILE_URLS)], "title": text, "publisher": text},
                        {"url": f"{GOOD_URL}{number}", "title": text}],
        })
        if number:
            document["links"].append({"from": f"event-{number - 1}", "to": f"event-{number}", "relation": "prepares"})
    return document


@pytest.fixture(scope="module")
def hostile() -> Document:
    return parse_document(_hostile_dict(), "hostile.json").document


# ---------------------------------------------------------------- one definition of a web link


def test_is_web_link_takes_only_http_urls_with_a_host_and_nothing_that_ends_a_url() -> None:
    for url in ("https://example.org/a", "HTTP://example.org", " https://example.org/x\n", "http://[::1]:8080/",
                "https://example.org/a(b)?c=d&e=f#g", "https://例え.jp/"):
        assert is_web_link(url), url
    for url in (*HOSTILE_URLS, "https://", "https://:80/", "http://user@/", "mailto:a@b", "", None, "https://[::1",
                "https://a.example/\x00", "https://a.example/\x85x", "https://a.example/\u00a0x", "https://a.example/\tx"):
        assert not is_web_link(url), url


def test_display_text_puts_anything_on_one_line() -> None:
    assert display_text("a\r\nb\nc\rd\u2028e\u2029f\x85g\x0bh\x0ci\x00j\tk\x7fl\x9fm") == "a b c d e f g h i j k l m"
    assert display_text("lone \ud800 \udfff and \ufffe") == "lone \ufffd \ufffd and \ufffd"
    assert display_text("<b>markup</b> & 👩🏽‍✈️ \u202eRTL") == "<b>markup</b> & 👩🏽‍✈️ \u202eRTL"
    assert display_text(None) == "" and display_text("") == ""


# ---------------------------------------------------------------- Markdown


class _Html(HTMLParser):
    """Tags, links and visible text of rendered HTML (character references decoded)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.hrefs: list[str] = []
        self.headings: dict[str, list[str]] = {}
        self._heading: str | None = None
        self._lists: list[str] = []
        self.numbered_items = 0  # items of an ordered list: only the sources are one
        self._text: list[str] = []
        self.feed(source)
        self.close()
        self.text = _normal("".join(self._text))

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags[tag] += 1
        attributes = dict(attrs)
        assert not [name for name in attributes if name.startswith("on")], (tag, attrs)
        if tag == "a":
            self.hrefs.append(attributes.get("href") or "")
        if tag in ("ol", "ul"):
            self._lists.append(tag)
        if tag == "li" and self._lists and self._lists[-1] == "ol":
            self.numbered_items += 1
        if tag in ("h1", "h2", "h3"):
            self._heading = tag
            self.headings.setdefault(tag, []).append("")
        self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self._heading = None
        if tag in ("ol", "ul") and self._lists:
            self._lists.pop()
        self._text.append(" ")

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._heading:
            self.headings[self._heading][-1] += data


RENDERERS = {
    "Python-Markdown": markdown.markdown,
    "markdown-it-py": lambda text: MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text),
    "mistune": mistune.html,  # raw HTML allowed, tables, footnotes, strikethrough
}


@pytest.fixture(scope="module")
def brief(hostile: Document) -> str:
    stream = io.StringIO()
    write_markdown(hostile, stream, selection=HOSTILE[1] + "\n# selection", today=datetime(2026, 1, 1).date())
    return stream.getvalue()


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_an_ordinary_source_is_a_clickable_link_to_itself(renderer: str) -> None:
    url = "https://www.nato.int/cps/en/natohq/news_215689.htm?selectedLocale=en#top"
    document = parse_document({
        "format": "defence-timeline", "version": 1,
        "events": [{"id": "e", "title": "t", "start": "2023", "sources": [{"url": f" {url} ", "title": "NATO"}]}],
    }, "s.json").document
    stream = io.StringIO()
    write_markdown(document, stream)
    page = _Html(RENDERERS[renderer](stream.getvalue()))
    assert page.hrefs == [url] and "NATO" in page.text


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_markdown_data_renders_as_exactly_its_text(renderer: str, brief: str, hostile: Document) -> None:
    page = _Html(RENDERERS[renderer](brief))
    assert set(page.tags) <= ALLOWED_TAGS, page.tags  # no img, script, code, pre, table, ul, hr, blockquote …
    assert page.tags["h1"] == 1 and page.tags["h3"] == len(hostile.events)
    assert [_normal(h) for h in page.headings["h2"]] == ["How they connect", "Chronology", "Sources"]
    assert page.tags["ol"] == 1  # our source list
    assert page.tags["ul"] == len(hostile.events)  # one list of relations under each (linked) event
    web = [s.url for e in hostile.events for s in e.sources if is_web_link(s.url)]
    assert page.numbered_items == len({s.url for e in hostile.events for s in e.sources})
    # Our links point at their sources: a backslash and an "&" that would read as an entity are
    # percent-encoded (as CommonMark renderers do anyway), so every renderer gives the same href.
    expected = [url.replace("\\", "%5C").replace("&amp;", "%26amp;") for url in web]
    assert sorted(page.hrefs) == sorted(expected) and len(web) == len(hostile.events)
    for text in HOSTILE:
        shown = _normal(display_text(text))
        assert shown in page.text, text
        assert shown in [_normal(t) for t in page.headings["h3"]]  # the title is the whole heading
    for url in HOSTILE_URLS:
        assert _normal(display_text(url)) in page.text  # shown, never linked
    assert _normal(display_text(HOSTILE[0] + " " + HOSTILE[3])) in _normal(page.headings["h1"][0])


def test_markdown_links_are_ours_and_clickable(brief: str) -> None:
    assert re.search(r"^\d+\. .+ <https://ok\.example/path_\(x\)\?a=1&b=2%26amp;c=%5Cd0>$", brief, re.M)
    assert not re.search(r"(?<!\\)\]\(", brief)  # no unescaped "](": no inline link at all
    autolinks = re.findall(r"<([^>]*)>", brief)  # a "<" from the data is "&lt;": every "<…>" is ours
    assert autolinks and all(a.startswith("https://ok.example/") for a in autolinks)
    assert "\n#" not in brief.replace("\n## ", "").replace("\n# ", "").replace("\n### ", "")
    for line in brief.splitlines():
        assert "\u2028" not in line and "\u2029" not in line and "\x85" not in line and "\x0c" not in line


# ---------------------------------------------------------------- pictures


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-pictures")
    document = _hostile_dict()
    controls = "".join(chr(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))) + "\u2028\u2029\ufffe\uffff"
    for number, event in enumerate(document["events"][:6]):
        event["title"] = f"title {number} {controls}"
        event["kind"] = f"kind {number} {controls}"
    document["bodies"][0]["name"] = document["bodies"][0]["acronym"] = f"body {controls}"
    import_files([write_json(folder / "h.json", document)], folder / "h.db")
    from viewer.timeline_source import load_timeline_data

    with EventStore(folder / "h.db") as store:
        return load_timeline_data(store)


def _picture(data, fmt: str, **options) -> bytes:
    stream = io.BytesIO()
    image_export.write_image(data, fmt, stream, **options)
    return stream.getvalue()


def test_svg_stays_well_formed_whatever_the_labels_and_the_name_hold(hostile_data, qapp) -> None:
    name = "Name\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\u2028\ufffe <b>&amp;</b> \"'\n# x"
    svg = _picture(hostile_data, "svg", width=1400, title=name)
    root = ET.fromstring(svg)  # an independent XML 1.0 reader: raises on any forbidden character
    title = next(e for e in root.iter() if e.tag.endswith("title"))
    assert title.text == display_text(name)
    texts = " ".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
    assert "title 0" in texts and "kind 0" in texts.lower()
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", svg.decode("utf-8"))


def test_the_picture_caption_is_text_whatever_the_publishers_and_title_hold(hostile_data, qapp) -> None:
    from viewer.export.picture_frame import caption_from_events
    from viewer.store.dates import PartialDate
    from viewer.store.model import Event, Source

    hostile = "<script>alert(1)</script> &amp; \x00\x1b\u2028\ufffe ]]> \"'"
    events = [Event("e", "t", PartialDate(2023, 6, 15), sources=(
        Source("https://ok.example/a", publisher=f"Pub {hostile}"),
        Source("javascript:alert(1)"),  # not a web link: no host to name
        Source("http://evil.example/\r\n<b>x</b>"),
    ))]
    caption = caption_from_events(events, title=f"Title {hostile}", data_file=f"/x/data {hostile}.db")
    svg = _picture(hostile_data, "svg", width=1000, caption=caption)
    root = ET.fromstring(svg)  # well-formed XML 1.0 whatever the caption holds
    texts = [e.text or "" for e in root.iter() if e.tag.endswith("text")]
    assert any(t.strip() == display_text(f"Title {hostile}").strip() for t in texts)
    sources = [t for t in texts if t.startswith("Sources: ")]
    assert sources == [f"Sources: {display_text('Pub ' + hostile).strip()}"]  # markup kept as text, one publisher
    assert not any(e.tag.endswith(("script", "b")) for e in root.iter())
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", svg.decode("utf-8"))
    pdf = _picture(hostile_data, "pdf", width=800, caption=caption)
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]


def test_pdf_takes_a_hostile_name(hostile_data, qapp) -> None:
    pdf = _picture(hostile_data, "pdf", width=800, title="PDF\x00\x01\n) /Evil (\ud800")
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]


def test_the_png_stays_within_its_pixel_budget(hostile_data, qapp, monkeypatch) -> None:
    from PySide6.QtGui import QImage

    monkeypatch.setattr(image_export, "MAX_PNG_PIXELS", 1_500_000)
    png = _picture(hostile_data, "png", width=2000)
    image = QImage.fromData(png, "PNG")
    assert 0 < image.width() * image.height() <= 1_500_000
    assert 2000 * 0.5 < image.width() < 2 * 2000  # the whole width, drawn at a lower density


def test_png_density_and_size_respect_every_limit() -> None:
    for width in (image_export.MIN_WIDTH, 1600, 4000, 12_345, image_export.MAX_WIDTH):
        for height in (image_export.MIN_HEIGHT, 900, 7_777, image_export.MAX_HEIGHT):
            wide, high = image_export.png_size(width, height)
            assert wide * high <= image_export.MAX_PNG_PIXELS
            assert max(wide, high) <= image_export.MAX_PNG_SIDE
            assert image_export.png_density(width, height) <= image_export.PNG_DENSITY
    assert image_export.png_density(1600, 900) == image_export.PNG_DENSITY  # an ordinary picture is sharp
    assert image_export.picture_height(10**9) == image_export.MAX_HEIGHT
    assert image_export.picture_height(1) == image_export.MIN_HEIGHT


@pytest.mark.parametrize("width", [image_export.MIN_WIDTH - 1, image_export.MAX_WIDTH + 1, 0, -5])
def test_a_width_outside_the_limits_is_refused(hostile_data, width: int, qapp) -> None:
    with pytest.raises(ExportError, match="width must be between 200 and 20000"):
        _picture(hostile_data, "png", width=width)


# ---------------------------------------------------------------- iCalendar


def _ics_expected(text: str) -> str:
    """RFC 5545 TEXT as the export must write it: line breaks as LF, other controls but tab a space."""
    text = re.sub(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]", "\n", text)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", " ", text)
    return re.sub("[\ud800-\udfff\ufffe\uffff]", "\ufffd", text)


def _unescape_text(value: str) -> str:
    """RFC 5545 TEXT unescaping (backslash before n, N, backslash, semicolon or comma)."""
    return re.sub(r"\\([nN\\;,])", lambda match: "\n" if match.group(1) in "nN" else match.group(1), value)


@pytest.fixture(scope="module")
def hostile_ics(hostile: Document) -> bytes:
    document = parse_document(
        {**_hostile_dict(), "name": "Cal\r\nX-INJECTED:1\r\nname;with,all\\of\x01it\rend"}, "h.json"
    ).document
    for event in document.events[:2]:  # ids are text too: UID and RELATED-TO carry them
        object.__setattr__(event, "id", event.id + ";,\\\n\x01")
    stream = io.BytesIO()
    write_ics(document, stream, now=datetime(2026, 1, 1, tzinfo=UTC))
    return stream.getvalue()


def test_ics_lines_are_valid_content_lines(hostile_ics: bytes) -> None:
    assert hostile_ics.endswith(b"\r\n")
    for line in hostile_ics[:-2].split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75, line
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), line
        line.decode("utf-8")
        assert not line.startswith(b"X-INJECTED")


def test_ics_values_read_back_as_the_sanitised_text(hostile_ics: bytes, hostile: Document) -> None:
    calendar = icalendar.Calendar.from_ical(hostile_ics)
    name = _unescape_text(str(calendar["X-WR-CALNAME"]))  # an X- property: icalendar leaves it escaped
    assert name == _ics_expected("Cal\r\nX-INJECTED:1\r\nname;with,all\\of\x01it\rend")
    components = calendar.walk("VEVENT")
    assert len(components) == len(hostile.events)
    by_uid = {str(component["UID"]): component for component in components}
    for number, event in enumerate(hostile.events):
        event_id = event.id + (";,\\\n\x01" if number < 2 else "")
        component = by_uid[_ics_expected(f"{event_id}@defence-timeline")]
        assert str(component["SUMMARY"]) == _ics_expected(event.title)
        assert str(component["LOCATION"]) == _ics_expected(event.location)
        categories = [str(c) for c in component["CATEGORIES"].cats]
        assert categories[1:] == [_ics_expected(tag) for tag in event.tags]
        description = str(component["DESCRIPTION"])
        assert _ics_expected(event.summary) in description
        assert _ics_expected(f": {event.sources[0].url}") in description  # "Source: title: url"
        assert str(component["URL"]) == event.sources[1].url  # the first *web* source only
        assert is_web_link(str(component["URL"]))


# ---------------------------------------------------------------- TimelineJS


class _Fragment(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text = ""
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.add(tag)
        self.attributes += attrs
        self.text += "\n" if tag in ("br", "p") else ""

    def handle_data(self, data: str) -> None:
        self.text += data


def _plain_field_as_timelinejs_shows_it(value: str) -> _Fragment:
    """TimelineJS 3 strips markup from group and display_date (DOMParser → textContent), then sets
    the result as innerHTML: two HTML parses."""
    return _Fragment(_Fragment(value).text)


def test_timelinejs_text_cannot_inject_html(hostile: Document) -> None:
    result = json.loads(json.dumps(timelinejs_document(hostile, "kind"), ensure_ascii=False))
    headline = _Fragment(result["title"]["text"]["headline"])
    assert not headline.tags and _normal(headline.text) == _normal(display_text(hostile.name))
    for slide, event in zip(result["events"], hostile.events, strict=True):
        assert slide["autolink"] is False
        shown = _Fragment(slide["text"]["headline"])
        assert not shown.tags and _normal(shown.text) == _normal(display_text(event.title))
        body = _Fragment(slide["text"]["text"])
        assert body.tags <= {"p", "br"} and not body.attributes
        assert _normal(display_text(event.summary)) in _normal(body.text)
        group = _plain_field_as_timelinejs_shows_it(slide["group"])
        assert not group.tags and _normal(group.text) == _normal(display_text(kind_title(event.kind)))
        date = _plain_field_as_timelinejs_shows_it(slide["display_date"])
        assert not date.tags and date.text
        caption = _Fragment(slide["media"]["caption"])
        assert not caption.tags
        assert is_web_link(slide["media"]["url"]) and slide["media"]["url"].startswith("https://ok.example/")
    bodies = {body.id: body for body in hostile.bodies}
    by_body = json.loads(json.dumps(timelinejs_document(hostile, "body")))
    for slide, event in zip(by_body["events"], hostile.events, strict=True):
        group = _plain_field_as_timelinejs_shows_it(slide["group"])
        acronym = bodies[event.bodies[0].body_id].acronym
        assert not group.tags and _normal(group.text) == _normal(display_text(acronym))


def test_timelinejs_group_survives_both_passes_as_the_same_text() -> None:
    document = parse_document({
        "format": "defence-timeline", "version": 1,
        "bodies": [{"id": "b", "name": "n", "acronym": "<img src=x onerror=alert(1)> &lt;i&gt; & Co"}],
        "events": [{"id": "e", "title": "t", "start": "2023", "bodies": [{"id": "b"}]}],
    }, "g.json").document
    slide = timelinejs_document(document, "body")["events"][0]
    shown = _plain_field_as_timelinejs_shows_it(slide["group"])
    assert not shown.tags
    assert shown.text == "<img src=x onerror=alert(1)> &lt;i&gt; & Co"
    assert html.unescape(html.unescape(slide["group"])) == shown.text


# ---------------------------------------------------------------- strict JSON import

DOCUMENT = '{"format": "defence-timeline", "version": 1, "events": [%s]}'
EVENT = '{"id": "a", "title": "T", "start": "2023"}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "defence-timeline", "version": 1, "version": 1}',
         r"h\.json: duplicate key 'version' in the top-level object"),
        (DOCUMENT % (EVENT + ', {"id": "b", "title": "x", "title": "y", "start": "2023"}'),
         r"h\.json: event #2 \(id 'b'\): duplicate key 'title' in an object"),
        (DOCUMENT % '{"id": "a", "title": "T", "start": "2023", "sources": [{"url": "u"}, {"url": "v", "url": "w"}]}',
         r"event #1 \(id 'a'\): field 'sources\[2\]': duplicate key 'url'"),
        (DOCUMENT % '{"id": "a", "title": NaN, "start": "2023"}', r"event #1 \(id 'a'\): field 'title': NaN is not"),
        (DOCUMENT % '{"id": "a", "title": "T", "start": Infinity}', r"field 'start': Infinity is not allowed"),
        ('-Infinity', r"h\.json: -Infinity is not allowed"),
        (DOCUMENT % '{"id": "a", "title": "x\\ud800", "start": "2023"}',
         r"line 1, column 80: lone surrogate \\ud800 in a string"),
        (DOCUMENT % '{"id": "a", "title": "\\udc00\\ud800", "start": "2023"}', r"lone surrogate \\udc00"),
        (DOCUMENT % '{"id": "a", "title": "\\ud83dA", "start": "2023"}', r"lone surrogate \\ud83d"),
        (DOCUMENT % '{"id": "a", "title": "x", "start": "2023", "\\uDBFF": 1}', r"lone surrogate \\uDBFF"),
        (DOCUMENT % '{"id": "a", "title": "\\\\\\ud800", "start": "2023"}', r"lone surrogate \\ud800"),
        (DOCUMENT % '{"id": "a", "title": "x\ud800", "start": "2023"}', r"lone surrogate U\+D800"),
        (DOCUMENT % ('{"id": ' + "9" * 5000 + ', "title": "x", "start": "2023"}'), r"a number has more than"),
    ],
)
def test_strict_json_refusals(text: str, expected: str) -> None:
    with pytest.raises(ImportRefusedError, match=expected):
        parse_json_text(text, "h.json")


def test_escaped_pairs_and_escaped_backslashes_are_fine() -> None:
    text = DOCUMENT % '{"id": "a", "title": "\\ud83d\\ude00 \\uD83D\\uDE00 \\\\ud800", "start": "2023"}'
    assert parse_json_text(text, "h.json").document.events[0].title == "😀 😀 \\ud800"


def test_a_refused_file_is_refused_by_the_import_too(tmp_path: Path) -> None:
    source = tmp_path / "dup.json"
    source.write_text(DOCUMENT % '{"id": "a", "id": "b", "title": "T", "start": "2023"}', encoding="utf-8")
    with pytest.raises(ImportRefusedError, match=r"dup\.json: event #1 \(id 'b'\): duplicate key 'id'"):
        import_files([source], tmp_path / "dup.db")
    assert not (tmp_path / "dup.db").exists()

"""A Markdown brief: the selection in date order, with bodies, summaries, relations and
numbered sources, ready to paste into a note or a report.

Text from the data is data, never markup: whatever it holds, it renders as exactly that text
in CommonMark renderers (markdown-it, mistune, GitHub's) and in Python-Markdown alike. No
heading, list, table, code, quote, emphasis, link, image or HTML can come from the data:
- every field is one line of inline text (line breaks in a title or a name become spaces);
  a summary or description keeps its line breaks as hard line breaks inside one paragraph;
- the characters that start inline markup are backslash-escaped where every renderer knows
  the escape, and written as character references where one does not (``<``, ``>``, ``&``,
  ``|``, ``~``): a reference is always text, never structure;
- what matters only at the start of a line (``-``, ``+``, ``=``, ``1.``) is escaped there;
- the only links are ours, to sources that pass :func:`viewer.formatting.is_web_link`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import IO

from viewer.formatting import display_text, format_event_dates, format_instant_range, is_web_link
from viewer.store.model import Body, Document, Event, Link

# Every line break Python (and any renderer or editor) may honour.
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_INLINE_ESCAPES = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "#": "\\#",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "|": "&#124;",
    "~": "&#126;",
}
_INLINE = re.compile("[" + re.escape("".join(_INLINE_ESCAPES)) + "]")
_LINE_START = re.compile(r"[-+=]|\d+(?=[.)])")  # list items, setext underlines, numbered items
_HARD_BREAK = "  \n"  # two spaces: the one hard line break every renderer knows
_EMPTY_LINE = "\u00a0"  # keeps a blank line in the data from ending the paragraph
_ENTITY_LIKE_AMPERSAND = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def md(text: str | None) -> str:
    """Data text as one line of Markdown that renders as exactly that text (line breaks as spaces)."""
    return _escape_line(display_text(text))


def md_block(text: str | None) -> str:
    """Data text as lines of one Markdown paragraph, its line breaks kept as hard line breaks."""
    if not text:
        return ""
    lines = [_escape_line(display_text(line)) or _EMPTY_LINE for line in _LINE_BREAKS.split(text)]
    return _HARD_BREAK.join(lines)


def _escape_line(line: str) -> str:
    line = _INLINE.sub(lambda match: _INLINE_ESCAPES[match.group()], line.strip())
    match = _LINE_START.match(line)
    if match is None:
        return line
    marker = match.group()
    if marker.isdigit():
        return marker + "\\" + line[len(marker):]
    return ("&#61;" if marker == "=" else "\\" + marker) + line[1:]


def link_destination(url: str) -> str:
    """A web link's URL as a Markdown ``<…>`` destination that every renderer reads back unchanged."""
    return _ENTITY_LIKE_AMPERSAND.sub("%26", url.strip().replace("\\", "%5C"))


def write_markdown(document: Document, stream: IO[str], *, selection: str = "", today: date | None = None) -> int:
    """Write the brief; ``selection`` says how the events were chosen. Returns the event count."""
    bodies = {body.id: body for body in document.bodies}
    titles = {event.id: event for event in document.events}
    links_of: dict[str, list[Link]] = defaultdict(list)  # each event's links, found once for all
    for link in document.links:
        links_of[link.source].append(link)
        links_of[link.target].append(link)
    sources: dict[str, int] = {}
    source_lines: list[str] = []
    out: list[str] = []
    span = ""
    if document.events:
        span = format_instant_range(
            min(e.earliest for e in document.events), max(e.latest for e in document.events)
        )
    heading = md(document.name) if document.name else "Defence Timeline brief"
    out.append(f"# {heading}" + (f": {md(span)}" if span else ""))
    facts = [f"{len(document.events):,} event" + ("" if len(document.events) == 1 else "s")]
    if selection:
        facts.append(md(selection))
    facts.append(f"prepared {(today or date.today()).isoformat()}")
    out.append(" · ".join(facts))
    current_date = None
    for event in document.events:
        when = format_event_dates(event)
        if when != current_date:
            out.append(f"## {md(when)}")
            current_date = when
        out.extend(_event_block(event, bodies, titles, links_of[event.id], sources, source_lines))
    if source_lines:
        out.append("## Sources")
        out.append("\n".join(source_lines))
    stream.write("\n\n".join(out) + "\n")
    return len(document.events)


def _event_block(
    event: Event,
    bodies: Mapping[str, Body],
    events: Mapping[str, Event],
    links: Sequence[Link],
    sources: dict[str, int],
    source_lines: list[str],
) -> list[str]:
    block = [f"### {md(event.title)}"]
    facts = [md(x) for x in (event.kind and event.kind.replace("_", " ").capitalize(),
                             event.status and event.status.value.capitalize(), event.location) if x]
    if facts:
        block.append(" · ".join(facts))
    if event.bodies:
        block.append("Bodies: " + "; ".join(_body_text(p.body_id, p.role, bodies) for p in event.bodies))
    block += [md_block(text) for text in (event.summary, event.description) if text]
    relations = _relations(event, events, links)
    if relations:
        block.append("Relations: " + "; ".join(relations))
    numbers = [_source_number(source.url, source.title, source.publisher, source.published, sources, source_lines)
               for source in event.sources]
    if numbers:
        block.append("Sources: " + ", ".join(f"\\[{n}\\]" for n in numbers))
    return block


def _body_text(body_id: str, role: str, bodies: Mapping[str, Body]) -> str:
    body = bodies.get(body_id)
    name = body.name + (f" ({body.acronym})" if body.acronym else "") if body else body_id
    return f"{md(name)}, {md(role)}"


def _relations(event: Event, events: Mapping[str, Event], links: Sequence[Link]) -> list[str]:
    """"prepares **Vilnius Summit** (11–12 July 2023)", in the order the other events happened."""
    found: list[tuple[int, str]] = []
    for link in links:
        if link.source == event.id and link.target in events:
            other, label = events[link.target], link.relation.forward_label
        elif link.target == event.id and link.source in events:
            other, label = events[link.source], link.relation.backward_label
        else:
            continue
        found.append((other.earliest, f"{label.lower()} **{md(other.title)}** ({md(format_event_dates(other))})"))
    return [text for _when, text in sorted(found, key=lambda item: item[0])]


def _source_number(
    url: str, title: str | None, publisher: str | None, published: str | None,
    numbers: dict[str, int], lines: list[str],
) -> int:
    if url in numbers:
        return numbers[url]
    number = numbers[url] = len(numbers) + 1
    label = md(title) or md(url)
    linked = f"[{label}](<{link_destination(url)}>)" if is_web_link(url) else f"{label} ({md(url)})"
    details = ", ".join(md(x) for x in (publisher, published) if x)
    lines.append(f"{number}. {linked}" + (f" — {details}" if details else ""))
    return number

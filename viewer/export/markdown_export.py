"""A Markdown brief: the selection in date order, with bodies, summaries, relations and
numbered sources, ready to paste into a note or a report.

Text from the data is escaped so that Markdown shows it exactly as written: no heading,
emphasis, link or HTML can come from the data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import IO

from viewer.formatting import format_event_dates, format_instant_range, is_web_link
from viewer.store.model import Body, Document, Event

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")  # what can start emphasis, code, links, HTML or tables
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")  # headings, lists, setext lines, numbered lists


def md(text: str | None) -> str:
    """Escape text for Markdown (CommonMark and GitHub's): shown as written, line breaks kept.

    Inline markers are always escaped; the characters that only matter at the start of a
    line (headings, list items) are escaped there, so that a brief stays easy to read raw.
    """
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = []
    for line in lines:
        line = _INLINE.sub(r"\\\1", line.strip())
        line = _LINE_START.sub(_escape_line_start, line)
        escaped.append(line or "\u00a0")
    return "\\\n".join(escaped)  # a hard line break for each line break in the data


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    return match.group(1) + (marker + "\\" if marker[0].isdigit() else "\\" + marker)


def write_markdown(document: Document, stream: IO[str], *, selection: str = "", today: date | None = None) -> int:
    """Write the brief; ``selection`` says how the events were chosen. Returns the event count."""
    bodies = {body.id: body for body in document.bodies}
    titles = {event.id: event for event in document.events}
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
        out.extend(_event_block(event, bodies, titles, document, sources, source_lines))
    if source_lines:
        out.append("## Sources")
        out.append("\n".join(source_lines))
    stream.write("\n\n".join(out) + "\n")
    return len(document.events)


def _event_block(
    event: Event,
    bodies: Mapping[str, Body],
    events: Mapping[str, Event],
    document: Document,
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
    block += [md(text) for text in (event.summary, event.description) if text]
    relations = _relations(event, events, document)
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


def _relations(event: Event, events: Mapping[str, Event], document: Document) -> list[str]:
    """"prepares **Vilnius Summit** (11–12 July 2023)", in the order the other events happened."""
    found: list[tuple[int, str]] = []
    for link in document.links:
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
    label = md(title or url)
    web = is_web_link(url) and not any(c in url.strip() for c in " <>")
    linked = f"[{label}](<{url.strip()}>)" if web else f"{label} ({md(url)})"
    details = ", ".join(md(x) for x in (publisher, published) if x)
    lines.append(f"{number}. {linked}" + (f" — {details}" if details else ""))
    return number

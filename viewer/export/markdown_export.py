"""A Markdown brief an analyst can send as it is: a title, a lead saying what the selection
covers, "How they connect" telling the chains in words, the chronology, numbered sources.

Text from the data is data, never markup: whatever it holds, it renders as exactly that text
in CommonMark renderers (markdown-it, mistune, GitHub's) and in Python-Markdown alike. No
heading, list, table, code, quote, emphasis, link, image or HTML can come from the data:
- every field is one line of inline text (line breaks in a title or a name become spaces);
  a summary or description keeps its line breaks as hard line breaks inside one paragraph;
- only what would start markup is escaped, so that ordinary text reads as written in the file
  too: ``\\``, ``*``, ``_``, backticks, ``[`` and ``]`` always; ``<`` and ``|`` as character
  references (which every renderer shows as text); ``&`` only before what reads as a character
  reference, ``~`` only in runs of two or more; ``#`` at the start and in a run at the end of a
  line; list, quote and underline markers only at the start of a line, where they count;
- the only links are ours, autolinks to sources that pass :func:`viewer.formatting.is_web_link`.

Memory: the events are read twice (:func:`write_markdown_parts` takes a function giving them
anew), once to survey them and once to write the chronology, an event at a time, straight to
the stream; what is kept is one line per event that a link names, the counts of bodies and the
sources' reference lines. "How they connect" tells at most :data:`MAX_CHAINS` chains of at most
:data:`MAX_NAMED` events each, and says how many more there are.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO

from viewer.export.brief_text import (
    and_list,
    count_words,
    kind_text,
    published_text,
    relation_label,
    relation_phrase,
    relation_rank,
)
from viewer.formatting import count_text, display_text, format_event_dates, format_events_span, is_web_link
from viewer.store.dates import MONTH_NAMES
from viewer.store.model import Body, Document, Event, Link, Relation, Source

MAX_CHAINS = 12  # events whose connections "How they connect" tells
MAX_NAMED = 12  # events one sentence or list there names before "and N more"
MAX_RELATED = 50  # events one line of relations under an event names before "and N more"
INLINE_AT_MOST = 3  # more than this many events: a list rather than a sentence
_NO_TITLE = "Defence Timeline brief"
_ONE_WITH_LINKED = ("1 chosen event, with the events linked to them",)

# Every line break Python (and any renderer or editor) may honour.
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_ALWAYS = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "<": "&lt;", "|": "&#124;",
}
_INLINE = re.compile(r"[\\`*_\[\]<|]|~~+|&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"[-+](?=[ \-]|$)|>|#|\d{1,9}(?=[.)](?: |$))|=+ *$")
_TRAILING_HASHES = re.compile(r"#+$")
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


def _inline_escape(match: re.Match[str]) -> str:
    found = match.group()
    if found in _ALWAYS:
        return _ALWAYS[found]
    if found.startswith("~"):
        return "&#126;" * len(found)
    return "&amp;"


def _escape_line(line: str) -> str:
    line = _INLINE.sub(_inline_escape, line.strip())
    line = _TRAILING_HASHES.sub(lambda match: "\\#" * len(match.group()), line)
    match = _LINE_START.match(line)
    if match is None:
        return line
    marker = match.group()
    if marker.isdigit():
        return marker + "\\" + line[len(marker):]
    if marker.startswith("="):
        return "&#61;" + line[1:]
    if marker == "#" and line.startswith("\\#"):
        return line
    return "\\" + line


def link_destination(url: str) -> str:
    """A web link's URL as a Markdown ``<…>`` destination or autolink that every renderer reads back unchanged."""
    return _ENTITY_LIKE_AMPERSAND.sub("%26", url.strip().replace("\\", "%5C"))


# ---------------------------------------------------------------------------- the survey


@dataclass
class _Named:
    """What a brief says of an event a link names: its title and dates, when it happened."""

    title: str
    dates: str
    earliest: int
    latest: int

    @property
    def text(self) -> str:
        return f"{md(self.title)} ({md(self.dates)})"


@dataclass
class _Survey:
    """The first reading of the events: what the title, the lead and "How they connect" need."""

    count: int = 0
    first: Event | None = None
    last: Event | None = None
    only: Event | None = None
    bodies: Counter[str] = field(default_factory=Counter)
    body_names: dict[str, str] = field(default_factory=dict)
    named: dict[str, _Named] = field(default_factory=dict)


def _survey(events: Iterable[Event], linked: set[str]) -> _Survey:
    survey = _Survey()
    for event in events:
        survey.count += 1
        if survey.first is None or event.earliest < survey.first.earliest:
            survey.first = event
        if survey.last is None or event.latest > survey.last.latest:
            survey.last = event
        survey.only = event if survey.count == 1 else None
        for body_id in dict.fromkeys(p.body_id for p in event.bodies):
            survey.bodies[body_id] += 1
        for p in event.bodies:
            if p.name:
                survey.body_names.setdefault(p.body_id, p.name)
        if event.id in linked:
            survey.named[event.id] = _Named(event.title, format_event_dates(event), event.earliest, event.latest)
    return survey


# ---------------------------------------------------------------------------- writing


def write_markdown(document: Document, stream: IO[str], *, selection: str = "", today: date | None = None) -> int:
    """Write the brief of a whole document; ``selection`` says how the events were chosen. Returns the event count."""
    head = Document(name=document.name, description=document.description, bodies=document.bodies)
    return write_markdown_parts(head, lambda: document.events, document.links, stream, selection=selection,
                                today=today)


def write_markdown_parts(
    head: Document,
    events: Callable[[], Iterable[Event]],
    links: Sequence[Link],
    stream: IO[str],
    *,
    selection: str = "",
    today: date | None = None,
    title: str | None = None,
) -> int:
    """Write the brief: ``head`` gives the dataset's name and the bodies, ``events()`` the events in
    time order (it is called twice), ``links`` the links among them. Returns the event count."""
    today = today or date.today()
    now = int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp())
    bodies = {body.id: body for body in head.bodies}
    survey = _survey(events(), {end for link in links for end in (link.source, link.target)})
    links = [link for link in links if link.source in survey.named and link.target in survey.named
             and link.source != link.target]
    neighbours: dict[str, list[tuple[Relation, bool, str, int]]] = defaultdict(list)
    for number, link in enumerate(links):
        neighbours[link.source].append((link.relation, True, link.target, number))
        neighbours[link.target].append((link.relation, False, link.source, number))

    heading = title or _title(survey, neighbours, head.name)
    if selection in _ONE_WITH_LINKED and heading not in (head.name, _NO_TITLE):
        selection = f"{heading}, with the events linked to it"  # formats.py's words for one event and its links
    stream.write(f"# {md(heading)}\n\n")
    stream.write(_lead(survey, bodies, selection, head.name if head.name != heading else None, today) + "\n\n")
    if links:
        stream.write("## How they connect\n\n")
        stream.write("\n\n".join(_chains(survey.named, neighbours, len(links), now)) + "\n\n")
    numbers: dict[object, int] = {}
    references: list[str] = []
    if survey.count:
        stream.write("## Chronology\n\n")
        for event in events():
            stream.write("\n\n".join(_event_block(event, bodies, survey, neighbours, numbers, references)) + "\n\n")
    if references:
        stream.write("## Sources\n\n" + "\n".join(references) + "\n")
    return survey.count


def _title(survey: _Survey, neighbours: dict[str, list], name: str | None) -> str:
    """The one event chosen (alone, or with every other event linked to it), else the dataset's name."""
    if survey.only is not None:
        return survey.only.title
    hubs = [event_id for event_id, found in neighbours.items()
            if len({other for _r, _f, other, _n in found}) == survey.count - 1]
    if survey.count > 1 and len(hubs) == 1:
        return survey.named[hubs[0]].title
    return name or _NO_TITLE


def _lead(survey: _Survey, bodies: dict[str, Body], selection: str, dataset: str | None, today: date) -> str:
    if not survey.count or survey.first is None or survey.last is None:
        text = "This brief holds no events"
        return text + (f": {md(selection)}." if selection else ".")
    span = format_events_span(survey.first, survey.last) if survey.count > 1 else format_event_dates(survey.first)
    sentences = [f"This brief covers {count_text(survey.count, 'event')}, {md(span)}."]
    if selection:
        sentences.append(f"Selection: {md(selection)}.")
    top = survey.bodies.most_common(3)
    if top:
        names = [_body_name(body_id, bodies, survey.body_names) for body_id, _count in top]
        if top[0][1] > 1 and survey.count > 1:
            parts = [f"{name}, in {count_text(count, 'event')}"
                     for name, (_id, count) in zip(names, top, strict=True) if count > 1]
            sentences.append("Most involved: " + "; ".join(parts) + ".")
        else:
            sentences.append("Bodies: " + and_list(names) + ".")
    prepared = f"Prepared {today.day} {MONTH_NAMES[today.month - 1]} {today.year}"
    sentences.append(prepared + (f" from the dataset “{md(dataset)}”." if dataset else "."))
    return " ".join(sentences)


def _body_name(body_id: str, bodies: dict[str, Body], names: dict[str, str]) -> str:
    body = bodies.get(body_id)
    if body is None:
        return md(names.get(body_id) or body_id)
    return md(body.name + (f" ({body.acronym})" if body.acronym and body.acronym != body.name else ""))


def _grouped(found: Iterable[tuple[Relation, bool, str, int]], named: dict[str, _Named], *, whole_first: bool = False):
    """(relation, forward, the other events in time order), in the order they are told; under an
    event (``whole_first``) what it is part of comes first."""
    groups: dict[tuple[Relation, bool], list[str]] = defaultdict(list)
    for relation, forward, other, _number in found:
        if other not in groups[(relation, forward)]:
            groups[(relation, forward)].append(other)
    def rank(item: tuple[tuple[Relation, bool], list[str]]) -> int:
        relation, forward = item[0]
        return -1 if whole_first and relation is Relation.PART_OF and forward else relation_rank(relation, forward)

    for (relation, forward), others in sorted(groups.items(), key=rank):
        yield relation, forward, sorted(others, key=lambda other: (named[other].earliest, named[other].latest))


def _chains(named: dict[str, _Named], neighbours: dict[str, list], total: int, now: int) -> list[str]:
    """Paragraphs (and lists) telling, event by event, how the events connect; each link told once."""
    told: set[int] = set()
    blocks: list[str] = []
    # The most connected first; of two as connected, the one whose links lead on from it.
    order = sorted(neighbours, key=lambda event_id: (
        -len(neighbours[event_id]), -sum(forward for _r, forward, _o, _n in neighbours[event_id]),
        named[event_id].earliest, event_id))
    chains = 0
    for event_id in order:
        untold = [item for item in neighbours[event_id] if item[3] not in told]
        if not untold:
            continue
        if chains == MAX_CHAINS:
            break
        chains += 1
        told.update(item[3] for item in untold)
        hub = named[event_id]
        past = hub.latest <= now
        sentences: list[str] = []
        lists: list[tuple[str, list[str]]] = []
        groups = list(_grouped(untold, named))
        after = [g for g in groups if g[0] is Relation.PRECEDES and not g[1] and len(g[2]) <= INLINE_AT_MOST]
        before = [g for g in groups if g[0] is Relation.PRECEDES and g[1] and len(g[2]) <= INLINE_AT_MOST]
        mentioned = False
        for relation, forward, others in groups:
            in_sequence = after and before and relation is Relation.PRECEDES and len(others) <= INLINE_AT_MOST
            if in_sequence and forward:
                continue  # told with what it came after: "came after A and before B"
            subject, mentioned = ("It" if mentioned else hub.text), True
            if in_sequence:
                verb = "came" if past else "comes"
                sentences.append(f"{subject} {verb} after {and_list([named[o].text for o in after[0][2]])} "
                                 f"and before {and_list([named[o].text for o in before[0][2]])}.")
                continue
            phrase = relation_phrase(relation, forward, past)
            if len(others) <= INLINE_AT_MOST:
                sentences.append(f"{subject} {phrase} {and_list([named[o].text for o in others])}.")
            else:
                lists.append((f"{subject} {phrase} {count_words(len(others), 'event')}:", others))
        text = " ".join(sentences)
        if not lists:
            blocks.append(text)
            continue
        for number, (lead, others) in enumerate(lists):
            lead_text = f"{text} {lead}" if number == 0 and text else lead
            items = [f"- {named[o].text}" for o in others[:MAX_NAMED]]
            if len(others) > MAX_NAMED:
                items.append(f"- and {len(others) - MAX_NAMED:,} more, in the chronology below")
            blocks.append(lead_text)
            blocks.append("\n".join(items))
    rest = total - len(told)
    if rest:
        blocks.append(f"The chronology below gives {count_words(rest, 'more connection')} among these events.")
    return blocks


def _event_block(
    event: Event, bodies: dict[str, Body], survey: _Survey, neighbours: dict[str, list],
    numbers: dict[object, int], references: list[str],
) -> list[str]:
    block = [f"### {md(event.title)}"]
    status = event.status.value if event.status else ""
    kind = kind_text(event.kind)
    what = f"{kind}, {status}" if kind and status else (kind or status.capitalize())
    block.append(" · ".join(md(part) for part in (format_event_dates(event), event.location, what) if part))
    if event.bodies:
        block.append("Bodies: " + "; ".join(
            f"{_body_name(p.body_id, bodies, survey.body_names)} as {md(p.role)}" if p.role
            else _body_name(p.body_id, bodies, survey.body_names)
            for p in event.bodies) + ".")
    block += [md_block(text) for text in (event.summary, event.description) if text]
    relations = []
    for relation, forward, others in _grouped(neighbours.get(event.id, ()), survey.named, whole_first=True):
        label = relation_label(relation, forward)
        texts = [survey.named[o].text for o in others[:MAX_RELATED]]
        if len(others) > MAX_RELATED:
            texts.append(f"and {len(others) - MAX_RELATED:,} more")
        if len(texts) <= INLINE_AT_MOST:
            relations.append(f"- {label}: " + "; ".join(texts))
        else:
            relations.append(f"- {label} ({len(others):,}):\n" + "\n".join(f"    - {t}" for t in texts))
    if relations:
        block.append("\n".join(relations))
    cited = list(dict.fromkeys(_source_number(source, numbers, references) for source in event.sources))
    if cited:
        block.append("Sources: " + ", ".join(f"[{n}]" for n in cited))
    return block


def _source_number(source: Source, numbers: dict[object, int], references: list[str]) -> int:
    url = (source.url or "").strip()
    key: object = url or ("", source.publisher, source.title, source.published)
    if key in numbers:
        return numbers[key]
    number = numbers[key] = len(numbers) + 1
    parts = [md(source.publisher)] if source.publisher and source.publisher.strip() else []
    if source.title and source.title.strip():
        parts.append(f"“{md(source.title)}”")
    if source.published:
        parts.append(md(published_text(source.published)))
    text = ", ".join(parts)
    if url and is_web_link(url):
        text = (text + ". " if text else "") + f"<{link_destination(url)}>"
    elif url:
        text = (text + ". " if text else "") + f"{md(url)} (not a web address)"
    references.append(f"{number}. {text or 'Unnamed source'}")
    return number

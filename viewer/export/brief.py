"""What a brief says, as blocks of plain text: one brief, written as Markdown, Word or PDF.

A brief is a title, a lead saying what the selection covers, the selection's picture (where
the format can hold one), "How they connect" telling the chains in words, the chronology and
the numbered sources. :func:`brief_blocks` yields it block by block; each writer renders the
blocks in its own format and escapes :class:`Data` its own way. Plain ``str`` parts are the
brief's own words and hold no markup character of any format.

Memory: the events are read twice (``events`` is a function giving them anew), once to survey
them and once to write the chronology, an event at a time; what is kept is one line per event
that a link names, the counts of bodies and the sources' references, so a Markdown brief of a
million events streams. "How they connect" tells at most :data:`MAX_CHAINS` chains of at most
:data:`MAX_NAMED` events each, and says how many more there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from viewer.export.brief_text import (
    count_words,
    kind_text,
    published_text,
    relation_label,
    relation_phrase,
    relation_rank,
)
from viewer.formatting import count_text, format_event_dates, format_events_span, is_web_link
from viewer.progress import Progress
from viewer.store.dates import MONTH_NAMES
from viewer.store.grading import ADMIRALTY, Confidence, GradingScheme, grade_text
from viewer.store.model import Document, Event, Link, Relation, Source
from viewer.store.workspace import Annotation

MAX_CHAINS = 12  # events whose connections "How they connect" tells
MAX_NAMED = 12  # events one sentence or list there names before "and N more"
MAX_BODIES = 100  # bodies an event's line of bodies names before "and N more"
MAX_RELATED = 50  # events one line of relations under an event names before "and N more"
PROGRESS_EVERY = 100  # events of the chronology between two reports of progress
INLINE_AT_MOST = 3  # more than this many events: a list rather than a sentence
LINK_COLOUR = "#1F4E99"  # a source's address, in the Word and PDF briefs
MUTED_COLOUR = "#555F6D"  # an event's date line
PICTURE_HEIGHT_SHARE = 0.7  # of a page's text height: what the picture may take, to fit under the title and lead
NO_TITLE = "Defence Timeline brief"
ONE_WITH_LINKED = ("1 chosen event, with the events linked to them",)


# ---------------------------------------------------------------------------- the blocks


@dataclass(frozen=True)
class Data:
    """Text from the data: shown as exactly this text, on one line, in every format."""

    text: str


@dataclass(frozen=True)
class WebLink:
    """A source's address, checked to be an http(s) link: the one kind of link a brief holds."""

    url: str


@dataclass(frozen=True)
class Cite:
    """A reference to the numbered source ``number``: "[3]"."""

    number: int


Part = str | Data | WebLink | Cite
Inline = tuple[Part, ...]


@dataclass(frozen=True)
class Heading:
    """A heading: 1 the title, 2 a section, 3 an event."""

    level: int
    text: Inline


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; more than one line: the data's own line breaks, kept (an empty line stays)."""

    lines: tuple[Inline, ...]
    role: str = "body"  # "lead", "dates" (an event's date line), "body"


@dataclass(frozen=True)
class Item:
    """A list item, with the items of a list under it."""

    text: Inline
    children: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Reference:
    """A numbered source at the end."""

    number: int
    text: Inline


@dataclass(frozen=True)
class References:
    """The numbered sources, in the order they are first cited."""

    entries: tuple[Reference, ...]


@dataclass(frozen=True)
class Picture:
    """Where the selection's picture goes, in the formats that hold one."""


Block = Heading | Paragraph | Bullets | References | Picture


def plain(parts: Inline) -> str:
    """An inline as plain text: what a reader sees."""
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, Data):
            texts.append(" ".join(part.text.split()))
        elif isinstance(part, WebLink):
            texts.append(part.url)
        else:
            texts.append(f"[{part.number}]")
    return "".join(texts)


def _joined(items: Sequence[Inline], separator: str, last: str | None = None) -> Inline:
    """Inlines joined by ``separator`` ("A; B; C"), the last two by ``last`` when given ("A, B and C")."""
    parts: list[Part] = []
    for number, item in enumerate(items):
        if number:
            parts.append(last if last is not None and number == len(items) - 1 else separator)
        parts.extend(item)
    return tuple(parts)


def _and_list(items: Sequence[Inline]) -> Inline:
    return _joined(items, ", ", " and ")


# ---------------------------------------------------------------------------- the survey


@dataclass
class _Named:
    """What a brief says of an event a link names: its title and dates, when it happened."""

    title: str
    dates: str
    earliest: int
    latest: int

    @property
    def text(self) -> Inline:
        return (Data(self.title), " (", Data(self.dates), ")")


@dataclass
class Survey:
    """The first reading of the events: what the title, the lead and "How they connect" need."""

    count: int = 0
    first: Event | None = None
    last: Event | None = None
    only: Event | None = None
    bodies: Counter[str] = field(default_factory=Counter)
    body_names: dict[str, str] = field(default_factory=dict)
    named: dict[str, _Named] = field(default_factory=dict)


def _survey(events: Iterable[Event], linked: set[str]) -> Survey:
    survey = Survey()
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


# ---------------------------------------------------------------------------- the brief


class Brief:
    """One brief of some events: its title (known after the survey) and its blocks, in order.

    ``head`` gives the dataset's name and the bodies, ``events()`` the events in time order (it
    is called twice: here, and when :meth:`blocks` reaches the chronology), ``links`` the links
    among them.
    """

    def __init__(
        self,
        head: Document,
        events: Callable[[], Iterable[Event]],
        links: Sequence[Link],
        *,
        selection: str = "",
        today: date | None = None,
        title: str | None = None,
        grading: GradingScheme = ADMIRALTY,
        annotations: Mapping[str, Annotation] | None = None,
    ) -> None:
        self._events = events
        self._grading = grading
        self._annotations = annotations or {}
        self._today = today or date.today()
        self._now = int(datetime(self._today.year, self._today.month, self._today.day, tzinfo=UTC).timestamp())
        self._bodies = {body.id: body for body in head.bodies}
        self.survey = _survey(events(), {end for link in links for end in (link.source, link.target)})
        named = self.survey.named
        self._links = [link for link in links
                       if link.source in named and link.target in named and link.source != link.target]
        self._neighbours: dict[str, list[tuple[Relation, bool, str, int]]] = defaultdict(list)
        for number, link in enumerate(self._links):
            self._neighbours[link.source].append((link.relation, True, link.target, number))
            self._neighbours[link.target].append((link.relation, False, link.source, number))
        self._unsure = {number: link.confidence for number, link in enumerate(self._links)
                        if link.confidence not in (None, Confidence.CONFIRMED)}
        self.title = title or _title(self.survey, self._neighbours, head.name)
        if selection in ONE_WITH_LINKED and self.title not in (head.name, NO_TITLE):
            selection = f"{self.title}, with the events linked to it"  # formats.py's words for one event and its links
        self._selection = selection
        self._dataset = head.name if head.name != self.title else None

    @property
    def count(self) -> int:
        """How many events the brief holds."""
        return self.survey.count

    def blocks(self, progress: Progress | None = None) -> Iterator[Block]:
        """The brief's blocks, in order; the chronology's read from the events as it goes
        (``progress`` told every :data:`PROGRESS_EVERY` events; raising from it stops the brief)."""
        yield Heading(1, (Data(self.title),))
        yield Paragraph((self._lead(),), role="lead")
        if self.survey.count:
            yield Picture()
        if self._links:
            yield Heading(2, ("How they connect",))
            yield from self._chains()
        numbers: dict[object, int] = {}
        references: list[_Cited] = []
        if self.survey.count:
            yield Heading(2, ("Chronology",))
            for done, event in enumerate(self._events(), 1):
                yield from self._event_blocks(event, numbers, references)
                if progress and done % PROGRESS_EVERY == 0:
                    progress("Writing", done, self.survey.count)
        if references:
            yield Heading(2, ("Sources",))
            if any(cited.reliability for cited in references):
                yield Paragraph((("Grades follow the ", Data(self._grading.name), ": in a grade such as A1 the "
                                  "first part is the source's reliability, the second the credibility of what it "
                                  "reports.",),))
            yield References(tuple(cited.reference() for cited in references))

    # ------------------------------------------------------------------------ the lead

    def _lead(self) -> Inline:
        survey = self.survey
        if not survey.count or survey.first is None or survey.last is None:
            return ("This brief holds no events", *((": ", Data(self._selection), ".") if self._selection else (".",)))
        span = (format_events_span(survey.first, survey.last) if survey.count > 1
                else format_event_dates(survey.first))
        parts: list[Part] = [f"This brief covers {count_text(survey.count, 'event')}, ", Data(span), "."]
        if self._selection:
            parts += [" Selection: ", Data(self._selection), "."]
        top = survey.bodies.most_common(3)
        if top:
            names = [self._body_name(body_id) for body_id, _count in top]
            if top[0][1] > 1 and survey.count > 1:
                involved = [(name, f", in {count_text(count, 'event')}")
                            for name, (_id, count) in zip(names, top, strict=True) if count > 1]
                parts += [" Most involved: ", *_joined(involved, "; "), "."]
            else:
                parts += [" Bodies: ", *_and_list([(name,) for name in names]), "."]
        today = self._today
        parts.append(f" Prepared {today.day} {MONTH_NAMES[today.month - 1]} {today.year}")
        parts += [" from the dataset “", Data(self._dataset), "”."] if self._dataset else ["."]
        return tuple(parts)

    def _body_name(self, body_id: str) -> Data:
        body = self._bodies.get(body_id)
        if body is None:
            return Data(self.survey.body_names.get(body_id) or body_id)
        return Data(body.name + (f" ({body.acronym})" if body.acronym and body.acronym != body.name else ""))

    # ------------------------------------------------------------------------ how they connect

    def _chains(self) -> Iterator[Paragraph | Bullets]:
        """Paragraphs (and lists) telling, event by event, how the events connect; each link told once."""
        named, neighbours = self.survey.named, self._neighbours
        told: set[int] = set()
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
            yield from self._chain(named[event_id], list(_grouped(untold, named)))
        rest = len(self._links) - len(told)
        if rest:
            yield Paragraph(((f"The chronology below gives {count_words(rest, 'more connection')} "
                              "among these events."),))

    def _chain(self, hub: _Named, groups: list[tuple[Relation, bool, list[str]]]) -> Iterator[Paragraph | Bullets]:
        named = self.survey.named
        past = hub.latest <= self._now
        sentences: list[Inline] = []
        lists: list[tuple[Inline, list[str]]] = []
        after = [g for g in groups if g[0] is Relation.PRECEDES and not g[1] and len(g[2]) <= INLINE_AT_MOST]
        before = [g for g in groups if g[0] is Relation.PRECEDES and g[1] and len(g[2]) <= INLINE_AT_MOST]
        mentioned = False
        for relation, forward, others in groups:
            in_sequence = after and before and relation is Relation.PRECEDES and len(others) <= INLINE_AT_MOST
            if in_sequence and forward:
                continue  # told with what it came after: "came after A and before B"
            subject: Inline = ("It",) if mentioned else hub.text
            mentioned = True
            if in_sequence:
                verb = "came" if past else "comes"
                sentences.append((*subject, f" {verb} after ", *_and_list([named[o].text for o in after[0][2]]),
                                  " and before ", *_and_list([named[o].text for o in before[0][2]]), "."))
                continue
            phrase = relation_phrase(relation, forward, past)
            if len(others) <= INLINE_AT_MOST:
                sentences.append((*subject, f" {phrase} ", *_and_list([named[o].text for o in others]), "."))
            else:
                lists.append(((*subject, f" {phrase} {count_words(len(others), 'event')}:"), others))
        text = _joined(sentences, " ")
        if not lists:
            yield Paragraph((text,))
            return
        for number, (lead, others) in enumerate(lists):
            items = [Item(named[o].text) for o in others[:MAX_NAMED]]
            if len(others) > MAX_NAMED:
                items.append(Item((f"and {len(others) - MAX_NAMED:,} more, in the chronology below",)))
            yield Paragraph(((*text, " ", *lead) if number == 0 and text else lead,))
            yield Bullets(tuple(items))

    # ------------------------------------------------------------------------ the chronology

    def _event_blocks(self, event: Event, numbers: dict[object, int], references: list[_Cited]) -> Iterator[Block]:
        annotation = self._annotations.get(event.id)
        yield Heading(3, ((Data(event.title), " ★") if annotation and annotation.starred else (Data(event.title),)))
        status = event.status.value if event.status else ""
        kind = kind_text(event.kind)
        what = f"{kind}, {status}" if kind and status else (kind or status.capitalize())
        dated = [(Data(part),) for part in (format_event_dates(event), event.location, what) if part]
        yield Paragraph((_joined(dated, " · "),), role="dates")
        if event.bodies:
            listed: list[Inline] = [
                (self._body_name(p.body_id), " as ", Data(p.role)) if p.role else (self._body_name(p.body_id),)
                for p in event.bodies[:MAX_BODIES]]
            if len(event.bodies) > MAX_BODIES:
                listed.append((f"and {len(event.bodies) - MAX_BODIES:,} more",))
            yield Paragraph((("Bodies: ", *_joined(listed, "; "), "."),))
        for text in (event.summary, event.description):
            if text and text.strip():
                yield Paragraph(tuple((Data(line),) for line in text.strip("\r\n").splitlines() or [text]))
        if annotation and annotation.note and annotation.note.strip():
            lines = annotation.note.strip("\r\n").splitlines()
            yield Paragraph((("Analyst's note: ", Data(lines[0])), *((Data(line),) for line in lines[1:])))
        if annotation and annotation.tags:
            yield Paragraph((("Analyst's tags: ", *_joined([(Data(tag),) for tag in annotation.tags], ", "), "."),))
        relations = []
        named = self.survey.named
        unsure = self._unsure_links(event.id)
        for relation, forward, others in _grouped(self._neighbours.get(event.id, ()), named, whole_first=True):
            label = relation_label(relation, forward)
            texts = [(*named[o].text, *((f", {unsure[o, relation].value} link",) if (o, relation) in unsure else ()))
                     for o in others[:MAX_RELATED]]
            if len(others) > MAX_RELATED:
                texts.append((f"and {len(others) - MAX_RELATED:,} more",))
            if len(texts) <= INLINE_AT_MOST:
                relations.append(Item((f"{label}: ", *_joined(texts, "; "))))
            else:
                relations.append(Item((f"{label} ({len(others):,}):",), tuple(texts)))
        if relations:
            yield Bullets(tuple(relations))
        cited = list(dict.fromkeys(_source_number(source, numbers, references) for source in event.sources))
        for number in cited:
            references[number - 1].credibility.add(event.credibility)
        graded = self._credibility_words(event.credibility)
        if cited:
            yield Paragraph((("Sources: ", *_joined([(Cite(n),) for n in cited], ", "), *((". ", *graded) if graded
                                                                                          else ())),))
        elif graded:
            yield Paragraph((graded,))

    def _credibility_words(self, code: str | None) -> Inline:
        """"Credibility 2 (probably true)." for an event's grade, () without one."""
        if code is None:
            return ()
        return ("Credibility ", Data(code), " (", Data(self._grading.label("credibility", code).lower()), ").")

    def _unsure_links(self, event_id: str) -> dict[tuple[str, Relation], Confidence]:
        """The event's links that are not confirmed, by (the other event, relation)."""
        found = {}
        for relation, _forward, other, number in self._neighbours.get(event_id, ()):
            if number in self._unsure:
                found[other, relation] = self._unsure[number]
        return found


def _title(survey: Survey, neighbours: dict[str, list], name: str | None) -> str:
    """The one event chosen (alone, or with every other event linked to it), else the dataset's name."""
    if survey.only is not None:
        return survey.only.title
    hubs = [event_id for event_id, found in neighbours.items()
            if len({other for _r, _f, other, _n in found}) == survey.count - 1]
    if survey.count > 1 and len(hubs) == 1:
        return survey.named[hubs[0]].title
    return name or NO_TITLE


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


@dataclass
class _Cited:
    """A numbered source as the chronology cites it: its text, its reliability, and the credibility
    of each event that cites it (its grade is shown as "A1" when they agree, else as "A")."""

    number: int
    named: Inline  # publisher, title, date
    address: Inline  # the URL, after them
    reliability: str | None
    credibility: set[str | None] = field(default_factory=set)

    def reference(self) -> Reference:
        """ "NATO, “Title”, 15 June 2023 — A1. https://…" """
        grade: Inline = ()
        if self.reliability is not None:
            credibility = next(iter(self.credibility)) if len(self.credibility) == 1 else None
            grade = (" — ", Data(grade_text(self.reliability, credibility)))
        if not self.named:  # an address alone: the grade after it
            return Reference(self.number, (*self.address, *grade) if self.address else ("Unnamed source", *grade))
        text = (*self.named, *grade, *((". ",) if self.address else ()), *self.address)
        return Reference(self.number, text)


def _source_number(source: Source, numbers: dict[object, int], references: list[_Cited]) -> int:
    url = (source.url or "").strip()
    key: object = (url or ("", source.publisher, source.title, source.published), source.reliability)
    if key in numbers:
        return numbers[key]
    number = numbers[key] = len(numbers) + 1
    parts: list[Inline] = [(Data(source.publisher),)] if source.publisher and source.publisher.strip() else []
    if source.title and source.title.strip():
        parts.append(("“", Data(source.title), "”"))
    if source.published:
        parts.append((Data(published_text(source.published)),))
    address: Inline = ()
    if url:
        address = (WebLink(url),) if is_web_link(url) else (Data(url), " (not a web address)")
    references.append(_Cited(number, tuple(_joined(parts, ", ")), address, source.reliability))
    return number

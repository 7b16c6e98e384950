"""The events as a table for people: names instead of slugs, dates as known, one column per relation.

One definition of the columns, for the spreadsheet exports: what a person reads first (dates as
known, title, kind and body names, place), then what a program reads (id, start, end,
precision, zone), then one column per relation present, naming the linked events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from viewer.formatting import format_event_dates
from viewer.store.grading import ADMIRALTY, Confidence, GradingScheme
from viewer.store.model import Body, Event, Link, Relation
from viewer.store.workspace import Annotation
from viewer.timeline.lanes import kind_title

# The column titles; the relation columns follow, in the order of Relation. Sources carry their
# reliability ("NATO, Press release (A)"); the analyst's star, note and tags come from the workspace.
COLUMNS: tuple[str, ...] = (
    "Dates", "Title", "Kind", "Status", "Bodies", "Location", "Summary", "Tags", "Sources", "Credibility",
    "Starred", "Note", "Analyst's tags",
    "ID", "Start", "End", "Precision", "Time zone",
)
LIST_SEPARATOR = "; "


def relation_columns(links: Iterable[Link]) -> list[tuple[Relation, bool]]:
    """The relation columns the links call for, as (relation, outgoing), in a fixed order:
    "Prepares" then "Prepared by", relation after relation."""
    present = {link.relation for link in links}
    return [(relation, outgoing) for relation in Relation if relation in present
            for outgoing in ((True,) if _symmetric(relation) else (True, False))]


def _symmetric(relation: Relation) -> bool:
    """A relation read the same both ways ("Related to"): one column for both directions."""
    return relation.forward_label == relation.backward_label


def relation_title(relation: Relation, outgoing: bool) -> str:
    """A relation column's title: "Prepares", "Prepared by"."""
    return relation.forward_label if outgoing else relation.backward_label


@dataclass(frozen=True)
class Linked:
    """The links of the exported events, by event: for each, (relation, outgoing) -> linked event ids."""

    by_event: Mapping[str, Mapping[tuple[Relation, bool], list[str]]]
    columns: list[tuple[Relation, bool]]
    unsure: Mapping[tuple[str, str, Relation], Confidence] = dataclass_field(default_factory=dict)
    # (one end, the other, relation) -> the confidence of a link that is not confirmed, both ways


def linked(links: Iterable[Link]) -> Linked:
    """Index ``links`` by the event they start and end at."""
    links = list(links)
    by_event: dict[str, dict[tuple[Relation, bool], list[str]]] = defaultdict(lambda: defaultdict(list))
    unsure: dict[tuple[str, str, Relation], Confidence] = {}
    for link in links:
        by_event[link.source][(link.relation, True)].append(link.target)
        by_event[link.target][(link.relation, _symmetric(link.relation))].append(link.source)
        if link.confidence not in (None, Confidence.CONFIRMED):
            unsure[link.source, link.target, link.relation] = unsure[link.target, link.source, link.relation] = \
                link.confidence
    return Linked(by_event, relation_columns(links), unsure)


def body_names(event: Event, bodies: Mapping[str, Body]) -> str:
    """ "North Atlantic Council (host); Sweden" — each body by name, its role when not the default."""
    names = []
    for participation in event.bodies:
        body = bodies.get(participation.body_id)
        name = body.name if body else participation.body_id
        names.append(name if participation.role == "participant" else f"{name} ({participation.role})")
    return LIST_SEPARATOR.join(names)


def source_names(event: Event) -> str:
    """Each source as a reader cites it: publisher and title, else its URL; its reliability after it ("(A)")."""
    names = []
    for source in event.sources:
        named = ", ".join(part for part in (source.publisher, source.title) if part) or source.url or ""
        if named and source.reliability:
            named += f" ({source.reliability})"
        names.append(named)
    return LIST_SEPARATOR.join(name for name in names if name)


def credibility_text(code: str | None, grading: GradingScheme = ADMIRALTY) -> str:
    """ "2 — Probably true", or "" without a grade."""
    return f"{code} — {grading.label('credibility', code)}" if code else ""


def people_cells(event: Event, bodies: Mapping[str, Body], grading: GradingScheme = ADMIRALTY,
                 annotation: Annotation | None = None) -> list[str]:
    """The cells of :data:`COLUMNS` for ``event`` (text; the spreadsheet writer types the dates)."""
    annotation = annotation or Annotation()
    return [
        format_event_dates(event), event.title, kind_title(event.kind) if event.kind else "",
        event.status.value.capitalize() if event.status else "", body_names(event, bodies), event.location or "",
        event.summary or "", LIST_SEPARATOR.join(event.tags), source_names(event),
        credibility_text(event.credibility, grading), "Yes" if annotation.starred else "", annotation.note or "",
        LIST_SEPARATOR.join(annotation.tags),
        event.id, event.start.iso(), event.end.iso() if event.end else "", event.precision.value,
        event.timezone or "",
    ]


def relation_cells(event: Event, links: Linked, titles: Mapping[str, str]) -> list[str]:
    """One cell per relation column: the titles of the events linked that way (a link that is not
    confirmed says so: "Vilnius Summit (probable)")."""
    own = links.by_event.get(event.id, {})

    def named(other: str, relation: Relation) -> str:
        unsure = links.unsure.get((event.id, other, relation))
        title = titles.get(other, other)
        return f"{title} ({unsure.value})" if unsure else title

    return [LIST_SEPARATOR.join(named(other, column[0]) for other in own.get(column, ())) for column in links.columns]


@dataclass(frozen=True)
class PeopleTable:
    """What the tables for people need besides the events: the bodies, the links among the chosen
    events, the titles of the events they link to, the grading scheme and the analyst's annotations."""

    bodies: Mapping[str, Body]
    links: Linked
    titles: Mapping[str, str]
    grading: GradingScheme = ADMIRALTY
    annotations: Mapping[str, Annotation] = dataclass_field(default_factory=dict)

    def header(self) -> list[str]:
        """The column titles: :data:`COLUMNS`, then one per relation present."""
        return [*COLUMNS, *(relation_title(*column) for column in self.links.columns)]

    def cells(self, event: Event) -> list[str]:
        """One row's cells, in the order of :meth:`header`."""
        return (people_cells(event, self.bodies, self.grading, self.annotations.get(event.id))
                + relation_cells(event, self.links, self.titles))

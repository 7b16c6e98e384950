"""Plain records of the domain (events, bodies, links) and the controlled vocabularies."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from viewer.store.dates import PartialDate, Precision
from viewer.store.grading import Confidence, GradingScheme


class Status(StrEnum):
    """Where an event stands."""

    ANNOUNCED = "announced"
    SCHEDULED = "scheduled"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class Relation(StrEnum):
    """How one event relates to another; read as "<from> <relation> <to>"."""

    ANNOUNCES = "announces"
    PART_OF = "part_of"
    PRECEDES = "precedes"
    PREPARES = "prepares"
    FOLLOWS_UP = "follows_up"
    IMPLEMENTS = "implements"
    REPLACES = "replaces"
    RELATED = "related"

    @property
    def forward_label(self) -> str:
        """Label seen from the link's source: "Prepares"."""
        return _RELATION_LABELS[self][0]

    @property
    def backward_label(self) -> str:
        """Label seen from the link's target: "Prepared by"."""
        return _RELATION_LABELS[self][1]


_RELATION_LABELS: dict[Relation, tuple[str, str]] = {
    Relation.ANNOUNCES: ("Announces", "Announced by"),
    Relation.PART_OF: ("Part of", "Includes"),
    Relation.PRECEDES: ("Precedes", "Preceded by"),
    Relation.PREPARES: ("Prepares", "Prepared by"),
    Relation.FOLLOWS_UP: ("Follows up", "Followed up by"),
    Relation.IMPLEMENTS: ("Implements", "Implemented by"),
    Relation.REPLACES: ("Replaces", "Replaced by"),
    Relation.RELATED: ("Related to", "Related to"),
}

# Suggested, not enforced: roles and body kinds are open vocabularies.
COMMON_ROLES = ("host", "chair", "lead", "organiser", "participant", "invitee", "subject", "observer")
DEFAULT_ROLE = "participant"
COMMON_BODY_KINDS = (
    "alliance",
    "organisation",
    "council",
    "committee",
    "commission",
    "command",
    "agency",
    "centre",
    "cell",
    "office",
    "advisory group",
    "coalition",
    "state",
    "union",
)


@dataclass(frozen=True, slots=True)
class Participation:
    """A body taking part in an event, in a role.

    ``name`` is set when the body was given by name alone (an ACLED actor, a spreadsheet's cell):
    the import creates a body of that name under ``body_id`` when the database has none.
    """

    body_id: str
    role: str = DEFAULT_ROLE
    name: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: a URL, or a publisher or title alone (an outlet ACLED names)."""

    url: str | None
    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # normalised partial date text
    reliability: str | None = None  # the source's grade in the document's scheme ("A")


@dataclass(frozen=True, slots=True)
class EarlierDates:
    """Dates an event had until an import changed them ("announced for 14 June, held 15 June").

    ``start`` and ``end`` are normalised date texts at ``precision``; ``replaced`` is when the
    import that changed them ran (UTC), ``file`` the name of the file they had come from.
    """

    start: str
    end: str | None
    precision: str
    timezone: str | None
    within: bool
    replaced: str | None = None
    file: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened (or is to happen), dated to a known precision.

    ``start``/``end`` are inclusive at ``precision``. When ``within`` is true the event took
    place at some unknown moment inside start..end rather than lasting from start to end.
    """

    id: str
    title: str
    start: PartialDate
    end: PartialDate | None = None
    timezone: str | None = None
    within: bool = False
    kind: str | None = None
    status: Status | None = None
    location: str | None = None
    summary: str | None = None
    description: str | None = None
    credibility: str | None = None  # the information's grade in the document's scheme ("2")
    bodies: tuple[Participation, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    latitude: float | None = None  # where it happened (WGS 84 degrees), both or neither
    longitude: float | None = None
    fields: tuple[tuple[str, str], ...] = ()  # the source's other columns, name and text, in order
    history: tuple[EarlierDates, ...] = ()  # the dates it had before, oldest first

    @property
    def precision(self) -> Precision:
        """The precision of both start and end."""
        return self.start.precision

    @property
    def earliest(self) -> int:
        """First instant (seconds since the epoch) the event may cover."""
        return self.start.first_instant(self.timezone)

    @property
    def latest(self) -> int:
        """Instant just after the last moment the event may cover (exclusive)."""
        return (self.end or self.start).end_instant(self.timezone)


@dataclass(frozen=True, slots=True)
class Body:
    """An organisation, command, agency, committee, office, state or coalition."""

    id: str
    name: str
    acronym: str | None = None
    kind: str | None = None
    parent: str | None = None
    location: str | None = None
    founded: str | None = None  # normalised partial date text
    dissolved: str | None = None
    replaced_by: str | None = None
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A typed, directed relation between two events: ``source`` <relation> ``target``."""

    source: str
    target: str
    relation: Relation
    note: str | None = None
    confidence: Confidence | None = None  # None: as sure as its sources (drawn as confirmed)

    @property
    def sureness(self) -> Confidence:
        """The confidence the link is drawn and filtered with: confirmed unless marked otherwise."""
        return self.confidence or Confidence.CONFIRMED


@dataclass(slots=True)
class Document:
    """A whole interchange document: what an import reads and an export writes."""

    name: str | None = None
    description: str | None = None
    view: tuple[str, str] | None = None  # the range a viewer shows first (normalised dates)
    grading: GradingScheme | None = None  # the scheme its grades follow, when it declares one
    bodies: list[Body] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

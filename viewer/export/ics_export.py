"""iCalendar export (RFC 5545) with the icalendar library.

Conventions, so that a calendar never shows more precision than the data has:
- day precision: all-day events (``VALUE=DATE``) with an exclusive ``DTEND`` (a meeting on
  15–16 June ends 20230617);
- minute precision: timed events in their ``TZID`` (with a ``VTIMEZONE``), UTC for a fixed
  offset, floating when no zone is known; ``DTEND`` is the end time when there is one;
- month or year precision, and "some time within" windows: an all-day event over the whole
  period or window, marked ``TRANSP:TRANSPARENT``, with the real precision stated first in
  ``DESCRIPTION`` ("Date known only to the month: June 2023") and in
  ``X-DEFENCE-TIMELINE-PRECISION``;
- what no calendar property holds (kind, status, summary and description apart, bodies with
  their roles, every source with its reliability, the credibility, a fixed offset) in
  ``X-DEFENCE-TIMELINE-*`` properties, which calendar programs ignore and the import reads back
  (:mod:`viewer.store.ics_import`).

Text from the data is data: every text value goes through :func:`ics_text` (line breaks of any
kind become RFC 5545's escaped ``\\n``, other control characters a space) and is written as a
TEXT value, so ``;``, ``,`` and ``\\`` are escaped and no content line can break. ``URL`` is
written only for a source that passes :func:`viewer.formatting.is_web_link`.
"""

from __future__ import annotations

import calendar
import contextlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from viewer import APP_NAME, __version__
from viewer.formatting import format_event_dates, is_web_link
from viewer.store.dates import PartialDate, Precision
from viewer.store.grading import ADMIRALTY, GradingScheme
from viewer.store.ics_import import UID_DOMAIN, X_PREFIX
from viewer.store.model import Document, Event, Link, Relation, Status
from viewer.timeline.lanes import kind_title

_STATUS = {
    Status.HELD: "CONFIRMED",
    Status.SCHEDULED: "CONFIRMED",
    Status.ANNOUNCED: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}
Progress = Callable[[int, int], None]
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# What RFC 5545 TEXT cannot hold (all controls but HTAB), and what UTF-8 cannot (lone surrogates).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # after line breaks became LF
_NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")


def ics_text(text: str) -> icalendar.vText:
    """Data text as an iCalendar TEXT value: line breaks kept (as ``\\n``), other controls a space."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub(" ", text)
    return icalendar.vText(_NOT_CHARACTERS.sub("\ufffd", text))


def event_uid(event_id: str) -> str:
    """The stable UID of an event: the same event always gets the same UID."""
    return f"{event_id}@{UID_DOMAIN}"


def write_ics(document: Document, stream: IO[bytes], *, now: datetime | None = None,
              progress: Progress | None = None) -> int:
    """Write the document's events as a VCALENDAR; returns the number of events."""
    zones = {(e.precision, e.within, e.timezone) for e in document.events if e.timezone}
    return write_ics_parts(document, document.events, zones, document.links, stream, len(document.events),
                           now=now, progress=progress)


def write_ics_parts(
    head: Document,
    events: Iterable[Event],
    zones: Iterable[tuple[str, bool, str]],
    links: Iterable[Link],
    stream: IO[bytes],
    total: int,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> int:
    """Write a VCALENDAR of ``events`` as they come, without holding them.

    ``head`` gives the name and the bodies, ``zones`` the (precision, within, time zone) of the
    events (a VTIMEZONE is written first for each zone a DTSTART will name), ``links`` those
    among the events. Returns the number of events written.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{APP_NAME}//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if head.name:
        cal.add("x-wr-calname", ics_text(head.name))
    for tzid in sorted({zone for z in zones if (zone := tzid_of(*z)) is not None}):
        with contextlib.suppress(ValueError):  # a zone icalendar cannot describe: as it would leave it
            cal.add_component(icalendar.Timezone.from_tzid(tzid))
    opening, closing = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    stream.write(opening)
    relations = _relations(links)
    names = {body.id: body.name + (f" ({body.acronym})" if body.acronym else "") for body in head.bodies}
    grading = head.grading or ADMIRALTY
    count = 0
    for event in events:
        if progress is not None and count % 1000 == 0:
            progress(count, total)
        stream.write(_component(event, stamp, relations.get(event.id, []), names, grading).to_ical())
        count += 1
    stream.write(b"END:VCALENDAR" + closing)
    return count


def tzid_of(precision: str, within: bool, timezone: str | None) -> str | None:
    """The TZID an event's DTSTART names (None: a date, a UTC time or a floating one)."""
    if precision != Precision.MINUTE or within or not timezone:
        return None
    return timezone if _zone(timezone) is not None else None


def _component(
    event: Event, stamp: datetime, related: list[tuple[str, str]], names: dict[str, str],
    grading: GradingScheme = ADMIRALTY,
) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", ics_text(event_uid(event.id)))
    item.add("dtstamp", stamp)
    item.add("summary", ics_text(event.title))
    exact = _add_dates(item, event)
    if not exact:
        item.add("transp", "TRANSPARENT")
        item.add(X_PREFIX.lower() + "precision", "window" if event.within else event.precision.value)
    if event.location:
        item.add("location", ics_text(event.location))
    item.add("description", ics_text(_description(event, exact, names, grading)))
    web = next((s.url.strip() for s in event.sources if is_web_link(s.url)), None)
    if web:
        item.add("url", web)
    categories = ([kind_title(event.kind)] if event.kind else []) + list(event.tags)
    if categories:
        item.add("categories", [ics_text(category) for category in categories])
    if event.status:
        item.add("status", _STATUS[event.status])
    for other_id, reltype in related:
        item.add("related-to", ics_text(event_uid(other_id)), parameters={"RELTYPE": reltype})
    _add_own_fields(item, event)
    return item


def _add_own_fields(item: icalendar.Event, event: Event) -> None:
    """What a calendar has no property for, so that importing the file gives the events back
    (see :mod:`viewer.store.ics_import`); calendar programs ignore X- properties."""
    own = X_PREFIX.lower()
    if event.timezone:  # a date has none in a calendar, and a fixed offset is written as UTC
        item.add(own + "timezone", event.timezone)
    for name, value in (("kind", event.kind), ("status", event.status), ("summary", event.summary),
                        ("description", event.description), ("credibility", event.credibility)):
        if value:
            item.add(own + name, ics_text(str(value)))
    # Each list as one JSON value: one content line however many bodies (a line costs icalendar
    # far more to fold than its length does).
    if event.bodies:
        bodies = [{"id": p.body_id, "role": p.role} for p in event.bodies]
        item.add(own + "bodies", ics_text(json.dumps(bodies, ensure_ascii=False)))
    if event.sources:
        sources = [
            {name: value for name, value in (("url", s.url), ("title", s.title), ("publisher", s.publisher),
                                             ("published", s.published), ("reliability", s.reliability)) if value}
            for s in event.sources
        ]
        item.add(own + "sources", ics_text(json.dumps(sources, ensure_ascii=False)))


def _add_dates(item: icalendar.Event, event: Event) -> bool:
    """Add DTSTART/DTEND; returns False when the dates are less precise than they look."""
    last = event.end or event.start
    if event.precision is Precision.MINUTE and not event.within:
        item.add("dtstart", _moment(event.start, event.timezone))
        if event.end is not None:
            item.add("dtend", _moment(event.end, event.timezone))
        return True
    first_day = date(event.start.year, event.start.month, event.start.day)
    last_day = _last_day(last)
    item.add("dtstart", first_day)
    if last_day < date.max:
        item.add("dtend", last_day + timedelta(days=1))  # exclusive, as RFC 5545 wants
    else:
        item.add("duration", last_day - first_day + timedelta(days=1))
    return event.precision is Precision.DAY and not event.within


def _last_day(value: PartialDate) -> date:
    if value.precision is Precision.YEAR:
        return date(value.year, 12, 31)
    if value.precision is Precision.MONTH:
        return date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return date(value.year, value.month, value.day)


def _moment(value: PartialDate, timezone: str | None) -> datetime:
    local = datetime(value.year, value.month, value.day, value.hour, value.minute)
    if not timezone:
        return local  # floating: the zone is unknown
    if timezone[:1] in "+-" or timezone == "UTC":
        sign = -1 if timezone.startswith("-") else 1
        hours, minutes = (0, 0) if timezone == "UTC" else (int(timezone[1:3]), int(timezone[4:6]))
        return (local - sign * timedelta(hours=hours, minutes=minutes)).replace(tzinfo=UTC)
    zone = _zone(timezone)
    return local if zone is None else local.replace(tzinfo=zone)


def _zone(timezone: str) -> ZoneInfo | None:
    """The IANA zone ``timezone`` names (None for an offset, UTC, or a name not known here)."""
    if timezone[:1] in "+-" or timezone == "UTC":
        return None
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _description(event: Event, exact: bool, names: dict[str, str], grading: GradingScheme) -> str:
    lines = []
    if not exact:
        if event.within:
            lines.append(f"Date known only as a window: {format_event_dates(event)}.")
        else:
            lines.append(f"Date known only to the {event.precision.value}: {format_event_dates(event)}.")
    lines += [text for text in (event.summary, event.description) if text]
    if event.bodies:
        lines.append("Bodies: " + "; ".join(f"{names.get(p.body_id, p.body_id)}, {p.role}" for p in event.bodies))
    if event.credibility:
        lines.append(f"Credibility: {event.credibility} ({grading.label('credibility', event.credibility).lower()})")
    for source in event.sources:
        named = ", ".join(part for part in (source.publisher, source.title) if part)
        text = ": ".join(part for part in (named, source.url) if part)
        if source.reliability:
            text += f" (reliability {source.reliability}: {grading.label('reliability', source.reliability).lower()})"
        lines.append(f"Source: {text}")
    return "\n\n".join(lines)


def _relations(links: Iterable[Link]) -> dict[str, list[tuple[str, str]]]:
    """RELATED-TO entries per event: PARENT/CHILD for "part of", SIBLING for the rest."""
    found: dict[str, list[tuple[str, str]]] = {}
    for link in links:
        if link.relation is Relation.PART_OF:
            found.setdefault(link.source, []).append((link.target, "PARENT"))
            found.setdefault(link.target, []).append((link.source, "CHILD"))
        else:
            found.setdefault(link.source, []).append((link.target, "SIBLING"))
            found.setdefault(link.target, []).append((link.source, "SIBLING"))
    return found

"""iCalendar import (RFC 5545): each VEVENT, and each occurrence of a recurring one, an event.

Read with the icalendar package (the export's own) and expanded with recurring-ical-events,
then validated as any interchange record (:func:`viewer.store.interchange.event_record`):

- ``UID`` is the event's id, with ``/`` and the occurrence's start for an occurrence of a
  recurring event (``weekly@example.org/2023-06-12T10:00``), so that importing the calendar
  again updates the same events; the export's ``…@defence-timeline`` UIDs give back the ids;
- an all-day event is a day-precision event, its exclusive ``DTEND`` made inclusive (15–16 June
  is ``DTEND:20230617``); a timed one is minute precision in its ``TZID``'s zone, in UTC, at a
  fixed offset for a zone that is not an IANA name, or floating (no zone);
- ``SUMMARY`` is the title, ``LOCATION`` and ``DESCRIPTION`` are kept, ``STATUS:CANCELLED`` is
  the status cancelled and ``TENTATIVE`` announced, ``CATEGORIES`` are tags, ``URL`` a source;
- floating times of a calendar with an ``X-WR-TIMEZONE`` (as Google writes them) are in that zone;
- a calendar this program exported (its ``X-DEFENCE-TIMELINE-*`` properties) gives back the
  precision, windows, kind, status, summary, description, bodies and sources it came from.

A recurring series gives at most :data:`MAX_OCCURRENCES` occurrences (a rule without an end
would never stop), and a calendar at most :data:`MAX_EXPANDED` in all; the file is read whole,
so it may hold at most :data:`MAX_ICS_BYTES`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from viewer import APP_NAME
from viewer.store.dates import InvalidDateError, normalise_timezone, resolve_timezone
from viewer.store.errors import ImportRefusedError
from viewer.store.input_files import SourceText
from viewer.store.model import Document, Status

MAX_ICS_BYTES = 64 * 1024**2  # parsed whole: icalendar holds a calendar in memory
MAX_OCCURRENCES = 1_000  # per recurring series
MAX_EXPANDED = 1_000_000  # occurrences of all the series of one calendar
UID_DOMAIN = "defence-timeline"  # the export's UIDs are "{id}@defence-timeline"
X_PREFIX = "X-DEFENCE-TIMELINE-"  # the export's own properties
_STATUS = {"CANCELLED": Status.CANCELLED.value, "TENTATIVE": Status.ANNOUNCED.value}


def looks_like_ics(head: str) -> bool:
    """True when a text starts as an iCalendar stream does."""
    return head.lstrip("\ufeff \t\r\n")[:15].upper() == "BEGIN:VCALENDAR"


class IcsSource:
    """An .ics file read whole, its events given one at a time (a :class:`RecordSource`)."""

    format = "ics"

    def __init__(self, text: SourceText) -> None:
        self.label = text.label
        self.document = Document()
        self.notices: list[str] = []
        self._text = text
        self._given = 0
        self._total = 0

    def records(self) -> Iterator[Any]:
        from viewer.store.interchange import event_record

        calendars = _parse(self._read(), self.label)
        items = list(_event_items(calendars, self.label, self.notices))
        if not items:
            raise ImportRefusedError(self.label, "the calendar holds no events (no VEVENT)")
        self._total = len(items)
        for where, item in items:
            self._given += 1
            yield event_record(self.label, item, where)

    def progress(self) -> tuple[int, int]:
        """Bytes, as for the other files: the file's share that the events given so far stand for."""
        size = self._text.size
        return (size * self._given // self._total if self._total else 0), size

    def close(self) -> None:
        self._text.close()

    def _read(self) -> str:
        if self._text.size > MAX_ICS_BYTES:
            raise ImportRefusedError(
                self.label, f"is {self._text.size:,} bytes; the largest calendar read is {MAX_ICS_BYTES:,} bytes"
            )
        parts: list[str] = []
        for chunk in self._text.chunks():
            parts.append(chunk)
            if self._text.bytes_read > MAX_ICS_BYTES:  # grew while being read
                raise ImportRefusedError(
                    self.label, f"is larger than the largest calendar read ({MAX_ICS_BYTES:,} bytes)"
                )
        self._text.close()
        return "".join(parts)


def _parse(text: str, label: str) -> list[Any]:
    import icalendar

    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise ImportRefusedError(label, f"malformed iCalendar: {_short(error)}") from None
    if not calendars:
        raise ImportRefusedError(label, "malformed iCalendar: no VCALENDAR")
    import x_wr_timezone

    try:  # a calendar's X-WR-TIMEZONE (Google's) says in which zone its floating times are
        return [x_wr_timezone.to_standard(calendar) for calendar in calendars]
    except Exception as error:  # an X-WR-TIMEZONE the package cannot apply
        raise ImportRefusedError(label, f"its X-WR-TIMEZONE cannot be applied: {_short(error)}") from None


def _event_items(calendars: list[Any], label: str, notices: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, interchange record) for each event and occurrence of ``calendars``."""
    expanded = 0
    for calendar in calendars:
        ours = str(calendar.get("PRODID", "")).startswith(f"-//{APP_NAME}//")  # as the export writes it
        components = list(calendar.walk("VEVENT"))
        uids = [_uid(component, number, label) for number, component in enumerate(components, start=1)]
        series: dict[str, list[Any]] = {}
        for uid, component in zip(uids, components, strict=True):
            if _recurs(component):
                series.setdefault(uid, []).append(component)
        for number, (uid, component) in enumerate(zip(uids, components, strict=True), start=1):
            if uid in series:
                if component is series[uid][0]:
                    for occurrence in _occurrences(calendar, series[uid], uid, label, notices):
                        expanded += 1
                        if expanded > MAX_EXPANDED:
                            raise ImportRefusedError(
                                label, f"its recurring events expand to more than {MAX_EXPANDED:,} occurrences"
                            )
                        # The occurrence's original start names it, even once it was moved.
                        named = occurrence.get("RECURRENCE-ID") or occurrence.get("DTSTART")
                        stamp = _stamp(named.dt) if named is not None else "?"
                        where = f"VEVENT #{number}"
                        yield where, _item(occurrence, f"{_event_id(uid)}/{stamp}", where, label, ours)
                continue
            where = f"VEVENT #{number}"
            yield where, _item(component, _event_id(uid), where, label, ours)


def _recurs(component: Any) -> bool:
    return any(name in component for name in ("RRULE", "RDATE", "RECURRENCE-ID"))


def _occurrences(calendar: Any, components: list[Any], uid: str, label: str, notices: list[str]) -> Iterator[Any]:
    """The occurrences of one series (its rule and its overrides), at most :data:`MAX_OCCURRENCES`.

    The library expands a rule a year at a time, which for a rule every second (or with long
    BYHOUR/BYMINUTE lists) would never end: the occurrences are asked for within a span that
    holds about as many as are wanted, grown until enough are found or the calendar's end.
    """
    import icalendar
    import recurring_ical_events

    alone = icalendar.Calendar()
    for timezone in calendar.walk("VTIMEZONE"):
        alone.add_component(timezone)
    for component in components:
        alone.add_component(component)
    master = next((c for c in components if "RECURRENCE-ID" not in c), components[0])
    first = master.get("DTSTART")
    try:
        query = recurring_ical_events.of(alone)
        if first is None or "RRULE" not in master:  # RDATEs and moved occurrences only: all are in the file
            found = list(itertools.islice(query.all(), MAX_OCCURRENCES + 1))
        else:
            found = _within_growing_span(query, first.dt, _span(master))
    except Exception as error:  # the library's own errors for a rule it cannot follow
        raise ImportRefusedError(label, f"the recurrence of VEVENT {uid!r} cannot be read: {_short(error)}") from None
    if len(found) > MAX_OCCURRENCES:
        notices.append(f"{label}: VEVENT {uid!r} recurs more than {MAX_OCCURRENCES:,} times; "
                       f"its first {MAX_OCCURRENCES:,} occurrences were imported")
        found = found[:MAX_OCCURRENCES]
    return iter(found)


_FREQUENCY_STEP = {
    "SECONDLY": timedelta(seconds=1), "MINUTELY": timedelta(minutes=1), "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1), "MONTHLY": timedelta(days=31),
    "YEARLY": timedelta(days=366),
}
_LAST_MOMENT = datetime(9999, 12, 31)


def _span(master: Any) -> timedelta:
    """About how long the rule takes to give :data:`MAX_OCCURRENCES` occurrences."""
    rule = master.get("RRULE")
    rule = rule[0] if isinstance(rule, list) else rule
    frequency = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    interval = rule.get("INTERVAL") or [1]
    try:
        every = max(1, min(int(interval[0]), 1_000_000))
    except (TypeError, ValueError):
        every = 1
    step = _FREQUENCY_STEP.get(frequency, timedelta(days=1)) * every
    return min(step * (MAX_OCCURRENCES + 1), timedelta(days=3_660_000))


def _within_growing_span(query: Any, start: date, span: timedelta) -> list[Any]:
    """The occurrences from ``start`` on, in spans doubled until more than the most are found."""
    while True:
        end = _plus(start, span)
        found = sorted(query.between(start, end), key=lambda occurrence: _sort_key(occurrence.get("DTSTART").dt))
        if len(found) > MAX_OCCURRENCES or end >= _plus(start, timedelta.max):
            return found
        span *= 2


def _plus(start: date, span: timedelta) -> Any:
    """``start`` + ``span``, at most the last moment a calendar here holds."""
    last = _LAST_MOMENT.date() if not isinstance(start, datetime) else _LAST_MOMENT.replace(tzinfo=start.tzinfo)
    try:
        moment = start + span
    except OverflowError:
        return last
    return min(moment, last)


def _sort_key(moment: date) -> tuple:
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return (aware.astimezone(UTC).replace(tzinfo=None),)
    return (datetime(moment.year, moment.month, moment.day),)


def _uid(component: Any, number: int, label: str) -> str:
    uid = str(component.get("UID", "")).strip()
    if not uid:
        raise ImportRefusedError(label, "a VEVENT has no UID, which is its id", record=f"VEVENT #{number}")
    return uid


def _event_id(uid: str) -> str:
    """The id of the event a UID names: the export's own UIDs give back the exported id."""
    event_id, at, domain = uid.rpartition("@")
    return event_id if at and domain == UID_DOMAIN and event_id else uid
    return uid


def _item(component: Any, event_id: str, where: str, label: str, ours: bool) -> dict[str, Any]:
    """The interchange record of one VEVENT (or occurrence)."""
    for name, problem in getattr(component, "errors", ()):  # what icalendar could not read
        raise ImportRefusedError(label, f"malformed iCalendar: {_short(problem)}", record=where, field=str(name))
    item: dict[str, Any] = {"id": event_id}
    title = _text(component, "SUMMARY")
    if title is not None:
        item["title"] = title
    item.update(_dates(component, where, label))
    location = _text(component, "LOCATION")
    if location is not None:
        item["location"] = location
    categories = _categories(component)
    if ours and _text(component, X_PREFIX + "KIND") is not None:
        item["kind"] = _text(component, X_PREFIX + "KIND")
        categories = categories[1:]  # the export writes the kind's title first
    if categories:
        item["tags"] = categories
    exported_status = _text(component, X_PREFIX + "STATUS") if ours else None
    status = exported_status or _STATUS.get(str(component.get("STATUS", "")).strip().upper())
    if status:
        item["status"] = status
    if ours:
        for name in ("summary", "description", "credibility"):
            if (value := _text(component, X_PREFIX + name.upper())) is not None:
                item[name] = value
        bodies = _exported(component, "BODIES", where, label)
        if bodies:
            item["bodies"] = bodies
        sources = _exported(component, "SOURCES", where, label)
    else:
        if (description := _text(component, "DESCRIPTION")) is not None:
            item["description"] = description
        url = _text(component, "URL")
        sources = [url] if url else []
    if sources:
        item["sources"] = sources
    return item


def _exported(component: Any, name: str, where: str, label: str) -> list[Any]:
    """The bodies or sources as the export writes them: one JSON list of objects of their fields,
    then checked as any record's bodies and sources are."""
    text = _text(component, X_PREFIX + name)
    if text is None:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list):
        raise ImportRefusedError(label, f"is not a list of {name.lower()} as the export writes it (JSON)",
                                 record=where, field=X_PREFIX + name)
    return value


def _dates(component: Any, where: str, label: str) -> dict[str, Any]:
    """start, end, timezone and within of a VEVENT, as the interchange writes them."""
    start_property = component.get("DTSTART")
    if start_property is None:
        raise ImportRefusedError(label, "a VEVENT needs a DTSTART", record=where, field="DTSTART")
    start = start_property.dt
    end = _end(component, start, where, label)
    for name, value in (("DTSTART", start_property), ("DTEND", component.get("DTEND"))):
        tzid = getattr(value, "params", {}).get("TZID") if value is not None else None
        if tzid and isinstance(value.dt, datetime) and value.dt.tzinfo is None:  # never taken as local time
            raise ImportRefusedError(
                label, f"the time zone {str(tzid)[:80]!r} is neither an IANA name nor defined in the calendar",
                record=where, field=name,
            )
    precision = (_text(component, X_PREFIX + "PRECISION") or "").lower()
    if not isinstance(start, datetime):  # a date: all day, DTEND exclusive
        if isinstance(end, datetime):
            raise ImportRefusedError(label, "DTEND is a time but DTSTART a date: they must be of one kind",
                                     record=where, field="DTEND")
        last = end - timedelta(days=1) if isinstance(end, date) and not isinstance(end, datetime) else None
        if last is not None and last < start:
            if end < start:  # DTEND equal to DTSTART is a common way of writing one day
                raise ImportRefusedError(label, f"DTEND {end.isoformat()} is before DTSTART {start.isoformat()}",
                                         record=where, field="DTEND")
            last = None
        days = _days(start, last, precision)
        if (zone := _exported_zone(component)) is not None:
            days["timezone"] = zone
        return days
    if end is not None and not isinstance(end, datetime):
        raise ImportRefusedError(label, "DTEND is a date but DTSTART a time: they must be of one kind",
                                 record=where, field="DTEND")
    zone = _exported_zone(component) or _zone_of(start)
    local_start = _local(start, zone)
    result: dict[str, Any] = {"start": local_start.strftime("%Y-%m-%dT%H:%M")}
    if isinstance(end, datetime) and end != start:
        local_end = _local(end, zone)
        result["end"] = local_end.strftime("%Y-%m-%dT%H:%M")
    if zone is not None:
        result["timezone"] = zone
    return result


def _end(component: Any, start: date, where: str, label: str) -> date | None:
    end_property = component.get("DTEND")
    if end_property is not None:
        return end_property.dt
    duration = component.get("DURATION")
    if duration is None:
        return None
    try:
        return start + duration.dt
    except (OverflowError, TypeError):
        raise ImportRefusedError(label, "DTSTART plus DURATION is past the last date a calendar holds",
                                 record=where, field="DURATION") from None


def _days(first: date, last: date | None, precision: str) -> dict[str, Any]:
    """An all-day span; the export's month, year and window spans given back as they were."""
    last = last or first
    if precision == "year" and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        result = {"start": f"{first.year:04d}"}
        if last.year != first.year:
            result["end"] = f"{last.year:04d}"
        return result
    if precision == "month" and first.day == 1 and (last + timedelta(days=1)).day == 1:
        result = {"start": f"{first.year:04d}-{first.month:02d}"}
        if (last.year, last.month) != (first.year, first.month):
            result["end"] = f"{last.year:04d}-{last.month:02d}"
        return result
    result = {"start": first.isoformat()}
    if last != first:
        result["end"] = last.isoformat()
    if precision == "window":
        result["within"] = True
    return result


def _exported_zone(component: Any) -> str | None:
    """The export's own record of an event's zone (a fixed offset is written as UTC)."""
    value = _text(component, X_PREFIX + "TIMEZONE")
    if value is None:
        return None
    try:
        return normalise_timezone(value)
    except InvalidDateError:
        return None


def _zone_of(moment: datetime) -> str | None:
    """The interchange's name for a moment's zone: IANA, UTC, a fixed offset, or None (floating)."""
    zone = moment.tzinfo
    if zone is None:
        return None
    if zone is UTC or (moment.utcoffset() == timedelta(0) and str(zone).upper() in ("UTC", "Z")):
        return "UTC"
    for name in (getattr(zone, "key", None), getattr(zone, "zone", None)):
        if isinstance(name, str):
            try:
                return normalise_timezone(name)
            except InvalidDateError:
                pass
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _local(moment: datetime, zone: str | None) -> datetime:
    """The wall-clock time of ``moment`` in ``zone`` (floating times stay as they are)."""
    if moment.tzinfo is None or zone is None:
        return moment
    return moment.astimezone(resolve_timezone(zone))


def _stamp(value: date) -> str:
    """An occurrence's name in its id: the date, or the local time (to the second when it has one)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
    return value.isoformat()


def _text(component: Any, name: str) -> str | None:
    values = _all(component, name)
    if not values:  # a property given twice: the first counts
        return None
    text = str(values[0]).strip()
    return text or None


def _all(component: Any, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    values = list(value) if isinstance(value, list) else [value]
    if name.startswith(X_PREFIX):  # icalendar leaves an X- property's TEXT escapes as written
        return [_TEXT_ESCAPE.sub(lambda match: _TEXT_UNESCAPED[match.group(1)], str(item)) for item in values]
    return values


_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")  # RFC 5545 3.3.11; any other backslash stays
_TEXT_UNESCAPED = {"\\": "\\", ";": ";", ",": ",", "n": "\n", "N": "\n"}


def _categories(component: Any) -> list[str]:
    found: list[str] = []
    for value in _all(component, "CATEGORIES"):
        for category in getattr(value, "cats", [value]):
            text = str(category).strip()
            if text and text not in found:
                found.append(text)
    return found


def _short(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"

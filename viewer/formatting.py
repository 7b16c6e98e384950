"""Dates, spans, visible ranges and durations written the way a reader expects them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from viewer.store.dates import MONTH_NAMES, SECONDS_PER_DAY, WEEKDAY_NAMES, PartialDate, Precision, resolve_timezone
from viewer.store.errors import InvalidDateError
from viewer.store.model import Event

WEEKDAY_ABBREVIATIONS = tuple(name[:3] for name in WEEKDAY_NAMES)
DASH = "\N{EN DASH}"

_EPOCH = datetime(1970, 1, 1)
_MIN_SECONDS = (datetime.min - _EPOCH).total_seconds()
_MAX_SECONDS = (datetime(9999, 12, 31, 23, 59) - _EPOCH).total_seconds()
_YEAR_SECONDS = 365.2425 * SECONDS_PER_DAY
# Largest first; a unit is used once there are (nearly) two of it, so 23.9 months reads "2 years".
_DURATION_UNITS = (
    ("year", _YEAR_SECONDS),
    ("month", _YEAR_SECONDS / 12),
    ("day", SECONDS_PER_DAY),
    ("hour", 3600),
    ("minute", 60),
)
_UNIT_THRESHOLD = 1.95


def format_event_dates(event: Event) -> str:
    """The dates of ``event`` as one line: "15 June 2023", "some time in 2023"."""
    return format_span(event.start, event.end, timezone=event.timezone, within=event.within)


def format_span(
    start: PartialDate, end: PartialDate | None, *, timezone: str | None = None, within: bool = False
) -> str:
    """A date or an inclusive span, sharing what both ends have in common; ``within`` marks an uncertain window."""
    if end is None or end == start:
        return _within_single(start, timezone) if within else format_partial_date(start, timezone=timezone)
    text = _span_text(start, end, timezone)
    return f"some time during {text}" if within else text


def format_events_span(first: Event, last: Event) -> str:
    """From the start of ``first`` to the end of ``last``, each as known and in its own time zone:
    "15 June – 12 July 2023"; "2023 – 12 July 2023" when their precisions differ."""
    end = last.end or last.start
    if first.start.precision is end.precision and (end.precision is not Precision.MINUTE
                                                   or first.timezone == last.timezone):
        return format_span(first.start, end, timezone=first.timezone)
    start_text = format_partial_date(first.start, timezone=first.timezone)
    end_text = format_partial_date(end, timezone=last.timezone)
    return start_text if start_text == end_text else f"{start_text} – {end_text}"


def format_place(latitude: float, longitude: float) -> str:
    """Coordinates as a reader writes them: "48.5956° N, 37.9999° E"."""
    return (f"{abs(latitude):.4f}° {'N' if latitude >= 0 else 'S'}, "
            f"{abs(longitude):.4f}° {'E' if longitude >= 0 else 'W'}")


def map_link(latitude: float, longitude: float) -> str:
    """An OpenStreetMap address showing the point (numbers only: nothing from the data but them)."""
    return (f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}"
            f"#map=12/{latitude:.5f}/{longitude:.5f}")


def format_utc_stamp(stamp: str) -> str:
    """An ISO 8601 UTC time ("2026-12-02T21:40:15Z" or "2026-12-02T21:40") as "2 December 2026, 21:40 UTC"."""
    try:
        moment = datetime.fromisoformat(stamp.removesuffix("Z"))
    except ValueError:
        return stamp
    return f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}, {moment:%H:%M} UTC"


def format_partial_date(value: PartialDate, *, timezone: str | None = None) -> str:
    """One date at its precision: "2023", "June 2023", "15 June 2023", "12 July 2023, 13:00 EEST"."""
    if value.precision is Precision.YEAR:
        return str(value.year)
    if value.precision is Precision.MONTH:
        return f"{MONTH_NAMES[value.month - 1]} {value.year}"
    if value.precision is Precision.DAY:
        return _day_text(value)
    return f"{_day_text(value)}, {_clock(value)}{_zone_suffix(value, timezone)}"


def format_instant_range(start: float, end: float) -> str:
    """A visible stretch of the timeline (seconds since the epoch, floating UTC) at a fitting precision."""
    start, end = sorted((_clamp(start), _clamp(end)))
    first = _EPOCH + timedelta(seconds=start)
    after = _EPOCH + timedelta(seconds=end)
    span = end - start
    if span < 2 * SECONDS_PER_DAY:
        return format_span(_partial(first, Precision.MINUTE), _partial(after, Precision.MINUTE))
    precision = _range_precision(span)
    last = after - timedelta(microseconds=1)  # the end is exclusive: midnight closes the previous day
    return format_span(_partial(first, precision), _partial(last, precision))


def format_duration(seconds: float) -> str:
    """A length of time rounded to the largest unit that holds about two: "3 years", "12 days", "20 minutes"."""
    seconds = abs(seconds)
    for name, size in _DURATION_UNITS:
        if seconds / size >= _UNIT_THRESHOLD:
            return _count(int(seconds / size + 0.5), name)
    return _count(int(seconds + 0.5), "second")


def _span_text(start: PartialDate, end: PartialDate, timezone: str | None) -> str:
    precision = start.precision
    if end.precision is not precision:
        return _join(format_partial_date(start, timezone=timezone), format_partial_date(end, timezone=timezone))
    if precision is Precision.YEAR:
        return _join(str(start.year), str(end.year))
    if precision is Precision.MONTH:
        left = MONTH_NAMES[start.month - 1] if start.year == end.year else format_partial_date(start)
        return _join(left, format_partial_date(end))
    if precision is Precision.DAY:
        return _day_span(start, end)
    return _minute_span(start, end, timezone)


def _day_span(start: PartialDate, end: PartialDate) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{_join(str(start.day), str(end.day))} {MONTH_NAMES[end.month - 1]} {end.year}"
    if start.year == end.year:
        return _join(f"{start.day} {MONTH_NAMES[start.month - 1]}", _day_text(end))
    return _join(_day_text(start), _day_text(end))


def _minute_span(start: PartialDate, end: PartialDate, timezone: str | None) -> str:
    start_zone, end_zone = _zone_suffix(start, timezone), _zone_suffix(end, timezone)
    same_day = (start.year, start.month, start.day) == (end.year, end.month, end.day)
    if same_day and start_zone == end_zone:
        return f"{_day_text(start)}, {_join(_clock(start), _clock(end))}{start_zone}"
    return _join(format_partial_date(start, timezone=timezone), format_partial_date(end, timezone=timezone))


def _within_single(value: PartialDate, timezone: str | None) -> str:
    text = format_partial_date(value, timezone=timezone)
    if value.precision is Precision.DAY:
        return f"some time on {text}"
    if value.precision is Precision.MINUTE:
        return text  # a single minute leaves nothing uncertain
    return f"some time in {text}"


def _join(left: str, right: str) -> str:
    """Two range parts around an en dash, spaced when either part holds a space."""
    return f"{left} {DASH} {right}" if " " in left or " " in right else f"{left}{DASH}{right}"


def _day_text(value: PartialDate) -> str:
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def _clock(value: PartialDate) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _zone_suffix(value: PartialDate, timezone: str | None) -> str:
    """The zone after a minute-precision time (" EEST", " UTC+03:00", " UTC" or nothing)."""
    name = timezone or value.zone
    if not name:
        return ""
    if name == "UTC":
        return " UTC"
    try:
        local = datetime(value.year, value.month, value.day, value.hour, value.minute, tzinfo=resolve_timezone(name))
        abbreviation, offset = local.tzname(), local.utcoffset()
    except (InvalidDateError, OverflowError, ValueError):
        return f" {name}"
    if abbreviation and any(character.isalpha() for character in abbreviation):
        return f" {abbreviation}"
    if offset is None:
        return f" {name}"
    return f" {_utc_offset(offset)}"


def _utc_offset(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _range_precision(span: float) -> Precision:
    if span >= 4 * _YEAR_SECONDS:
        return Precision.YEAR
    return Precision.MONTH if span >= 45 * SECONDS_PER_DAY else Precision.DAY


def _clamp(seconds: float) -> float:
    return min(max(seconds, _MIN_SECONDS), _MAX_SECONDS)


def _partial(moment: datetime, precision: Precision) -> PartialDate:
    fields = (moment.year, moment.month, moment.day, moment.hour, moment.minute)
    return PartialDate(*fields, precision=Precision.MINUTE).truncated(precision)


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


# Whitespace (any, Unicode included), control characters (C0, DEL, C1) and the characters that
# end a URL in HTML, Markdown or plain text: a URL holding one of them is not a URL.
_NOT_IN_URL = re.compile(r'[\s\x00-\x1f\x7f-\x9f<>"`]')
# What a single line of text cannot show: controls, line and paragraph separators (→ a space, a
# CRLF as one), lone surrogates and the non-characters U+FFFE/U+FFFF (→ U+FFFD).
_NOT_ON_ONE_LINE = re.compile("\r\n|[\x00-\x1f\x7f-\x9f\u2028\u2029]|([\ud800-\udfff\ufffe\uffff])")


def is_web_link(url: str | None) -> bool:
    """True only for absolute http and https URLs with a host (never javascript:, file:, data: …).

    The ends are stripped first; whitespace or a control character inside, or any of
    ``<`` ``>`` ``"`` and the backtick, make it something other than a URL.
    """
    if not url:
        return False
    url = url.strip()
    if _NOT_IN_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def display_text(text: str | None) -> str:
    """Any data text made safe to show on one line (a label, a title, a tooltip, a file's metadata).

    Control characters, CR, LF (a CRLF counts once) and U+2028/U+2029 become a space; lone
    surrogates and U+FFFE/U+FFFF become U+FFFD. Everything else, markup included, is kept.
    """
    if not text:
        return ""
    if not _NOT_ON_ONE_LINE.search(text):
        return text
    return _NOT_ON_ONE_LINE.sub(_one_line_replacement, text)


def _one_line_replacement(match: re.Match[str]) -> str:
    return "\ufffd" if match.group(1) else " "


def count_text(count: int, noun: str) -> str:
    """ "1 event", "2 events", "12,345 events"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")

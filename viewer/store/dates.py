"""Partial dates as analysts report them: strict reading, precision, normalised text and instants.

Dates are never guessed. :func:`parse_date` reads one date, written as ISO 8601 (``2023``,
``2023-06``, ``2023-06-15``, ``2023-06-15T13:00`` with optional seconds and ``Z``, ``±HH:MM`` or
``±HHMM``; a space may replace the ``T``) or in English words, case-insensitive (``15 June 2023``,
``15th Jun. 2023``, ``June 15, 2023``, ``June 2023``, ``Sept`` too), optionally after a weekday
that must match (``Thu 15 June 2023``). :func:`parse_date_range` also reads a range: an ISO 8601
interval (``2023-06-15/2023-06-16``, abbreviated ``2023-06-15/16``) or two dates joined by a dash
or "to", the start borrowing what it omits from the end (``15–16 June 2023``,
``June 30 – July 2, 2023``, ``2022–2023``). Everything else (numeric day/month orders, two-digit
years, relative or approximate text, years outside 1 to 9999) is refused with
:class:`InvalidDateError`, the only exception raised; the message names the text.

A date carries a precision (year, month, day or minute): the finest field written. Date-only
values are calendar dates: they are never moved through a time zone, so "15 June 2023" is 15 June
wherever it is read. Minute-precision values are local wall-clock times, converted to UTC through
the event's time zone (when it has one) only to compute sortable instants.

Instants are integer seconds since 1970-01-01T00:00 (negative before), which is exact for
every year from 1 to 9999.
"""

from __future__ import annotations

import calendar
import itertools
import re
import reprlib
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from functools import lru_cache

from dateutil import tz as dateutil_tz

from viewer.store.errors import InvalidDateError

SECONDS_PER_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class Precision(StrEnum):
    """How much of a date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    MINUTE = "minute"

    @property
    def rank(self) -> int:
        """0 for year up to 3 for minute: a larger rank is a finer precision."""
        return _RANKS[self]


_RANKS = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2, Precision.MINUTE: 3}
_PRECISION_NAMES = {precision.value: precision for precision in Precision}

# ISO 8601, the fast path for bulk imports: one anchored regex without nested repetition.
_ISO = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2})"
    r"(?:[T ](?P<H>[0-9]{2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"
)
_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to some precision; finer fields beyond the precision are at their minimum."""

    year: int
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    precision: Precision = Precision.DAY
    zone: str | None = None  # a UTC offset or "UTC" written in the input text, if any

    def iso(self) -> str:
        """The normalised text at this precision: 2023, 2023-06, 2023-06-15, 2023-06-15T13:00."""
        text = f"{self.year:04d}"
        if self.precision.rank >= 1:
            text += f"-{self.month:02d}"
        if self.precision.rank >= 2:
            text += f"-{self.day:02d}"
        if self.precision.rank >= 3:
            text += f"T{self.hour:02d}:{self.minute:02d}"
        return text

    def truncated(self, precision: Precision) -> PartialDate:
        """The same date known only to a coarser ``precision``."""
        if precision is self.precision:
            return self
        if precision.rank > self.precision.rank:
            raise InvalidDateError(
                f"{self.iso()!r} is only known to the {self.precision.value}; "
                f"it cannot be given {precision.value} precision"
            )
        rank = precision.rank
        return PartialDate(
            self.year,
            self.month if rank >= 1 else 1,
            self.day if rank >= 2 else 1,
            self.hour if rank >= 3 else 0,
            self.minute if rank >= 3 else 0,
            precision,
            self.zone if rank >= 3 else None,
        )

    def first_instant(self, timezone: str | None = None) -> int:
        """Seconds since the epoch of the first moment this date may denote."""
        days = date(self.year, self.month, self.day).toordinal() - _EPOCH_ORDINAL
        seconds = days * SECONDS_PER_DAY + self.hour * 3600 + self.minute * 60
        if self.precision is Precision.MINUTE:
            seconds -= self._utc_offset_seconds(timezone)
        return seconds

    def end_instant(self, timezone: str | None = None) -> int:
        """Seconds since the epoch just after the last moment this date may denote (exclusive)."""
        if self.precision is Precision.MINUTE:
            return self.first_instant(timezone) + 60
        if self.precision is Precision.DAY:
            last_day = self.day
            month = self.month
        elif self.precision is Precision.MONTH:
            month = self.month
            last_day = calendar.monthrange(self.year, month)[1]
        else:
            month, last_day = 12, 31
        days = date(self.year, month, last_day).toordinal() + 1 - _EPOCH_ORDINAL
        return days * SECONDS_PER_DAY

    def _utc_offset_seconds(self, timezone: str | None) -> int:
        zone_name = timezone or self.zone
        if not zone_name:
            return 0
        zone = resolve_timezone(zone_name)
        try:
            local = datetime(self.year, self.month, self.day, self.hour, self.minute, tzinfo=zone)
            offset = local.utcoffset()
        except (OverflowError, ValueError):  # dates at the calendar's edges
            offset = None
        return int(offset.total_seconds()) if offset is not None else 0


def parse_date(
    text: object, precision: Precision | str | None = None, *, dayfirst: bool = False
) -> PartialDate:
    """Read one date (ISO 8601 or English words) at the given or inferred precision.

    When ``precision`` is given and coarser than the text, the date is truncated to it; a finer
    precision than the text holds is refused, and so is a range. ``dayfirst`` also reads a
    numeric date with a four-digit year as day, month, year (``15.06.2023``, ``15/06/2023``,
    ``15-06-2023``, ``5/6/2023``), as the user says their table writes them; without it such a
    date is refused. Raises :class:`InvalidDateError` only.
    """
    if not isinstance(text, str) or len(text) > _MAX_LENGTH:
        raise _unreadable_value(text, _FORMS)
    stripped = text.strip()
    wanted = None if precision is None else _as_precision(precision)
    match = _ISO.fullmatch(stripped)
    try:
        if match is not None:
            parsed = _iso_date(match)
        else:
            parsed, end = _read(stripped, dayfirst)
            if end is not None:
                raise _Unreadable(
                    f"it is a range ({_describe(parsed)} to {_describe(end)}) and only one date is expected here"
                )
    except _Unreadable as problem:
        raise _refusal(stripped or text, problem.reason, _FORMS) from None
    if wanted is None or wanted is parsed.precision:
        return parsed
    return _at_precision(parsed, wanted, stripped)


def parse_date_range(
    text: object, precision: Precision | str | None = None, *, dayfirst: bool = False
) -> tuple[PartialDate, PartialDate | None]:
    """Read one date or a range of two as ``(start, end)``; ``end`` is None for a single date.

    A range is an ISO 8601 interval ("2023-06-15/16") or two dates joined by a dash or "to"
    ("15–16 June 2023"), both known to the same precision and the end not before the start.
    ``precision`` and ``dayfirst`` apply to both as in :func:`parse_date` (with ``dayfirst``, two
    numeric dates joined by a dash or "to": ``15.06.2023 – 16.06.2023``). Raises
    :class:`InvalidDateError` only.
    """
    if not isinstance(text, str) or len(text) > _MAX_LENGTH:
        raise _unreadable_value(text, _RANGE_FORMS)
    stripped = text.strip()
    wanted = None if precision is None else _as_precision(precision)
    match = _ISO.fullmatch(stripped)
    try:
        start, end = (_iso_date(match), None) if match is not None else _read(stripped, dayfirst)
    except _Unreadable as problem:
        raise _refusal(stripped or text, problem.reason, _RANGE_FORMS) from None
    if wanted is None or wanted is start.precision:
        return start, end
    start = _at_precision(start, wanted, stripped)
    return start, None if end is None else _at_precision(end, wanted, stripped)


def parse_precision(value: object) -> Precision:
    """The :class:`Precision` named by ``value``, or :class:`InvalidDateError`."""
    result = _as_precision(value)
    if result is None:
        raise InvalidDateError("the precision is empty")
    return result


def _as_precision(value: object) -> Precision | None:
    if value is None or isinstance(value, Precision):
        return value
    found = _PRECISION_NAMES.get(value) if isinstance(value, str) else None  # the common case, fast
    if found is not None:
        return found
    try:
        return Precision(str(value).strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Precision)
        raise InvalidDateError(
            f"unknown precision {_shorten(str(value))!r} (use one of: {names})"
        ) from None


def _at_precision(value: PartialDate, wanted: Precision, text: str) -> PartialDate:
    """``value`` truncated to a coarser ``wanted`` precision; a finer one is refused."""
    rank = _RANKS[wanted]
    if rank > _RANKS[value.precision]:
        raise InvalidDateError(
            f"{_shorten(text)!r} is only known to the {value.precision.value}; "
            f"it cannot be given {wanted.value} precision"
        )
    # coarser than the value, so at most day precision: no time, no zone
    return PartialDate(value.year, value.month if rank else 1, value.day if rank == 2 else 1, 0, 0, wanted, None)


# ---------------------------------------------------------------------------------------- errors

_MAX_LENGTH = 200  # longer text is refused before any regex work: no date needs that much
_FORMS = (
    "accepted: ISO 8601 such as '2023', '2023-06', '2023-06-15', '2023-06-15T13:00+03:00'; "
    "English such as '15 June 2023', 'June 15, 2023', 'June 2023'"
)
_RANGE_FORMS = f"{_FORMS}; ranges such as '15–16 June 2023', '2023-06-15/2023-06-16'"
_BEFORE_YEAR_ONE = "years before year 1 (negative, BC or BCE years) are not supported"
_AFTER_9999 = "years after 9999 are not supported (a year has at most four digits)"


class _Unreadable(Exception):
    """Why a text is not a date; the public functions turn it into an InvalidDateError naming the text."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason


def _refusal(text: str, reason: str | None, forms: str) -> InvalidDateError:
    head = f"cannot read {_shorten(text)!r} as a date"
    return InvalidDateError(f"{head}: {reason} ({forms})" if reason else f"{head} ({forms})")


def _unreadable_value(value: object, forms: str) -> InvalidDateError:
    if isinstance(value, str):  # too long: refused before any regex reads it
        return InvalidDateError(
            f"cannot read {_shorten(value)!r} as a date: it is {len(value)} characters long, "
            f"more than any date needs (at most {_MAX_LENGTH}) ({forms})"
        )
    try:
        shown = reprlib.repr(value)
    except Exception:  # a broken __repr__ must not turn into another error
        shown = "the value"
    return InvalidDateError(
        f"cannot read {shown} as a date: it must be text, not {type(value).__name__} ({forms})"
    )


def _problem(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> str | None:
    """Why these fields name no moment of the calendar, or None when they do."""
    if year < 1:
        return "year 0 does not exist, and " + _BEFORE_YEAR_ONE
    if year > 9999:
        return _AFTER_9999
    if not 1 <= month <= 12:
        return f"there is no month {month} (months run from 01 to 12)"
    length = calendar.monthrange(year, month)[1]
    if day < 1:
        return "there is no day 0"
    if day > length:
        if month == 2 and day == 29:
            return f"February {year} has 28 days ({year} is not a leap year)"
        return f"{MONTH_NAMES[month - 1]} {year} has {length} days"
    if hour > 23:
        return f"there is no hour {hour} (hours run from 00 to 23)"
    if minute > 59:
        return f"there is no minute {minute} (minutes run from 00 to 59)"
    if second > 59:
        return f"there is no second {second} (seconds run from 00 to 59)"
    return None


def _describe(value: PartialDate) -> str:
    """A date in words for messages: "2023", "June 2023", "15 June 2023", "2023-06-15T13:00"."""
    if value.precision is Precision.MINUTE:
        return value.iso() + (f" {value.zone}" if value.zone else "")
    month = MONTH_NAMES[value.month - 1]
    return {Precision.YEAR: f"{value.year}", Precision.MONTH: f"{month} {value.year}"}.get(
        value.precision, f"{value.day} {month} {value.year}"
    )


# ------------------------------------------------------------------------------------- ISO 8601


def _iso_date(match: re.Match[str]) -> PartialDate:
    """The date an :data:`_ISO` match names, checked against the calendar (raises _Unreadable)."""
    year_text, month_text, day_text, hour_text, minute_text, second_text, zone = match.groups()
    year = int(year_text)
    if month_text is None:
        month, day, precision = 1, 1, Precision.YEAR
    elif day_text is None:
        month, day, precision = int(month_text), 1, Precision.MONTH
    else:
        month, day = int(month_text), int(day_text)
        precision = Precision.DAY if hour_text is None else Precision.MINUTE
    if hour_text is None:
        hour = minute = second = 0
    else:
        hour, minute, second = int(hour_text), int(minute_text), int(second_text or 0)
        if zone is not None:
            zone = _zone_of_offset(zone)
    if (
        year < 1
        or not 1 <= month <= 12
        or day < 1
        or (day > 28 and day > calendar.monthrange(year, month)[1])
        or hour > 23
        or minute > 59
        or second > 59
    ):
        raise _Unreadable(_problem(year, month, day, hour, minute, second))
    return PartialDate(year, month, day, hour, minute, precision, zone)


def _zone_of_offset(zone: str) -> str:
    """"UTC" or "±HH:MM" for a "Z", "±HH:MM" or "±HHMM" written after a time."""
    if zone == "Z":
        return "UTC"
    hours, minutes = zone[1:3], zone[-2:]
    if hours > "23" or minutes > "59":
        raise _Unreadable(f"{zone} is not a UTC offset (offsets run from -23:59 to +23:59)")
    if hours == "00" and minutes == "00":
        return "UTC"
    return f"{zone[0]}{hours}:{minutes}"


# The end of an interval may leave out its leading fields, which it takes from the start.
_ISO_END = {
    Precision.MONTH: re.compile(r"(?P<m>[0-9]{2})"),
    Precision.DAY: re.compile(r"(?:(?P<m>[0-9]{2})-)?(?P<d>[0-9]{2})"),
    Precision.MINUTE: re.compile(
        r"(?:(?:(?P<m>[0-9]{2})-)?(?P<d>[0-9]{2})T)?(?P<H>[0-9]{2}):(?P<M>[0-9]{2})"
        r"(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?"
    ),
}


def _read_interval(text: str) -> tuple[PartialDate, PartialDate]:
    if text.count("/") > 1:
        raise _Unreadable("an ISO 8601 interval has one '/', between its start and its end")
    left, right = (side.strip() for side in text.split("/"))
    start_match = _ISO.fullmatch(left)
    if start_match is None:
        raise _Unreadable(
            "'/' joins ISO 8601 dates (2023-06-15/2023-06-16); join other dates with a dash or 'to'"
        )
    start = _iso_date(start_match)
    end_match = _ISO.fullmatch(right)
    if end_match is not None:
        end = _iso_date(end_match)
        if end.precision is not start.precision:
            raise _mixed(left, start.precision, right, end.precision)
    else:
        end = _abbreviated_end(start, right)
    _check_order(start, end, "")
    return start, end


def _abbreviated_end(start: PartialDate, text: str) -> PartialDate:
    pattern = _ISO_END.get(start.precision)
    match = pattern.fullmatch(text) if pattern is not None else None
    if match is None:
        if start.precision is Precision.YEAR:
            raise _Unreadable(f"write the end year in full ({start.year:04d}/{start.year + 1:04d})")
        raise _Unreadable(
            f"the end {_shorten(text, 20)!r} is neither a full ISO 8601 date at the start's precision "
            "nor the start's text with its leading fields left out (2023-06-15/16, 2023-06-15T09:00/17:30)"
        )
    fields = match.groupdict()
    month = int(fields["m"]) if fields["m"] else start.month
    day = int(fields["d"]) if fields.get("d") else start.day
    hour = int(fields["H"]) if fields.get("H") else 0
    minute = int(fields["M"]) if fields.get("M") else 0
    zone = _zone_of_offset(fields["zone"]) if fields.get("zone") else start.zone
    problem = _problem(start.year, month, day, hour, minute, int(fields.get("S") or 0))
    if problem is not None:
        raise _Unreadable(problem)
    return PartialDate(start.year, month, day, hour, minute, start.precision, zone)


# ---------------------------------------------------------------------------------- English words

# Fixed English names, the one set for reading and writing dates: never the locale's.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# word -> (month 1-12 or weekday 0-6, whether it is an abbreviation, which may take a full stop)
_MONTH_WORDS = {
    **{name.lower(): (number, False) for number, name in enumerate(MONTH_NAMES, 1)},
    **{name[:3].lower(): (number, True) for number, name in enumerate(MONTH_NAMES, 1)},
    "sept": (9, True),
}
_WEEKDAY_WORDS = {
    **{name.lower(): (number, False) for number, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3].lower(): (number, True) for number, name in enumerate(WEEKDAY_NAMES)},
    "tues": (1, True),
    "thur": (3, True),
    "thurs": (3, True),
}
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})

# Shapes of a date in words: D day, M month, Y four-digit year, "," a comma (a weekday is set aside).
_FULL_SHAPES = frozenset({"DMY", "MDY", "MD,Y", "MY", "Y"})
_START_SHAPES = frozenset({"D", "DM", "MD", "M"})  # a range's start, completed from its end
_TAIL_SHAPES = frozenset({"DY", "D,Y"})  # a range's end after "July 11-": its month is the start's

_RELATIVE = "relative dates are not read: write the date itself (15 June 2023)"
_APPROXIMATE = (
    "approximate dates are not read: write the period the date is known to (June 2023, 2023) "
    "or a range (1–15 June 2023)"
)
_TIMES = "times are read only in ISO 8601 form (2023-06-15T12:00, with Z or +03:00 for a zone)"
_JOINERS = "write a range with a dash or 'to' (15–16 June 2023, 15 June to 2 July 2023)"
_WORD_PROBLEMS = {
    **dict.fromkeys(
        "today tomorrow yesterday tonight now next last this coming previous ago recent recently "
        "week weeks weekend fortnight month months year years day days".split(),
        _RELATIVE,
    ),
    **dict.fromkeys(
        "mid middle early late circa c ca approx approximately about around roughly some sometime "
        "before after since by beginning start end half quarter q spring summer autumn fall winter "
        "or decade century".split(),
        _APPROXIMATE,
    ),
    **dict.fromkeys(
        "at noon midday midnight am pm morning afternoon evening night oclock h hrs hours utc gmt "
        "local time".split(),
        _TIMES,
    ),
    **dict.fromkeys("from between and till til until through thru".split(), _JOINERS),
    **dict.fromkeys("ad ce".split(), "era markers are not read: write the year alone (2023)"),
}
_SUFFIX_PROBLEMS = {"am": _TIMES, "pm": _TIMES, "h": _TIMES, "s": _APPROXIMATE}

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"  # hyphen-minus, hyphens, figure dash, en and em dashes
_ISO_CHUNK = (
    r"(?<![0-9])[0-9]{4}-[0-9]{2}(?:-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)?(?![0-9])"
)
# Range separators, found outside ISO 8601 dates (whose hyphens separate fields, not dates).
_PIECES = re.compile(rf"({_ISO_CHUNK})|( (?i:to) | ?[{_DASHES}] ?)")
_ISO_DATE_TEXT = re.compile(_ISO_CHUNK)
_TOKEN = re.compile(r"([0-9]+)([^\W\d_]*)|([^\W\d_]+)(\.?)|(,)|( )")
_LETTERS = re.compile(r"[^\W\d_]+")
_NEGATIVE = re.compile(r"[\-\u2212] ?[0-9]")
_LONG_YEAR = re.compile(r"[0-9]{5}")
_CANNOT_TELL = (
    "in a numeric date the day and the month cannot be told apart (6/7 is 6 July in some "
    "places and June 7 in others): write 2023-06-15 or 15 June 2023"
)
_NUMERIC_FORMS = (
    (
        re.compile(r"[0-9]{1,2}([/.\-])[0-9]{1,2}\1[0-9]{4}"),
        _CANNOT_TELL + " (or import a table that writes the day first with --dayfirst)",
    ),
    (re.compile(r"[0-9]{1,2}([/.\-])[0-9]{1,2}\1[0-9]{1,3}|[0-9]{1,2}[/.][0-9]{1,2}"), _CANNOT_TELL),
    (
        re.compile(r"[0-9]{4}([/.])[0-9]{1,2}\1[0-9]{1,2}"),
        "ISO 8601 separates the year, month and day with hyphens: write 2023-06-15 or 15 June 2023",
    ),
    (re.compile(r"[0-9]{1,2}[/.\-][0-9]{4}"), "write a month as 2023-06 or June 2023"),
    (
        re.compile(r"[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?"),
        "ISO 8601 writes the month and the day with two digits: write {padded}",
    ),
    (
        re.compile(r"[0-9]{8}(?:T.*)?"),
        "the ISO 8601 basic format (20230615) is not read: write 2023-06-15 or 15 June 2023",
    ),
)


# Day, month, year as a table whose user says so writes them (dayfirst): 15.06.2023, 5/6/2023.
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})")
_DAY_FIRST_SHORT_YEAR = re.compile(r"[0-9]{1,2}([/.\-])[0-9]{1,2}\1[0-9]{1,3}")
_DAY_FIRST_JOINER = re.compile(rf" ?[{_DASHES}] ?| (?i:to) ")


def _day_first(text: str) -> tuple[PartialDate, PartialDate | None] | None:
    """A numeric date, or a range of two, read day first; None when the text is not one."""
    if _DAY_FIRST.fullmatch(text):
        return _day_first_date(text), None
    if _DAY_FIRST_SHORT_YEAR.fullmatch(text):
        raise _Unreadable("two-digit years are not read: write the year in full (15.06.2023)")
    for joiner in _DAY_FIRST_JOINER.finditer(text):
        left, right = text[: joiner.start()], text[joiner.end() :]
        if _DAY_FIRST.fullmatch(left) and _DAY_FIRST.fullmatch(right):
            start, end = _day_first_date(left), _day_first_date(right)
            _check_order(start, end, "")
            return start, end
    return None


def _day_first_date(text: str) -> PartialDate:
    day, _separator, month, year = _DAY_FIRST.fullmatch(text).groups()
    problem = _problem(int(year), int(month), int(day))
    if problem is not None:
        raise _Unreadable(f"{problem}; the day is read first, then the month")
    return PartialDate(int(year), int(month), int(day), 0, 0, Precision.DAY, None)


@dataclass(slots=True)
class _Part:
    """One date of a text as written, before a range's start is completed from its end."""

    shape: str  # a key of the shape sets above, or "ISO" for an ISO 8601 date
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None  # 0 for Monday
    written: PartialDate | None = None  # the date itself, for ISO 8601


def _read(text: str, dayfirst: bool = False) -> tuple[PartialDate, PartialDate | None]:
    """One date or a range from stripped text that is not a plain ISO 8601 date (raises _Unreadable)."""
    if not text:
        raise _Unreadable("the text is empty")
    text = " ".join(text.split())
    if dayfirst:
        found = _day_first(text)
        if found is not None:
            return found
    _check_words(text)
    if _NEGATIVE.match(text):
        raise _Unreadable(_BEFORE_YEAR_ONE)
    for pattern, reason in _NUMERIC_FORMS:
        if pattern.fullmatch(text):
            raise _Unreadable(reason.format(padded="-".join(field.zfill(2) for field in text.split("-"))))
    if _LONG_YEAR.match(text):
        raise _Unreadable(_AFTER_9999)
    if "/" in text:
        return _read_interval(text)
    pieces = _split(text)
    if len(pieces) == 1:
        return _single(_part(text)), None
    return _join(*pieces)


def _check_words(text: str) -> None:
    """Refuse relative, approximate, timed or era-marked text with a reason that says so."""
    words = [word.lower() for word in _LETTERS.findall(text)]
    if "bc" in words or "bce" in words or ("b", "c") in itertools.pairwise(words):
        raise _Unreadable(_BEFORE_YEAR_ONE)
    for word in words:
        reason = _WORD_PROBLEMS.get(word)
        if reason is not None:
            raise _Unreadable(reason)


def _split(text: str) -> list[str]:
    """The text, or its two dates when a dash or "to" joins them."""
    separators = [match for match in _PIECES.finditer(text) if match[2] is not None]
    if not separators:
        return [text]
    if len(separators) > 1:
        if all(match[2] == "-" for match in separators):
            raise _Unreadable("write a date with spaces between its words, not hyphens (15 June 2023)")
        raise _Unreadable("a range joins two dates with one dash or 'to'")
    separator = separators[0]
    left, right = text[: separator.start()].strip(), text[separator.end() :].strip()
    if not left or not right:
        raise _Unreadable("a range needs a start and an end")
    if separator[2] == "-" and (_ISO_DATE_TEXT.fullmatch(left) or _ISO_DATE_TEXT.fullmatch(right)):
        raise _Unreadable("put spaces around a dash between ISO 8601 dates (2023-06-15 – 2023-06-16) or use '/'")
    return [left, right]


def _part(text: str) -> _Part:
    """Read one date of a text into its fields, without completing it (raises _Unreadable)."""
    match = _ISO.fullmatch(text)
    if match is not None:
        return _Part("ISO", written=_iso_date(match))
    if _ISO_DATE_TEXT.search(text):
        raise _Unreadable("an ISO 8601 date stands alone, with at most a time after it (2023-06-15T13:00+03:00)")
    part = _Part("")
    kinds: list[str] = []
    apart = True  # a space or a comma came before the next word or number
    position = 0
    while position < len(text):
        token = _TOKEN.match(text, position)
        if token is None:
            raise _Unreadable(_character_problem(text[position]))
        position = token.end()
        digits, suffix, word, full_stop, comma, _space = token.groups()
        if digits is None and word is None:
            if comma and (not kinds or kinds[-1] == ","):
                raise _Unreadable(None)
            kinds += comma or ""
            apart = True
            continue
        if not apart:
            raise _Unreadable("leave a space between the words and numbers of a date (15 June 2023)")
        apart = False
        if digits is not None:
            kinds.append(_number(digits, suffix, part))
        else:
            kinds.append(_name(word, full_stop, part, first=not kinds))
    if part.weekday is not None and part.day is None:
        raise _Unreadable("a weekday needs a day of the month (Thursday 15 June 2023)")
    shape = "".join(kinds)
    core = shape.removeprefix("W").removeprefix(",") if shape.startswith("W") else shape
    if core not in _FULL_SHAPES and core not in _START_SHAPES and core not in _TAIL_SHAPES:
        raise _Unreadable(_shape_problem(core))
    part.shape = core
    return part


def _character_problem(character: str) -> str:
    if character == ":":
        return _TIMES
    if character.isdigit():
        return f"write digits as 0 to 9, not {character!r}"
    return f"{character!r} has no place in a date"


def _number(digits: str, suffix: str, part: _Part) -> str:
    """The kind of a number token (D, Y, or 3 and 5 for years of three or five digits)."""
    if suffix:
        lowered = suffix.lower()
        if lowered not in _ORDINAL_SUFFIXES or len(digits) > 2:
            raise _Unreadable(_SUFFIX_PROBLEMS.get(lowered))
        number = int(digits)
        proper = _ordinal_suffix(number)
        if lowered != proper:
            raise _Unreadable(f"{digits}{suffix} is not an ordinal number ({number}{proper})")
    if len(digits) <= 2:
        part.day = int(digits)
        return "D"
    if len(digits) == 4:
        part.year = int(digits)
        return "Y"
    return "3" if len(digits) == 3 else "5"


def _ordinal_suffix(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _name(word: str, full_stop: str, part: _Part, *, first: bool) -> str:
    """The kind of a word token: M for a month, W for a leading weekday."""
    lowered = word.lower() if word.isascii() else ""
    found = _MONTH_WORDS.get(lowered)
    kind = "M"
    if found is None and first:
        found, kind = _WEEKDAY_WORDS.get(lowered), "W"
    if found is None:
        what = "month or weekday" if first else "month"
        raise _Unreadable(f"{_shorten(word, 20)!r} is not an English {what} name")
    number, abbreviation = found
    if full_stop and not abbreviation:
        raise _Unreadable(None)
    if kind == "M":
        part.month = number
    else:
        part.weekday = number
    return kind


def _shape_problem(core: str) -> str | None:
    if "5" in core:
        return _AFTER_9999
    if "3" in core:
        return "write the year with four digits (0800 for the year 800)"
    if core.endswith("D") and core[:-1] + "Y" in _FULL_SHAPES:
        return "two-digit years are not read: write the year in full (2023, not 23)"
    if "," in core and core.replace(",", "") in _FULL_SHAPES:
        return "a comma goes only between the day and the year of June 15, 2023 (write 15 June 2023)"
    return None


def _single(part: _Part) -> PartialDate:
    """The complete date a part names on its own."""
    if part.written is not None:
        return part.written
    if part.shape in _FULL_SHAPES:
        return _complete(part, part.day, part.month, part.year)
    if part.month is None:
        raise _Unreadable("no month is written" if part.year is not None else "no month or year is written")
    raise _Unreadable("no year is written (15 June 2023, June 15, 2023, June 2023)")


def _complete(part: _Part, day: int | None, month: int | None, year: int | None) -> PartialDate:
    """A date from fields (the finest one given sets the precision), checked against the calendar."""
    precision = Precision.DAY if day is not None else Precision.MONTH if month is not None else Precision.YEAR
    day = 1 if day is None else day  # never `day or 1`: a written day 0 must be refused
    month = 1 if month is None else month
    year = 0 if year is None else year
    problem = _problem(year, month, day)
    if problem is not None:
        raise _Unreadable(problem)
    if part.weekday is not None:
        actual = date(year, month, day).weekday()
        if actual != part.weekday:
            raise _Unreadable(
                f"{day} {MONTH_NAMES[month - 1]} {year} is a {WEEKDAY_NAMES[actual]}, "
                f"not a {WEEKDAY_NAMES[part.weekday]}"
            )
    return PartialDate(year, month, day, 0, 0, precision, None)


def _join(left_text: str, right_text: str) -> tuple[PartialDate, PartialDate]:
    """A range from its two written dates; the start takes the fields it leaves out from the end."""
    left, right = _part(left_text), _part(right_text)
    completed = False
    if right.written is None and right.shape in _TAIL_SHAPES:  # "July 11-12, 2023"
        if left.shape != "MD":
            raise _Unreadable(f"no month is written in {right_text!r}")
        start = _complete(left, left.day, left.month, right.year)
        end = _complete(right, right.day, left.month, right.year)
    else:
        end = _single(right)
        if left.written is not None or left.shape in _FULL_SHAPES:
            start = _single(left)
        elif left.shape in _START_SHAPES:
            precision = Precision.DAY if left.day is not None else Precision.MONTH
            if precision is not end.precision:
                raise _mixed(left_text, precision, right_text, end.precision)
            if right.written is not None:
                raise _Unreadable(
                    "write both dates of a range in full when the end is ISO 8601 "
                    "(2023-06-15 – 2023-06-16 or 2023-06-15/16)"
                )
            month = left.month if left.month is not None else end.month
            start = _complete(left, left.day, month, end.year)
            completed = left.month is not None
        else:
            raise _Unreadable(f"no month is written in {left_text!r}")
    if start.precision is not end.precision:
        raise _mixed(left_text, start.precision, right_text, end.precision)
    hint = "; write the start's year when it differs (30 December 2023 – 2 January 2024)" if completed else ""
    _check_order(start, end, hint)
    return start, end


def _mixed(left: str, left_precision: Precision, right: str, right_precision: Precision) -> _Unreadable:
    return _Unreadable(
        f"a range's start and end must be known to the same precision, but {_shorten(left, 30)!r} is "
        f"known to the {left_precision.value} and {_shorten(right, 30)!r} to the {right_precision.value}"
    )


def _check_order(start: PartialDate, end: PartialDate, hint: str) -> None:
    shared = start.zone or end.zone
    if end.first_instant(end.zone or shared) < start.first_instant(start.zone or shared):
        raise _Unreadable(f"the end ({_describe(end)}) is before the start ({_describe(start)}){hint}")


def _normalise_offset(text: str) -> str:
    match = _OFFSET.fullmatch(text)
    if match is None:
        raise InvalidDateError(f"cannot read {text!r} as a UTC offset")
    sign, hours, minutes = match.groups()
    if int(hours) > 23 or int(minutes) > 59:
        raise InvalidDateError(f"{text!r} is not a valid UTC offset")
    if int(hours) == 0 and int(minutes) == 0:
        return "UTC"
    return f"{sign}{hours}:{minutes}"


def normalise_timezone(name: object) -> str:
    """Check a time zone name (IANA such as "Europe/Brussels", "UTC", or "+03:00")."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidDateError("the time zone must be a non-empty name such as 'Europe/Brussels'")
    cleaned = name.strip()
    if _OFFSET.fullmatch(cleaned) and cleaned[:1] in "+-":
        return _normalise_offset(cleaned)
    resolve_timezone(cleaned)
    return cleaned


@lru_cache(maxsize=512)
def resolve_timezone(name: str) -> tzinfo:
    """The tzinfo for an IANA name or a "+HH:MM" offset; :class:`InvalidDateError` if unknown."""
    if name == "UTC":
        return dateutil_tz.UTC
    offset = _OFFSET.fullmatch(name)
    if offset and name[:1] in "+-":
        sign = 1 if offset[1] == "+" else -1
        return dateutil_tz.tzoffset(name, sign * (int(offset[2]) * 3600 + int(offset[3]) * 60))
    # Only IANA-shaped names: dateutil would otherwise read "garbage" as a POSIX TZ string.
    if not _IANA_NAME.fullmatch(name) or ("/" not in name and name not in _SINGLE_WORD_ZONES):
        raise InvalidDateError(f"unknown time zone {_shorten(name)!r} (use an IANA name)")
    try:
        zone = dateutil_tz.gettz(name)
    except (ValueError, OSError, TypeError):
        zone = None
    if zone is None:
        raise InvalidDateError(f"unknown time zone {_shorten(name)!r} (use an IANA name)")
    return zone


_IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}")
_SINGLE_WORD_ZONES = frozenset({"GMT", "UCT", "Zulu", "Universal", "Greenwich"})


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

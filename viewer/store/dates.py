"""Partial dates as analysts report them: parsing, precision, normalised text and sortable instants.

A date carries a precision (year, month, day or minute). Date-only values are calendar
dates: they are never moved through a time zone, so "15 June 2023" is 15 June wherever it
is read. Minute-precision values are local wall-clock times, converted to UTC through the
event's time zone (when it has one) only to compute sortable instants.

Instants are integer seconds since 1970-01-01T00:00 (negative before), which is exact for
every year from 1 to 9999.
"""

from __future__ import annotations

import calendar
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache

from dateutil import parser as dateutil_parser
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

# ISO 8601 forms read without dateutil (fast path for bulk imports); anything else goes to dateutil.
_ISO = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?)?)?"
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


def parse_date(text: object, precision: Precision | str | None = None) -> PartialDate:
    """Read a date as analysts write it and return it at the given or inferred precision.

    Accepts ISO 8601 ("2023", "2023-06", "2023-06-15", "2023-07-12T13:00+03:00") and the human
    forms python-dateutil understands ("14 Jun. 2023", "15 June 2023", "June 2023"). When
    ``precision`` is given and coarser than the text, the date is truncated to it; a finer
    precision than the text holds is refused. Raises :class:`InvalidDateError` only.
    """
    if not isinstance(text, str):
        raise InvalidDateError(f"a date must be text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise InvalidDateError("the date is empty")
    wanted = _as_precision(precision)
    try:
        parsed = _parse_iso(stripped) or _parse_with_dateutil(stripped)
        return parsed if wanted is None else parsed.truncated(wanted)
    except InvalidDateError:
        raise
    except (ValueError, OverflowError, TypeError, ArithmeticError) as error:
        raise InvalidDateError(f"cannot read {_shorten(stripped)!r} as a date ({error})") from None


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


def _parse_iso(text: str) -> PartialDate | None:
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year = int(match["y"])
    if match["m"] is None:
        return _checked(year, 1, 1, 0, 0, Precision.YEAR, None)
    if match["d"] is None:
        return _checked(year, int(match["m"]), 1, 0, 0, Precision.MONTH, None)
    if match["H"] is None:
        return _checked(year, int(match["m"]), int(match["d"]), 0, 0, Precision.DAY, None)
    zone = match["zone"]
    if zone is not None:
        zone = "UTC" if zone == "Z" else _normalise_offset(zone)
    return _checked(
        year,
        int(match["m"]),
        int(match["d"]),
        int(match["H"]),
        int(match["M"]),
        Precision.MINUTE,
        zone,
    )


def _checked(
    year: int, month: int, day: int, hour: int, minute: int, precision: Precision, zone: str | None
) -> PartialDate:
    if year < 1:
        raise InvalidDateError("year 0 does not exist; dates start at year 1")
    datetime(year, month, day, hour, minute)  # raises ValueError for 2023-02-30, 25:00 …
    return PartialDate(year, month, day, hour, minute, precision, zone)


_DEFAULT_A = datetime(2000, 1, 1, 0, 0)
_DEFAULT_B = datetime(2004, 2, 2, 1, 1)


def _parse_with_dateutil(text: str) -> PartialDate:
    # Parse twice with different defaults: the fields that change were not in the text.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown time zone names such as "CEST"
        try:
            first = dateutil_parser.parse(text, default=_DEFAULT_A)
            second = dateutil_parser.parse(text, default=_DEFAULT_B)
        except dateutil_parser.ParserError:
            raise InvalidDateError(f"cannot read {_shorten(text)!r} as a date") from None
    if first.year != second.year:
        raise InvalidDateError(f"{_shorten(text)!r} has no year")
    if first.month != second.month:
        precision = Precision.YEAR
    elif first.day != second.day:
        precision = Precision.MONTH
    elif first.hour != second.hour:
        precision = Precision.DAY
    else:
        precision = Precision.MINUTE
    zone = _zone_of(first.tzinfo, first) if precision is Precision.MINUTE else None
    minute = first.minute if first.minute == second.minute else 0
    return _checked(first.year, first.month, first.day, first.hour, minute, precision, zone)


def _zone_of(zone: tzinfo | None, moment: datetime) -> str | None:
    if zone is None:
        return None
    offset = zone.utcoffset(moment)
    if offset is None:
        return None
    if offset == timedelta(0):
        return "UTC"
    total = int(offset.total_seconds()) // 60
    sign = "+" if total >= 0 else "-"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


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

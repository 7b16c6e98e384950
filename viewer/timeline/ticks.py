"""The time ruler: which calendar ticks to draw, and how to label them, for a visible range (pure, no Qt)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice

from dateutil.relativedelta import MO, relativedelta
from dateutil.rrule import DAILY, HOURLY, MINUTELY, MONTHLY, WEEKLY, YEARLY, rrule

from viewer.formatting import MONTH_NAMES, WEEKDAY_ABBREVIATIONS
from viewer.store.dates import _EPOCH_ORDINAL, SECONDS_PER_DAY

YEAR_SECONDS = 365.2425 * SECONDS_PER_DAY  # the average Gregorian year
MONTH_SECONDS = YEAR_SECONDS / 12  # the average month

# Fixed English names: labels must not depend on the locale (strftime %b would).
_MONTH_NAMES = MONTH_NAMES
_MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)
_WEEKDAY_ABBREVIATIONS = WEEKDAY_ABBREVIATIONS

_MICROSECONDS_PER_DAY = SECONDS_PER_DAY * 1_000_000
_LAST_ORDINAL = date.max.toordinal()


@dataclass(frozen=True, slots=True)
class Tick:
    """One mark on the ruler: where it is and the text drawn at it."""

    instant: float  # seconds since the epoch
    label: str


@dataclass(frozen=True, slots=True)
class Ruler:
    """The ticks of the time ruler for one visible range.

    ``minor`` is the lower row (e.g. "Jun", "Jul" or "15", "16" or "13:00"): every tick lies
    within the visible range, inclusive, in increasing order. ``major`` is the upper row of
    coarser groups (e.g. "2023", "June 2023", "Thu 15 June 2023"), each label starting at
    its tick. The first major tick is the start of the group that contains the visible start,
    so it is usually *before* ``start`` (the painter pins its label at the left edge); it can
    only be after ``start`` when the view begins before year 1. ``major`` is empty when the
    minor row already shows years. ``unit`` names the minor level ("5 years", "quarter",
    "month", "week", "day", "6 hours", "15 minutes", ...).
    """

    minor: list[Tick]
    major: list[Tick]
    unit: str


def datetime_to_instant(moment: datetime) -> float:
    """Seconds since 1970-01-01T00:00 of a floating (naive) datetime; any tzinfo is ignored."""
    days = moment.toordinal() - _EPOCH_ORDINAL
    seconds = days * SECONDS_PER_DAY + moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds + moment.microsecond / 1_000_000


FIRST_INSTANT = datetime_to_instant(datetime.min)  # 0001-01-01T00:00
LAST_INSTANT = datetime_to_instant(datetime(9999, 12, 31, 23, 59, 59))  # the last whole second of the calendar
_END_INSTANT = LAST_INSTANT + 1  # 10000-01-01T00:00, which datetime cannot hold


def instant_to_datetime(instant: float) -> datetime:
    """The naive (floating, UTC) datetime of an instant, to the microsecond, clamped to years 1..9999."""
    if math.isnan(instant):
        raise ValueError("an instant cannot be NaN")
    if instant <= FIRST_INSTANT:
        return datetime.min
    if instant >= _END_INSTANT:
        return datetime.max
    days, remainder = divmod(instant, SECONDS_PER_DAY)
    microseconds = round(remainder * 1_000_000)
    ordinal = int(days) + _EPOCH_ORDINAL
    if microseconds >= _MICROSECONDS_PER_DAY:
        ordinal += 1
        microseconds -= _MICROSECONDS_PER_DAY
    if ordinal > _LAST_ORDINAL:
        return datetime.max
    return datetime.fromordinal(ordinal) + timedelta(microseconds=microseconds)


# ---------------------------------------------------------------------------------- labels


def _year_label(moment: datetime) -> str:
    return str(moment.year)


def _quarter_label(moment: datetime) -> str:
    return f"Q{(moment.month - 1) // 3 + 1}"


def _month_label(moment: datetime) -> str:
    return _MONTH_ABBREVIATIONS[moment.month - 1]


def _day_label(moment: datetime) -> str:
    return str(moment.day)


def _clock_label(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _month_year_label(moment: datetime) -> str:
    return f"{_MONTH_NAMES[moment.month - 1]} {moment.year}"


def _full_day_label(moment: datetime) -> str:
    return f"{_WEEKDAY_ABBREVIATIONS[moment.weekday()]} {moment.day} {_MONTH_NAMES[moment.month - 1]} {moment.year}"


_GROUP_LABELS: dict[int, Callable[[datetime], str]] = {
    YEARLY: _year_label,
    MONTHLY: _month_year_label,
    DAILY: _full_day_label,
}


# ---------------------------------------------------------------------------------- levels


@dataclass(frozen=True, slots=True)
class _Level:
    unit: str
    frequency: int  # the rrule frequency of the minor ticks
    step: int  # the rrule interval, in units of the frequency
    seconds: float  # the typical distance between minor ticks
    label: Callable[[datetime], str]
    group: int | None  # the rrule frequency of the major row (YEARLY, MONTHLY or DAILY), None for no row


def _unit(step: int, name: str) -> str:
    return name if step == 1 else f"{step} {name}s"


_YEAR_STEPS = (1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)

# From coarse to fine.
_LEVELS: tuple[_Level, ...] = (
    *(_Level(_unit(n, "year"), YEARLY, n, n * YEAR_SECONDS, _year_label, None) for n in _YEAR_STEPS),
    _Level("quarter", MONTHLY, 3, 3 * MONTH_SECONDS, _quarter_label, YEARLY),
    _Level("month", MONTHLY, 1, MONTH_SECONDS, _month_label, YEARLY),
    _Level("week", WEEKLY, 1, 7 * SECONDS_PER_DAY, _day_label, MONTHLY),
    _Level("day", DAILY, 1, SECONDS_PER_DAY, _day_label, MONTHLY),
    *(_Level(_unit(n, "hour"), HOURLY, n, n * 3600, _clock_label, DAILY) for n in (12, 6, 3, 1)),
    *(_Level(_unit(n, "minute"), MINUTELY, n, n * 60, _clock_label, DAILY) for n in (30, 15, 10, 5, 1)),
)
# When even 1000 years is too dense (a very narrow plot), thin to these steps.
_FALLBACK_YEAR_STEPS = (2000, 5000, 10_000)


def _choose_level(seconds_per_pixel: float, min_spacing_px: float) -> _Level:
    """The finest level whose typical tick spacing is at least ``min_spacing_px``."""
    for level in reversed(_LEVELS):
        if level.seconds >= min_spacing_px * seconds_per_pixel:
            return level
    needed = min_spacing_px * seconds_per_pixel
    step = next((n for n in _FALLBACK_YEAR_STEPS if n * YEAR_SECONDS >= needed), _FALLBACK_YEAR_STEPS[-1])
    return _Level(_unit(step, "year"), YEARLY, step, step * YEAR_SECONDS, _year_label, None)


def _floor(moment: datetime, frequency: int, step: int) -> datetime | None:
    """The aligned tick at or before ``moment`` (or the first one after it if none exists before year 1)."""
    if frequency == YEARLY:
        year = moment.year // step * step or step  # year 0 does not exist: start at the first multiple
        return datetime(year, 1, 1) if year <= 9999 else None
    if frequency == MONTHLY:
        month = (moment.month - 1) // step * step + 1
        return moment + relativedelta(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    if frequency == WEEKLY:  # 0001-01-01 is a Monday, so there always is one
        return moment + relativedelta(weekday=MO(-1), hour=0, minute=0, second=0, microsecond=0)
    if frequency == DAILY:
        return moment + relativedelta(hour=0, minute=0, second=0, microsecond=0)
    if frequency == HOURLY:
        return moment + relativedelta(hour=moment.hour // step * step, minute=0, second=0, microsecond=0)
    return moment + relativedelta(minute=moment.minute // step * step, second=0, microsecond=0)


@lru_cache(maxsize=256)
def _tick_run(
    frequency: int, step: int, label: Callable[[datetime], str], first: datetime, last: datetime, limit: int
) -> tuple[Tick, ...]:
    """At most ``limit`` ticks of the rule from the aligned ``first`` to the aligned ``last``, inclusive.

    Both ends are aligned ticks, so panning only misses this cache when a tick enters or leaves the view.
    """
    if frequency == YEARLY:  # the same 1 January ticks, several times faster in dateutil than YEARLY
        frequency, step = MONTHLY, 12 * step
    rule = rrule(frequency, interval=step, dtstart=first, until=last)
    return tuple(Tick(datetime_to_instant(moment), label(moment)) for moment in islice(rule, limit))


# ---------------------------------------------------------------------------------- the ruler


def choose_ruler(start: float, end: float, width_px: float, min_spacing_px: float = 48.0) -> Ruler:
    """Ticks for the visible range [start, end] drawn over ``width_px`` pixels.

    Picks the finest level (from 1000 years down to 1 minute) whose typical tick spacing is at
    least ``min_spacing_px``; never returns more than ``width_px / min_spacing_px + 2`` minor
    ticks. Ticks only exist inside years 1..9999. A reversed range is read the right way round.
    """
    values = (start, end, width_px, min_spacing_px)
    if any(math.isnan(value) for value in values):
        raise ValueError("choose_ruler needs numbers, not NaN")
    if min_spacing_px <= 0:
        raise ValueError("min_spacing_px must be positive")
    if start > end:
        start, end = end, start
    minor, major, unit = _cached_ruler(float(start), float(end), float(width_px), float(min_spacing_px))
    return Ruler(list(minor), list(major), unit)


@lru_cache(maxsize=64)
def _cached_ruler(
    start: float, end: float, width_px: float, min_spacing_px: float
) -> tuple[tuple[Tick, ...], tuple[Tick, ...], str]:
    if width_px <= 0 or math.isinf(width_px):
        return (), (), _LEVELS[0].unit
    seconds_per_pixel = (end - start) / width_px
    level = _choose_level(seconds_per_pixel, min_spacing_px)
    if end < FIRST_INSTANT or start > LAST_INSTANT:
        return (), (), level.unit
    limit = int(width_px / min_spacing_px) + 2
    # Whole seconds inside the calendar: every tick falls on a whole minute.
    first = instant_to_datetime(math.floor(max(start, FIRST_INSTANT)))
    last = instant_to_datetime(math.floor(min(end, LAST_INSTANT)))

    minor: tuple[Tick, ...] = ()
    aligned_first = _floor(first, level.frequency, level.step)
    aligned_last = _floor(last, level.frequency, level.step)
    if aligned_first is not None and aligned_last is not None:
        run = _tick_run(level.frequency, level.step, level.label, aligned_first, aligned_last, limit + 1)
        minor = tuple(tick for tick in run if start <= tick.instant <= end)[:limit]

    major: tuple[Tick, ...] = ()
    if level.group is not None:
        # The group containing start, which may begin before it; a step of 1 is always aligned.
        group_first = _floor(first, level.group, 1)
        group_last = _floor(last, level.group, 1)
        if group_first is not None and group_last is not None:
            label = _GROUP_LABELS[level.group]
            major = _tick_run(level.group, 1, label, group_first, group_last, limit + 1)
    return minor, major, level.unit

"""The time ruler's tick choice: levels, calendar alignment, labels, bounds and the calendar's edges."""

from __future__ import annotations

import math
from datetime import datetime
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.timeline.ticks import (
    FIRST_INSTANT,
    LAST_INSTANT,
    Ruler,
    Tick,
    choose_ruler,
    datetime_to_instant,
    instant_to_datetime,
)

MINUTE = 60.0
HOUR = 3600.0
DAY = 86_400.0
YEAR = 365.2425 * DAY
WIDTH = 1600.0
SPACING = 48.0

YEAR_UNITS = {"year", "2 years", "5 years", "10 years", "20 years", "50 years", "100 years", "200 years"}
YEAR_UNITS |= {"500 years", "1000 years"}
HOUR_UNITS = {"hour", "3 hours", "6 hours", "12 hours"}
MINUTE_UNITS = {"minute", "5 minutes", "10 minutes", "15 minutes", "30 minutes"}


def at(*fields: int) -> float:
    """The instant of a floating date and time."""
    return datetime_to_instant(datetime(*fields))


def check_minor(ruler: Ruler, start: float, end: float, width_px: float, min_spacing_px: float = SPACING) -> None:
    """Minor ticks are sorted, inside [start, end], not crowded and not too many."""
    instants = [tick.instant for tick in ruler.minor]
    assert instants == sorted(instants)
    assert len(set(instants)) == len(instants)
    assert all(start <= instant <= end for instant in instants)
    assert len(instants) <= width_px / min_spacing_px + 2
    seconds_per_pixel = (end - start) / width_px
    for earlier, later in pairwise(instants):
        assert (later - earlier) / seconds_per_pixel >= 0.9 * min_spacing_px  # months vary: 28 to 31 days


START = at(2023, 6, 15, 13, 7)


@pytest.mark.parametrize(
    ("span", "units"),
    [
        (10 * YEAR, {"year"}),
        (YEAR, {"month"}),
        (61 * DAY, {"week", "day"}),
        (DAY, HOUR_UNITS),
        (30 * MINUTE, MINUTE_UNITS),
        (300 * YEAR, YEAR_UNITS),
        (3 * YEAR, {"quarter", "month"}),
    ],
)
def test_the_level_follows_the_zoom(span: float, units: set[str]) -> None:
    ruler = choose_ruler(START, START + span, WIDTH)
    assert ruler.unit in units
    assert ruler.minor
    check_minor(ruler, START, START + span, WIDTH)


def test_the_finest_level_that_fits_is_chosen() -> None:
    # An hour is 66 px over a day drawn on 1600 px; 30 minutes would be 33 px.
    assert choose_ruler(START, START + DAY, WIDTH).unit == "hour"
    assert choose_ruler(START, START + DAY, WIDTH, min_spacing_px=100).unit == "3 hours"
    # 30 minutes over 1600 px: one minute is 53 px.
    assert choose_ruler(START, START + 30 * MINUTE, WIDTH).unit == "minute"


@pytest.mark.parametrize(
    "span", [10 * MINUTE, 5 * HOUR, 3 * DAY, 45 * DAY, 2 * YEAR, 40 * YEAR, 2000 * YEAR, 9000 * YEAR]
)
@pytest.mark.parametrize("width_px", [200.0, 1600.0, 3840.0])
def test_minor_ticks_are_sorted_inside_the_range_spaced_and_bounded(span: float, width_px: float) -> None:
    start = at(1500, 3, 7, 5, 43) if span > 1000 * YEAR else START
    ruler = choose_ruler(start, start + span, width_px)
    check_minor(ruler, start, start + span, width_px)


def test_month_ticks_fall_on_the_first_of_each_month_through_a_leap_february() -> None:
    start, end = at(2023, 11, 15), at(2024, 6, 10)
    ruler = choose_ruler(start, end, 600)
    assert ruler.unit == "month"
    moments = [instant_to_datetime(tick.instant) for tick in ruler.minor]
    assert moments == [datetime(2023, 12, 1), *(datetime(2024, month, 1) for month in range(1, 7))]
    assert [tick.label for tick in ruler.minor] == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"]
    february, march = ruler.minor[2].instant, ruler.minor[3].instant
    assert march - february == 29 * DAY
    assert [(tick.label, tick.instant) for tick in ruler.major] == [("2023", at(2023, 1, 1)), ("2024", at(2024, 1, 1))]


def test_quarters_start_in_january_april_july_and_october() -> None:
    start, end = at(2021, 2, 10), at(2024, 2, 10)
    ruler = choose_ruler(start, end, 1000)
    assert ruler.unit == "quarter"
    moments = [instant_to_datetime(tick.instant) for tick in ruler.minor]
    assert all(moment.month in (1, 4, 7, 10) and moment.day == 1 for moment in moments)
    assert [tick.label for tick in ruler.minor[:4]] == ["Q2", "Q3", "Q4", "Q1"]
    assert [tick.label for tick in ruler.major] == ["2021", "2022", "2023", "2024"]


def test_week_ticks_are_mondays_labelled_with_the_day_of_the_month() -> None:
    start, end = at(2023, 5, 20), at(2023, 7, 20)
    ruler = choose_ruler(start, end, WIDTH)
    assert ruler.unit == "week"
    moments = [instant_to_datetime(tick.instant) for tick in ruler.minor]
    assert all(moment.weekday() == 0 and moment.hour == 0 for moment in moments)
    assert [tick.label for tick in ruler.minor[:3]] == ["22", "29", "5"]
    assert [tick.label for tick in ruler.major] == ["May 2023", "June 2023", "July 2023"]
    assert ruler.major[1].instant == at(2023, 6, 1)


def test_hour_and_minute_labels_are_clock_times_under_the_day() -> None:
    hours = choose_ruler(START, START + DAY, WIDTH)
    assert hours.minor[0].label == "14:00"
    assert hours.minor[10].label == "00:00"
    assert [tick.label for tick in hours.major] == ["Thu 15 June 2023", "Fri 16 June 2023"]
    minutes = choose_ruler(START - 2 * MINUTE, START + 10 * MINUTE, 800)
    assert minutes.unit == "minute"
    assert [tick.label for tick in minutes.minor[:3]] == ["13:05", "13:06", "13:07"]
    assert [tick.label for tick in minutes.major] == ["Thu 15 June 2023"]


def test_year_ticks_are_aligned_to_their_step_with_no_major_row() -> None:
    start = at(1987, 5, 5)
    ruler = choose_ruler(start, start + 60 * YEAR, 1000)
    assert ruler.unit == "5 years"
    assert [tick.label for tick in ruler.minor] == [str(year) for year in range(1990, 2050, 5)]
    assert all(instant_to_datetime(tick.instant) == datetime(int(tick.label), 1, 1) for tick in ruler.minor)
    assert ruler.major == []


@pytest.mark.parametrize(
    ("start", "span", "label", "group_start"),
    [
        (at(2023, 6, 15), YEAR, "2023", at(2023, 1, 1)),
        (at(2023, 6, 15, 8), 45 * DAY, "June 2023", at(2023, 6, 1)),
        (at(2023, 6, 15, 8), 20 * DAY, "June 2023", at(2023, 6, 1)),
        (at(2023, 6, 15, 13, 7), DAY, "Thu 15 June 2023", at(2023, 6, 15)),
        (at(2024, 2, 29, 23, 50), 30 * MINUTE, "Thu 29 February 2024", at(2024, 2, 29)),
    ],
)
def test_the_major_row_holds_the_group_that_contains_start(
    start: float, span: float, label: str, group_start: float
) -> None:
    ruler = choose_ruler(start, start + span, WIDTH)
    first = ruler.major[0]
    assert first == Tick(group_start, label)
    assert first.instant <= start
    assert all(first.instant < tick.instant <= start + span for tick in ruler.major[1:])


def test_a_narrow_plot_over_the_whole_calendar_still_bounds_the_ticks() -> None:
    ruler = choose_ruler(FIRST_INSTANT, LAST_INSTANT, 100)
    assert ruler.unit.endswith("years")
    check_minor(ruler, FIRST_INSTANT, LAST_INSTANT, 100)
    wide = choose_ruler(FIRST_INSTANT, LAST_INSTANT, 1600)
    assert wide.unit == "500 years"
    check_minor(wide, FIRST_INSTANT, LAST_INSTANT, 1600)


@pytest.mark.parametrize("span", [10 * MINUTE, DAY, 40 * DAY, YEAR, 30 * YEAR, 3000 * YEAR])
def test_the_edges_of_the_calendar_do_not_raise(span: float) -> None:
    for start in (FIRST_INSTANT, FIRST_INSTANT - span / 2, LAST_INSTANT - span, LAST_INSTANT - span / 2):
        ruler = choose_ruler(start, start + span, WIDTH)
        check_minor(ruler, start, start + span, WIDTH)
        assert all(FIRST_INSTANT <= tick.instant <= LAST_INSTANT for tick in ruler.minor + ruler.major)


def test_year_one_and_year_9999_have_their_labels() -> None:
    first = choose_ruler(FIRST_INSTANT - DAY, FIRST_INSTANT + 2 * DAY, WIDTH)
    assert first.major[0] == Tick(FIRST_INSTANT, "Mon 1 January 1")  # before the calendar: the first group
    last = choose_ruler(LAST_INSTANT - 3 * HOUR, LAST_INSTANT + DAY, WIDTH)
    assert last.major == [Tick(at(9999, 12, 31), "Fri 31 December 9999")]
    assert last.minor[-1].label == "23:00"
    assert choose_ruler(FIRST_INSTANT - 2 * YEAR, FIRST_INSTANT - YEAR, WIDTH) == Ruler([], [], "month")


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1),
        datetime(1, 3, 1, 12, 30, 15),
        datetime(1969, 12, 31, 23, 59, 59),
        datetime(1970, 1, 1),
        datetime(2024, 2, 29, 13, 5, 0, 250_000),
        datetime(9999, 12, 31, 23, 59, 59),
    ],
)
def test_instants_and_datetimes_round_trip(moment: datetime) -> None:
    assert instant_to_datetime(datetime_to_instant(moment)) == moment


def test_known_instants_and_clamping() -> None:
    assert datetime_to_instant(datetime(1970, 1, 2)) == DAY
    assert datetime_to_instant(datetime(1, 1, 1)) == FIRST_INSTANT == -62_135_596_800
    assert instant_to_datetime(-1.5) == datetime(1969, 12, 31, 23, 59, 58, 500_000)
    assert instant_to_datetime(FIRST_INSTANT - 1e12) == datetime.min
    assert instant_to_datetime(-math.inf) == datetime.min
    assert instant_to_datetime(LAST_INSTANT + 5) == datetime.max
    assert instant_to_datetime(math.inf) == datetime.max
    with pytest.raises(ValueError, match="NaN"):
        instant_to_datetime(math.nan)


def test_odd_arguments() -> None:
    assert choose_ruler(START + DAY, START, WIDTH) == choose_ruler(START, START + DAY, WIDTH)
    assert choose_ruler(START, START + DAY, 0).minor == []
    with pytest.raises(ValueError, match="NaN"):
        choose_ruler(math.nan, START, WIDTH)
    with pytest.raises(ValueError, match="positive"):
        choose_ruler(START, START + DAY, WIDTH, min_spacing_px=0)


def test_the_returned_lists_are_the_callers_own() -> None:
    ruler = choose_ruler(START, START + YEAR, WIDTH)
    ruler.minor.clear()
    ruler.major.append(Tick(0.0, "mine"))
    again = choose_ruler(START, START + YEAR, WIDTH)
    assert again.minor
    assert Tick(0.0, "mine") not in again.major


@settings(max_examples=150, deadline=None)
@given(
    start=st.floats(FIRST_INSTANT, at(9999, 1, 1)),
    span=st.floats(60.0, 5000 * YEAR),
    width_px=st.floats(50.0, 4000.0),
)
def test_any_range_gives_sorted_ticks_inside_it(start: float, span: float, width_px: float) -> None:
    end = start + span
    ruler = choose_ruler(start, end, width_px)
    instants = [tick.instant for tick in ruler.minor]
    assert instants == sorted(instants)
    assert all(start <= instant <= end for instant in instants)
    assert len(instants) <= width_px / SPACING + 2
    assert all(instant % 60 == 0 for instant in instants)
    if not ruler.unit.endswith(("year", "years")):
        assert ruler.major, "the group containing start is always there"
        assert ruler.major[0].instant <= start
    majors = [tick.instant for tick in ruler.major]
    assert majors == sorted(majors)


@given(st.integers(int(FIRST_INSTANT), int(LAST_INSTANT)))
def test_every_whole_second_of_the_calendar_round_trips(instant: int) -> None:
    assert datetime_to_instant(instant_to_datetime(instant)) == instant

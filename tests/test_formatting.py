"""Dates, spans, visible ranges and durations as a reader expects them."""

from __future__ import annotations

from datetime import datetime

import pytest

from viewer.formatting import (
    DASH,
    MONTH_NAMES,
    format_duration,
    format_event_dates,
    format_instant_range,
    format_partial_date,
    format_span,
)
from viewer.store.dates import PartialDate, Precision, parse_date
from viewer.store.model import Event

DAY = 86_400


def dashed(text: str) -> str:
    """Expected text written with "--" where the output has an en dash (keeps the source ASCII)."""
    return text.replace("--", DASH)


def seconds(text: str) -> float:
    """Seconds since the epoch of an ISO text read as floating UTC."""
    return (datetime.fromisoformat(text) - datetime(1970, 1, 1)).total_seconds()


def event(start: str, end: str | None = None, timezone: str | None = None, within: bool = False) -> Event:
    return Event(
        id="e1",
        title="Meeting",
        start=parse_date(start),
        end=parse_date(end) if end else None,
        timezone=timezone,
        within=within,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", "2023"),
        ("2023-06", "June 2023"),
        ("2023-06-15", "15 June 2023"),
        ("2023-06-14", "14 June 2023"),
        ("2023-07-12T13:00", "12 July 2023, 13:00"),
        ("2023-07-12T13:00Z", "12 July 2023, 13:00 UTC"),
        ("2023-07-12T13:00+03:00", "12 July 2023, 13:00 UTC+03:00"),
        ("2023-07-12T13:00-05:30", "12 July 2023, 13:00 UTC-05:30"),
        ("0001-01-01", "1 January 1"),
        ("0999", "999"),
        ("9999-12-31", "31 December 9999"),
    ],
)
def test_a_single_date_is_written_at_its_precision(text: str, expected: str) -> None:
    assert format_partial_date(parse_date(text)) == expected


@pytest.mark.parametrize(
    ("start", "end", "timezone", "within", "expected"),
    [
        ("2023-06-14", None, None, False, "14 June 2023"),
        ("2023-06", None, None, False, "June 2023"),
        ("2023", None, None, False, "2023"),
        ("2023-06-15", "2023-06-15", None, False, "15 June 2023"),
        ("2023-06-15", "2023-06-16", None, False, "15--16 June 2023"),
        ("2023-06-30", "2023-07-02", None, False, "30 June -- 2 July 2023"),
        ("2023-12-30", "2024-01-02", None, False, "30 December 2023 -- 2 January 2024"),
        ("2023-06", "2023-08", None, False, "June -- August 2023"),
        ("2023-11", "2024-02", None, False, "November 2023 -- February 2024"),
        ("2014", "2016", None, False, "2014--2016"),
        ("2023-07-12T13:00", None, None, False, "12 July 2023, 13:00"),
        ("2023-07-12T13:00", None, "Europe/Vilnius", False, "12 July 2023, 13:00 EEST"),
        ("2023-07-12T13:00", None, "UTC", False, "12 July 2023, 13:00 UTC"),
        ("2023-07-12T13:00", None, "+03:00", False, "12 July 2023, 13:00 UTC+03:00"),
        ("2023-07-12T13:00", "2023-07-12T15:30", "Europe/Vilnius", False, "12 July 2023, 13:00--15:30 EEST"),
        ("2023-07-12T13:00", "2023-07-12T15:30", None, False, "12 July 2023, 13:00--15:30"),
        (
            "2023-07-12T13:00",
            "2023-07-13T09:15",
            "Europe/Vilnius",
            False,
            "12 July 2023, 13:00 EEST -- 13 July 2023, 09:15 EEST",
        ),
        ("2023-07-12T13:00", "2023-07-13T09:15", None, False, "12 July 2023, 13:00 -- 13 July 2023, 09:15"),
        ("2023-06-15", "2023-06-16", None, True, "some time during 15--16 June 2023"),
        ("2023-06", "2023-08", None, True, "some time during June -- August 2023"),
        ("2023-06", None, None, True, "some time in June 2023"),
        ("2023", None, None, True, "some time in 2023"),
        ("2023-06-15", None, None, True, "some time on 15 June 2023"),
        ("2023-06-15", "2023-06-15", None, True, "some time on 15 June 2023"),
    ],
)
def test_event_dates_read_naturally(
    start: str, end: str | None, timezone: str | None, within: bool, expected: str
) -> None:
    assert format_event_dates(event(start, end, timezone, within)) == dashed(expected)
    end_date = parse_date(end) if end else None
    assert format_span(parse_date(start), end_date, timezone=timezone, within=within) == dashed(expected)


@pytest.mark.parametrize(
    ("text", "timezone", "abbreviation"),
    [
        ("2023-01-12T13:00", "Europe/Vilnius", "EET"),
        ("2023-07-12T13:00", "Europe/Vilnius", "EEST"),
        ("2023-06-15T09:00", "Europe/Brussels", "CEST"),
        ("2023-12-15T09:00", "Europe/Brussels", "CET"),
        ("2023-01-12T13:00", "Europe/London", "GMT"),
        ("2023-06-15T09:00", "Asia/Dubai", "UTC+04:00"),
        ("2023-06-15T09:00", "Asia/Kolkata", "IST"),
        ("2023-06-15T09:00", "America/Sao_Paulo", "UTC-03:00"),
        ("2023-06-15T09:00", "-04:30", "UTC-04:30"),
    ],
)
def test_the_zone_abbreviation_follows_daylight_saving(text: str, timezone: str, abbreviation: str) -> None:
    day, time = parse_date(text).iso().split("T")
    expected = f"{format_partial_date(parse_date(day))}, {time} {abbreviation}"
    assert format_event_dates(event(text, timezone=timezone)) == expected


def test_the_event_zone_overrides_an_offset_written_in_the_date() -> None:
    assert format_event_dates(event("2023-07-12T13:00+03:00", timezone="Europe/Vilnius")) == "12 July 2023, 13:00 EEST"


def test_a_span_across_a_daylight_saving_change_names_both_zones() -> None:
    text = format_event_dates(event("2023-03-26T01:00", "2023-03-26T05:00", timezone="Europe/Vilnius"))
    assert text == dashed("26 March 2023, 01:00 EET -- 26 March 2023, 05:00 EEST")


def test_an_unknown_zone_is_shown_as_written_rather_than_raising() -> None:
    value = PartialDate(2023, 7, 12, 13, 0, Precision.MINUTE)
    assert format_partial_date(value, timezone="Mars/Olympus") == "12 July 2023, 13:00 Mars/Olympus"


def test_month_names_are_fixed_english() -> None:
    assert MONTH_NAMES[0] == "January"
    assert MONTH_NAMES[-1] == "December"
    assert len(MONTH_NAMES) == 12


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2023-06-01T00:00", "2024-04-01T00:00", "June 2023 -- March 2024"),
        ("2023-06-01T00:00", "2023-09-01T00:00", "June -- August 2023"),
        ("2023-06-15T00:00", "2023-06-17T00:00", "15--16 June 2023"),
        ("2023-06-15T06:00", "2023-06-17T18:00", "15--17 June 2023"),
        ("2023-06-30T00:00", "2023-07-05T00:00", "30 June -- 4 July 2023"),
        ("2023-06-15T09:00", "2023-06-15T17:30", "15 June 2023, 09:00--17:30"),
        ("2023-06-15T22:00", "2023-06-16T06:00", "15 June 2023, 22:00 -- 16 June 2023, 06:00"),
        ("2012-01-01T00:00", "2017-01-01T00:00", "2012--2016"),
    ],
)
def test_a_visible_range_is_written_at_a_fitting_precision(start: str, end: str, expected: str) -> None:
    assert format_instant_range(seconds(start), seconds(end)) == dashed(expected)


def test_a_reversed_visible_range_reads_the_same() -> None:
    start, end = seconds("2023-06-15T09:00"), seconds("2023-06-15T17:30")
    assert format_instant_range(end, start) == format_instant_range(start, end)


def test_a_visible_range_beyond_the_calendar_is_clamped() -> None:
    assert format_instant_range(-1e20, 1e20) == dashed("1--9999")
    assert format_instant_range(float("-inf"), float("inf")) == dashed("1--9999")


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (45, "45 seconds"),
        (20 * 60, "20 minutes"),
        (20 * 60 + 29, "20 minutes"),
        (20 * 60 + 31, "21 minutes"),
        (90 * 60, "90 minutes"),
        (6 * 3600, "6 hours"),
        (6.4 * 3600, "6 hours"),
        (36 * 3600, "36 hours"),
        (47.5 * 3600, "2 days"),
        (12 * DAY, "12 days"),
        (40 * DAY, "40 days"),
        (61 * DAY, "2 months"),
        (152 * DAY, "5 months"),
        (18 * 30.44 * DAY, "18 months"),
        (3 * 365.25 * DAY, "3 years"),
        (3.6 * 365.25 * DAY, "4 years"),
        (-12 * DAY, "12 days"),
    ],
)
def test_a_duration_is_rounded_to_a_sensible_unit(length: float, expected: str) -> None:
    assert format_duration(length) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01", "0001-01-02"),
        ("0001-01-01T00:00", "0001-01-01T03:00"),
        ("9999-12-30", "9999-12-31"),
        ("9999-12-31T00:00", "9999-12-31T23:59"),
        ("0001", "9999"),
    ],
)
@pytest.mark.parametrize("timezone", [None, "UTC", "Europe/Vilnius", "Asia/Dubai", "+14:00", "-12:00"])
def test_the_calendar_edges_do_not_raise(start: str, end: str, timezone: str | None) -> None:
    text = format_event_dates(event(start, end, timezone))
    assert text
    assert format_event_dates(event(start, end, timezone, within=True)).startswith("some time during ")


def test_the_calendar_edges_of_the_time_axis_do_not_raise() -> None:
    first, last = seconds("0001-01-01T00:00"), seconds("9999-12-31T23:59")
    assert format_instant_range(first, last) == dashed("1--9999")
    assert format_instant_range(first, first + 3600) == dashed("1 January 1, 00:00--01:00")
    assert format_instant_range(last - 3600, last) == dashed("31 December 9999, 22:59--23:59")
    assert format_duration(last - first) == "9999 years"


def test_a_selection_spans_from_its_first_start_to_its_last_end_as_each_is_known() -> None:
    from viewer.formatting import format_events_span
    from viewer.store.model import Event

    june = Event("a", "A", parse_date("2023-06-15"), parse_date("2023-06-16"))
    july = Event("b", "B", parse_date("2023-07-11"), parse_date("2023-07-12"))
    year = Event("c", "C", parse_date("2022"))
    timed = Event("d", "D", parse_date("2023-07-12T13:00"), timezone="Europe/Vilnius")
    assert format_events_span(june, july) == "15 June – 12 July 2023"
    assert format_events_span(year, july) == "2022 – 12 July 2023"
    assert format_events_span(june, timed) == "15 June 2023 – 12 July 2023, 13:00 EEST"
    assert format_events_span(june, june) == "15–16 June 2023"

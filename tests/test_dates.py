"""Reading dates the way analysts write them, and the instants derived from them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viewer.store.dates import Precision, normalise_timezone, parse_date
from viewer.store.errors import InvalidDateError


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2023", "2023", Precision.YEAR),
        ("2023-06", "2023-06", Precision.MONTH),
        ("June 2023", "2023-06", Precision.MONTH),
        ("2023-06-15", "2023-06-15", Precision.DAY),
        ("14 Jun. 2023", "2023-06-14", Precision.DAY),
        ("15 June 2023", "2023-06-15", Precision.DAY),
        ("2023-07-12T13:00", "2023-07-12T13:00", Precision.MINUTE),
        ("2023-07-12 13:00:59", "2023-07-12T13:00", Precision.MINUTE),
        ("12 July 2023 1pm", "2023-07-12T13:00", Precision.MINUTE),
        ("0001-01-01", "0001-01-01", Precision.DAY),
        ("9999-12-31", "9999-12-31", Precision.DAY),
    ],
)
def test_precision_is_inferred_from_the_text(text: str, iso: str, precision: Precision) -> None:
    parsed = parse_date(text)
    assert parsed.iso() == iso
    assert parsed.precision is precision


def test_a_coarser_precision_truncates_and_a_finer_one_is_refused() -> None:
    assert parse_date("2023-06-15", "month").iso() == "2023-06"
    with pytest.raises(InvalidDateError, match="only known to the month"):
        parse_date("June 2023", "day")


@pytest.mark.parametrize(
    "text", ["", "   ", "tomorrow", "2023-02-30", "Jan 5", "0000-01-01", "2023-13", "25:00 1 May 2023"]
)
def test_unreadable_dates_are_refused_with_the_store_error(text: str) -> None:
    with pytest.raises(InvalidDateError):
        parse_date(text)


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidDateError, match="must be text"):
        parse_date(20230615)


def test_a_date_only_value_is_never_moved_by_a_time_zone() -> None:
    day = parse_date("2023-06-15")
    assert day.first_instant("Pacific/Kiritimati") == day.first_instant("Pacific/Pago_Pago")
    assert day.end_instant("Asia/Tokyo") - day.first_instant("Asia/Tokyo") == 86_400


def test_a_timed_value_is_converted_to_utc_through_its_zone() -> None:
    moment = parse_date("2023-07-12T13:00")
    # Vilnius is UTC+3 in July (EEST).
    assert moment.first_instant() - moment.first_instant("Europe/Vilnius") == 3 * 3600
    assert moment.end_instant("Europe/Vilnius") - moment.first_instant("Europe/Vilnius") == 60


def test_an_offset_in_the_text_is_kept_as_the_zone() -> None:
    moment = parse_date("2023-07-12T13:00+03:00")
    assert moment.zone == "+03:00"
    assert moment.first_instant() == parse_date("2023-07-12T10:00Z").first_instant()


def test_periods_cover_their_whole_span() -> None:
    june = parse_date("2023-06")
    assert june.end_instant() == parse_date("2023-07-01").first_instant()
    february_leap = parse_date("2024-02")
    assert february_leap.end_instant() - february_leap.first_instant() == 29 * 86_400
    assert parse_date("9999").end_instant() > parse_date("9999-12-31").first_instant()


def test_time_zone_names_are_checked() -> None:
    assert normalise_timezone("Europe/Brussels") == "Europe/Brussels"
    assert normalise_timezone("+0300") == "+03:00"
    for bad in ("Europe/Nowhere", "garbage", "../../etc/passwd", ""):
        with pytest.raises(InvalidDateError):
            normalise_timezone(bad)


@given(st.text(max_size=40))
def test_arbitrary_text_raises_nothing_but_the_store_error(text: str) -> None:
    try:
        parsed = parse_date(text)
    except InvalidDateError:
        return
    assert parse_date(parsed.iso()).iso() == parsed.iso()

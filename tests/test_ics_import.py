"""Importing iCalendar files: real calendars' events, recurrences, the app's own export back, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON, file_state

from viewer.cli import main
from viewer.store import errors, ics_import
from viewer.store.importer import import_files
from viewer.store.reader import EventStore


def _calendar(path: Path, *events: str, head: str = "PRODID:-//Example Corp//Calendar 1.0//EN") -> Path:
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{head}\r\n{body}END:VCALENDAR\r\n"
    path.write_text(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n"), encoding="utf-8")
    return path


def _events(db: Path) -> dict:
    with EventStore(db) as store:
        return {event.id: event for event in store.iter_events()}


MEETING = """
UID:ministers-2023@example.org
DTSTAMP:20230601T090000Z
DTSTART;VALUE=DATE:20230615
DTEND;VALUE=DATE:20230617
SUMMARY:Defence Ministers\\, Brussels
LOCATION:NATO HQ\\; Brussels
DESCRIPTION:First line\\nSecond line
CATEGORIES:nato,ministerial
CATEGORIES:defence
URL:https://www.nato.int/ministers
STATUS:CONFIRMED
"""

TIMED = """
UID:call@example.org
DTSTART;TZID=Europe/Brussels:20230616T093000
DTEND;TZID=Europe/Brussels:20230616T110000
SUMMARY:Press conference
STATUS:TENTATIVE
"""

UTC_EVENT = """
UID:utc@example.org
DTSTART:20230711T080000Z
DURATION:PT2H
SUMMARY:Vilnius arrival
STATUS:CANCELLED
"""

FLOATING = """
UID:floating@example.org
DTSTART:20230712T140000
SUMMARY:Side meeting
"""


def test_a_calendars_events_import_with_their_dates_zones_and_fields(tmp_path: Path) -> None:
    source = _calendar(tmp_path / "nato.ics", MEETING, TIMED, UTC_EVENT, FLOATING)
    report = import_files([source], tmp_path / "cal.db")
    assert report.events == 4
    events = _events(tmp_path / "cal.db")
    meeting = events["ministers-2023@example.org"]
    assert (meeting.start.iso(), meeting.end.iso(), meeting.precision.value) == ("2023-06-15", "2023-06-16", "day")
    assert meeting.title == "Defence Ministers, Brussels"
    assert meeting.location == "NATO HQ; Brussels"
    assert meeting.description == "First line\nSecond line"
    assert meeting.tags == ("nato", "ministerial", "defence")
    assert [s.url for s in meeting.sources] == ["https://www.nato.int/ministers"]
    assert meeting.status is None  # CONFIRMED says neither held nor scheduled
    timed = events["call@example.org"]
    assert (timed.start.iso(), timed.end.iso(), timed.timezone) == ("2023-06-16T09:30", "2023-06-16T11:00",
                                                                    "Europe/Brussels")
    assert timed.status.value == "announced"
    utc = events["utc@example.org"]
    assert (utc.start.iso(), utc.end.iso(), utc.timezone, utc.status.value) == (
        "2023-07-11T08:00", "2023-07-11T10:00", "UTC", "cancelled")
    floating = events["floating@example.org"]
    assert (floating.start.iso(), floating.end, floating.timezone) == ("2023-07-12T14:00", None, None)


def test_a_one_day_event_has_no_end_and_a_zone_that_is_no_iana_name_keeps_its_offset(tmp_path: Path) -> None:
    one_day = "UID:one@x\nDTSTART;VALUE=DATE:20230615\nDTEND;VALUE=DATE:20230616\nSUMMARY:One day"
    custom = "UID:custom@x\nDTSTART;TZID=Brussels time:20230615T100000\nSUMMARY:Custom zone"
    zone = ("BEGIN:VTIMEZONE\nTZID:Brussels time\nBEGIN:DAYLIGHT\nDTSTART:19700329T020000\n"
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\n"
            "BEGIN:STANDARD\nDTSTART:19701025T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
            "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE")
    source = _calendar(tmp_path / "c.ics", one_day, custom, head="PRODID:-//x//y//EN\n" + zone)
    import_files([source], tmp_path / "c.db")
    events = _events(tmp_path / "c.db")
    assert (events["one@x"].start.iso(), events["one@x"].end) == ("2023-06-15", None)
    assert (events["custom@x"].start.iso(), events["custom@x"].timezone) == ("2023-06-15T10:00", "+02:00")


WEEKLY = """
UID:staff@example.org
DTSTART;TZID=Europe/Brussels:20230605T100000
DTEND;TZID=Europe/Brussels:20230605T110000
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=Europe/Brussels:20230619T100000
SUMMARY:Staff meeting
"""

MOVED = """
UID:staff@example.org
RECURRENCE-ID;TZID=Europe/Brussels:20230612T100000
DTSTART;TZID=Europe/Brussels:20230613T150000
DTEND;TZID=Europe/Brussels:20230613T160000
SUMMARY:Staff meeting (moved)
"""


def test_a_recurring_event_gives_each_occurrence_named_by_its_original_start(tmp_path: Path) -> None:
    source = _calendar(tmp_path / "staff.ics", WEEKLY, MOVED)
    import_files([source], tmp_path / "staff.db")
    events = _events(tmp_path / "staff.db")
    assert sorted(events) == [
        "staff@example.org/2023-06-05T10:00",
        "staff@example.org/2023-06-12T10:00",  # moved to the 13th, still named by the 12th
        "staff@example.org/2023-06-26T10:00",  # the 19th is excluded
    ]
    moved = events["staff@example.org/2023-06-12T10:00"]
    assert (moved.title, moved.start.iso()) == ("Staff meeting (moved)", "2023-06-13T15:00")
    # Importing the calendar again, with a title changed, updates the same events.
    _calendar(tmp_path / "staff.ics", WEEKLY.replace("Staff meeting", "Staff meeting (room 2)"), MOVED)
    import_files([source], tmp_path / "staff.db")
    again = _events(tmp_path / "staff.db")
    assert sorted(again) == sorted(events)
    assert again["staff@example.org/2023-06-05T10:00"].title == "Staff meeting (room 2)"


def test_a_rule_without_an_end_is_cut_short_and_the_import_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(ics_import, "MAX_OCCURRENCES", 50)
    source = _calendar(tmp_path / "daily.ics", "UID:d@x\nDTSTART;VALUE=DATE:20230101\nRRULE:FREQ=DAILY\nSUMMARY:Brief")
    assert main(["import", str(source), "--db", str(tmp_path / "d.db")]) == 0
    captured = capsys.readouterr()
    assert "50 events" in captured.out
    assert captured.err.startswith("note: ")
    assert "recurs more than 50 times; its first 50 occurrences were imported" in captured.err
    assert len(_events(tmp_path / "d.db")) == 50


def test_a_calendar_expanding_to_too_many_occurrences_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ics_import, "MAX_EXPANDED", 30)
    series = [f"UID:s{i}@x\nDTSTART;VALUE=DATE:20230101\nRRULE:FREQ=DAILY;COUNT=10\nSUMMARY:S{i}" for i in range(4)]
    source = _calendar(tmp_path / "many.ics", *series)
    with pytest.raises(errors.ImportRefusedError, match="expand to more than 30 occurrences"):
        import_files([source], tmp_path / "many.db")
    assert not (tmp_path / "many.db").exists()


def test_the_apps_own_calendar_export_imports_back_to_the_same_events(tmp_path: Path, capsys) -> None:
    db = tmp_path / "sample.db"
    import_files([SAMPLE_JSON], db)
    assert main(["export", str(db), "--format", "ics", "-o", str(tmp_path / "sample.ics")]) == 0
    assert main(["export", str(db), "--format", "json", "-o", str(tmp_path / "before.json")]) == 0
    # Into a copy holding the same bodies, with every event changed first: the calendar puts them back.
    document = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    for event in document["events"]:
        event.update(title="changed", start="1999", location=None, tags=[], summary=None, description=None)
        for name in ("end", "timezone", "within", "precision", "status", "kind", "sources", "bodies"):
            event.pop(name, None)
    (tmp_path / "changed.json").write_text(json.dumps(document), encoding="utf-8")
    import_files([tmp_path / "changed.json"], tmp_path / "back.db")
    import_files([tmp_path / "sample.ics"], tmp_path / "back.db")
    assert main(["export", str(tmp_path / "back.db"), "--format", "json", "-o", str(tmp_path / "after.json")]) == 0
    before = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))
    after = json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))
    # The dates the changed copy gave are kept as each event's earlier dates; the rest is as it was.
    for event in after["events"]:
        (earlier,) = event.pop("history")
        assert (earlier["start"], earlier["precision"], earlier["file"]) == ("1999", "year", "changed.json")
    assert after["events"] == before["events"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n", "holds no events"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:No start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "VEVENT #1: field 'DTSTART': a VEVENT needs a DTSTART"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20230101T100000Z\r\nSUMMARY:No UID\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n", "VEVENT #1: a VEVENT has no UID"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20230101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "'title' is required"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:2023-13-45\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n", "VEVENT #1: field 'DTSTART': malformed iCalendar"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20230105\r\nDTEND:20230101\r\nSUMMARY:x\r\n"
         "END:VEVENT\r\nEND:VCALENDAR\r\n", "field 'DTEND': DTEND 2023-01-01 is before DTSTART 2023-01-05"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART:20230101\r\n", "malformed iCalendar"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART;TZID=Mars/Olympus:20230101T100000\r\n"
         "END:VEVENT\r\nEND:VCALENDAR\r\n", "the time zone 'Mars/Olympus' is neither an IANA name nor defined"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART:99991231T235900Z\r\nDURATION:P10D\r\n"
         "END:VEVENT\r\nEND:VCALENDAR\r\n", "field 'DURATION': DTSTART plus DURATION is past the last date"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART:20230101T100000Z\r\n"
         "DTEND;VALUE=DATE:20230105\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "DTEND is a date but DTSTART a time"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:20230101\r\n"
         "DTEND:20230105T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "DTEND is a time but DTSTART a date"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART:20230101\r\nEND:VEVENT\r\n"
         "BEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:y\r\nDTSTART:20230102\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "VEVENT #2 (id 'a@x'): duplicate id"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:x\r\nDTSTART:20230101T100000Z\r\n"
         "RRULE:FREQ=NEVER\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "the recurrence of VEVENT 'a@x' cannot be read"),
    ],
    ids=["no-events", "no-dtstart", "no-uid", "no-summary", "bad-date", "end-before-start", "truncated",
         "unknown-zone", "duration-overflow", "date-end-of-a-time", "time-end-of-a-date", "same-uid", "bad-rule"],
)
def test_a_bad_calendar_is_refused_with_where_and_why_and_nothing_is_written(
    tmp_path: Path, small_db: Path, text: str, message: str, capsys
) -> None:
    source = tmp_path / "bad.ics"
    source.write_text(text, encoding="utf-8")
    before = file_state(small_db)
    assert main(["import", str(source), "--db", str(small_db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.ics" in err and message in err, err
    assert "Traceback" not in err
    assert file_state(small_db) == before


def test_a_calendar_larger_than_the_bound_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ics_import, "MAX_ICS_BYTES", 1_000)
    source = _calendar(tmp_path / "big.ics", *[f"UID:{i}@x\nDTSTART:20230101\nSUMMARY:Event {i}" for i in range(40)])
    with pytest.raises(errors.ImportRefusedError, match="the largest calendar read is 1,000 bytes"):
        import_files([source], tmp_path / "big.db")


def test_a_calendar_is_told_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    source = _calendar(tmp_path / "meetings.txt", MEETING)
    assert import_files([source], tmp_path / "m.db").events == 1


def test_a_rule_every_second_is_cut_at_once(tmp_path: Path) -> None:
    # The library expands a year at a time: 31 million occurrences before the first cut.
    rule = "UID:s@x\nDTSTART:20230101T100000Z\nRRULE:FREQ=SECONDLY;COUNT=1000000000\nSUMMARY:Ticks"
    report = import_files([_calendar(tmp_path / "ticks.ics", rule)], tmp_path / "t.db")
    assert report.events == ics_import.MAX_OCCURRENCES and len(report.notices) == 1
    assert "s@x/2023-01-01T10:16:39" in _events(tmp_path / "t.db")  # named to the second


def test_a_google_calendars_floating_times_are_in_its_x_wr_timezone(tmp_path: Path) -> None:
    head = "PRODID:-//Google Inc//Google Calendar 70.9054//EN\nX-WR-TIMEZONE:Europe/Vilnius"
    one = "UID:prep@google.com\nDTSTART:20230710T090000\nSUMMARY:Summit preparation"
    daily = "UID:daily@google.com\nDTSTART:20230710T080000\nRRULE:FREQ=DAILY;COUNT=2\nSUMMARY:Morning brief"
    import_files([_calendar(tmp_path / "g.ics", one, daily, head=head)], tmp_path / "g.db")
    events = _events(tmp_path / "g.db")
    assert {(e.start.iso(), e.timezone) for e in events.values()} == {
        ("2023-07-10T09:00", "Europe/Vilnius"), ("2023-07-10T08:00", "Europe/Vilnius"),
        ("2023-07-11T08:00", "Europe/Vilnius")}
    bad = _calendar(tmp_path / "bad.ics", one, head="PRODID:-//x//y//EN\nX-WR-TIMEZONE:Mars/Olympus")
    with pytest.raises(errors.ImportRefusedError, match="its X-WR-TIMEZONE cannot be applied"):
        import_files([bad], tmp_path / "bad.db")


def test_a_calendars_progress_is_told_in_bytes_as_for_other_files(tmp_path: Path, monkeypatch) -> None:
    from viewer.store import importer

    monkeypatch.setattr(importer, "WRITE_BATCH", 100)
    events = [f"UID:e{i}@x\nDTSTART;VALUE=DATE:20230615\nSUMMARY:Meeting {i} " + "x" * 200 for i in range(1_000)]
    source = _calendar(tmp_path / "big.ics", *events)
    reports: list[tuple[int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage.startswith("Importing big.ics"):
            reports.append((done, total))

    import_files([source], tmp_path / "big.db", progress)
    kib = source.stat().st_size // 1024
    assert reports and all(total == kib for _done, total in reports)
    assert [done for done, _total in reports] == sorted(done for done, _total in reports)
    assert 0 < reports[0][0] < kib // 5 and reports[-1][0] > kib * 0.8

"""Every export format, read back with an independent reader; atomic writing; the CLI."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from conftest import SAMPLE_JSON, file_state, minimal_document, write_json

from viewer.cli import main as cli
from viewer.export.formats import FORMATS, ExportRequest, export_to_file, write_export
from viewer.store.errors import ExportError
from viewer.store.filters import EventFilter
from viewer.store.importer import import_files
from viewer.store.reader import EventStore

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CHAIN = EventFilter.build(ids=["dmm-2023-06"])
HOSTILE = (
    'Line one\nline two, "quoted" <b>bold</b> *not emphasis* [x](javascript:y) # '
    "\u202eRTL\u202c 👩🏽\u200d✈️ é\u0301 & =1+1"
)


def _export(db: Path, fmt: str, event_filter: EventFilter = CHAIN, **options) -> bytes:
    stream = io.BytesIO()
    options.setdefault("now", NOW)
    with EventStore(db) as store:
        write_export(store, ExportRequest(fmt=fmt, event_filter=event_filter, **options), stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    document = minimal_document()
    for event in document["events"]:
        event["title"] = f"{event['title']} {HOSTILE}"
        event["summary"] = HOSTILE
        event["location"] = HOSTILE
    document["events"][0]["sources"] = [{"url": "javascript:alert(1)", "title": HOSTILE}]
    path = folder / "hostile.db"
    import_files([write_json(folder / "hostile.json", document)], path)
    return path


# ---------------------------------------------------------------- iCalendar


def _timed_db(tmp_path: Path) -> Path:
    """A file with one event known to the minute in its own zone (the sample's are known to the day at most)."""
    document = minimal_document(links=[], events=[
        {"id": "council", "title": "Council meets", "start": "2023-07-12T13:00", "timezone": "Europe/Vilnius"}])
    db = tmp_path / "timed.db"
    import_files([write_json(tmp_path / "timed.json", document)], db)
    return db


def test_ics_parses_back_with_all_day_and_timed_events(sample_db: Path, tmp_path: Path) -> None:
    calendar = icalendar.Calendar.from_ical(_export(sample_db, "ics", EventFilter(), now=None))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 25
    ministerial = events["dmm-2023-06@defence-timeline"]
    assert ministerial.decoded("DTSTART") == date(2023, 6, 15)
    assert ministerial.decoded("DTEND") == date(2023, 6, 17)  # exclusive: a 15–16 June meeting
    assert "VALUE=DATE" in ministerial.to_ical().decode() and "DTSTAMP" in ministerial
    assert str(ministerial["STATUS"]) == "CONFIRMED"
    assert set(ministerial.get("CATEGORIES").cats) >= {"Meeting", "ukraine"}
    # Grades go in the description, in words, and in the export's own properties, to read back.
    description = str(ministerial["DESCRIPTION"])
    assert "Credibility: 1 (confirmed by other sources)" in description
    assert "(reliability A: completely reliable)" in description
    calendar = icalendar.Calendar.from_ical(_export(_timed_db(tmp_path), "ics", EventFilter(), now=None))
    council = next(iter(calendar.walk("VEVENT")))
    start = council.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (13, 0, "Europe/Vilnius")
    assert "TZID=Europe/Vilnius" in council.to_ical().decode()
    assert any(tz["TZID"] == "Europe/Vilnius" for tz in calendar.walk("VTIMEZONE"))


def test_ics_never_claims_more_precision_than_the_data(sample_db: Path) -> None:
    calendar = icalendar.Calendar.from_ical(_export(sample_db, "ics", EventFilter()))
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    month = events["maritime-centre-initial-capability-2024-05"]
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (date(2024, 5, 1), date(2024, 6, 1))
    assert str(month["TRANSP"]) == "TRANSPARENT"
    assert str(month["DESCRIPTION"]).startswith("Date known only to the month: May 2024.")
    year = events["nspa-155mm-joint-procurement-2023"]
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (date(2023, 1, 1), date(2024, 1, 1))
    window = events["npg-2023-06"]
    assert str(window["DESCRIPTION"]).startswith("Date known only as a window: some time during 15–16 June 2023.")
    assert str(window["X-DEFENCE-TIMELINE-PRECISION"]) == "window"


def test_ics_links_and_stable_uids(sample_db: Path) -> None:
    first = _export(sample_db, "ics", EventFilter.build(ids=["dmm-2023-06"]), with_linked=True)
    assert first == _export(sample_db, "ics", EventFilter.build(ids=["dmm-2023-06"]), with_linked=True)
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(first).walk("VEVENT")}
    npg = events["npg-2023-06@defence-timeline"]
    related = npg.get("RELATED-TO")
    related = related if isinstance(related, list) else [related]
    assert ("dmm-2023-06@defence-timeline", "PARENT") in [(str(r), r.params["RELTYPE"]) for r in related]


# ---------------------------------------------------------------- TimelineJS


def test_timelinejs_dates_carry_only_the_known_precision(sample_db: Path, tmp_path: Path) -> None:
    slides = {
        e["unique_id"]: e for e in json.loads(_export(sample_db, "timelinejs", EventFilter()))["events"]
    }
    assert slides["dmm-2023-06"]["start_date"] == {"year": "2023", "month": "6", "day": "15"}
    assert slides["dmm-2023-06"]["end_date"] == {"year": "2023", "month": "6", "day": "16"}
    assert slides["nspa-155mm-joint-procurement-2023"]["start_date"] == {"year": "2023"}
    assert slides["maritime-centre-initial-capability-2024-05"]["start_date"] == {"year": "2024", "month": "5"}
    timed = json.loads(_export(_timed_db(tmp_path), "timelinejs", EventFilter()))["events"]
    council = timed[0]["start_date"]
    assert (council["hour"], council["minute"]) == ("13", "0")
    assert slides["npg-2023-06"]["display_date"] == "some time during 15–16 June 2023"
    assert slides["vilnius-summit-2023"]["group"] == "Summit"
    by_body = json.loads(_export(sample_db, "timelinejs", EventFilter(), group_by="body"))
    assert {e.get("group") for e in by_body["events"]} >= {"NAC", "NPG"}


# ---------------------------------------------------------------- Markdown


def _rendered_markdown(data: bytes) -> str:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setMarkdown(data.decode("utf-8"))
    return document.toPlainText().replace("\u2028", "\n")


def test_markdown_brief_of_the_june_ministerial(sample_db: Path, qapp) -> None:
    raw = _export(sample_db, "md", CHAIN, with_linked=True).decode("utf-8")
    assert raw.startswith("# Meeting of NATO Defence Ministers, June 2023\n\nThis brief covers 15 events, ")
    assert "with the events linked to it" in raw
    assert ("Meeting of NATO Defence Ministers, June 2023 (15–16 June 2023) prepared NATO Vilnius Summit "
            "(11–12 July 2023).") in raw
    assert "### Meeting of NATO Defence Ministers, June 2023\n\n15–16 June 2023 · NATO Headquarters" in raw
    assert "\n- Prepares: NATO Vilnius Summit (11–12 July 2023)\n" in raw
    assert not re.search(r"^#+ (some time|[\d–]+ \w+ \d{4}$)", raw, re.M)  # dates are never headings
    assert re.search(r"^\d+\. NATO, .+ <https://www\.nato\.int/cps/en/natohq/news_215689\.htm>$", raw, re.M)
    assert "\\[" not in raw and "\\]" not in raw
    text = _rendered_markdown(raw.encode())
    assert "Precedes: Meeting of NATO Defence Ministers, October 2023 (11–12 October 2023)" in text
    assert "Preceded by: Meeting of NATO Defence Ministers, February 2023 (14–15 February 2023)" in text
    assert "Sources: [12], [13], [9], [6]" in text
    assert raw.index("### Secretary General previews") < raw.index("### Meeting of NATO Defence Ministers, June")
    assert raw.index("### Meeting of NATO Defence Ministers, June") < raw.index("### NATO Vilnius Summit")


# ---------------------------------------------------------------- hostile text in every text format


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_hostile_text_survives_every_text_format(hostile_db: Path, qapp) -> None:
    everything = EventFilter()
    rows = list(csv.DictReader(io.StringIO(_export(hostile_db, "csv", everything).decode("utf-8"), newline="")))
    assert all(row["summary"] == HOSTILE for row in rows)
    exported = json.loads(_export(hostile_db, "json", everything))
    assert all(event["summary"] == HOSTILE for event in exported["events"])
    calendar = icalendar.Calendar.from_ical(_export(hostile_db, "ics", everything))
    assert all(str(e["LOCATION"]) == HOSTILE for e in calendar.walk("VEVENT"))
    assert all(str(e["SUMMARY"]).endswith(HOSTILE) for e in calendar.walk("VEVENT"))
    slides = json.loads(_export(hostile_db, "timelinejs", everything))["events"]
    assert all(html.unescape(s["text"]["headline"]).endswith(HOSTILE) for s in slides)
    assert all("<b>" not in s["text"]["headline"] for s in slides)
    raw_brief = _export(hostile_db, "md", everything).decode("utf-8")
    brief = _rendered_markdown(raw_brief.encode())
    assert _normal(brief).count(_normal(HOSTILE)) >= 3 * 2  # the title and summary of each event, intact
    assert not re.search(r"(?<!\\)\]\(javascript", raw_brief)  # no link to a javascript: URL
    assert "javascript:alert(1)" in brief  # the source is shown, as text


# ---------------------------------------------------------------- pictures


def test_png_svg_and_pdf(sample_db: Path, qapp) -> None:
    from PySide6.QtGui import QImage

    png = _export(sample_db, "png", CHAIN, with_linked=True, width=1200)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(png, "PNG")
    assert image.width() == 2400 and image.height() > 400  # drawn at twice the density for print
    svg = _export(sample_db, "svg", CHAIN, with_linked=True, width=1200)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("viewBox", "").endswith(" 1200 " + root.get("viewBox").split()[-1])
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "2023" in texts and "Jun" in texts and "NATO Vilnius Summit" in texts and "Meeting of NATO" in texts
    pdf = _export(sample_db, "pdf", CHAIN, with_linked=True, width=1200)
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box and float(box.group(1)) == pytest.approx(1200, abs=1)


def test_an_empty_selection_cannot_be_drawn(sample_db: Path, qapp) -> None:
    with pytest.raises(ExportError, match="empty"):
        _export(sample_db, "png", EventFilter.build(ids=["no-such-event"]))


# ---------------------------------------------------------------- atomic writing


def _request(fmt: str = "json") -> ExportRequest:
    return ExportRequest(fmt=fmt, event_filter=CHAIN)


def test_an_existing_file_is_replaced_only_when_asked(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("precious")
    with pytest.raises(ExportError, match="already exists"):
        export_to_file(sample_db, _request(), target, overwrite=False)
    assert target.read_text() == "precious"
    export_to_file(sample_db, _request(), target, overwrite=True)
    assert json.loads(target.read_text())["events"][0]["id"] == "dmm-2023-06"


def test_a_missing_folder_leaves_nothing(sample_db: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_to_file(sample_db, _request(), tmp_path / "gone" / "out.json", overwrite=False)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_leaves_no_partial_file_and_the_original_intact(
    sample_db: Path, tmp_path: Path, monkeypatch
) -> None:
    import errno
    import os

    from viewer.store.errors import DiskFullError

    target = tmp_path / "out.csv"
    target.write_text("original")
    before = file_state(target)

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(DiskFullError, match="the disk is full; nothing was written"):
        export_to_file(sample_db, _request("csv"), target, overwrite=True)
    assert file_state(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failure_while_writing_leaves_no_partial_file(sample_db: Path, tmp_path: Path, monkeypatch) -> None:
    import viewer.export.csv_export as csv_export

    def broken(rows, stream, *_args):
        stream.write("id,title\n")
        raise RuntimeError("the writer broke")

    monkeypatch.setattr(csv_export, "write_csv", broken)
    with pytest.raises(RuntimeError):
        export_to_file(sample_db, _request("csv"), tmp_path / "out.csv", overwrite=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root may write anywhere")
def test_permission_denied(sample_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(ExportError, match="permission denied"):
        export_to_file(sample_db, _request(), folder / "out.json", overwrite=False)


# ---------------------------------------------------------------- command line


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_cli_writes_every_format(capsys, sample_db: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out{FORMATS[fmt].extension}"
    args = ["export", str(sample_db), "--format", fmt, "--id", "dmm-2023-06", "--with-linked", "-o", str(target)]
    assert cli(args) == 0
    assert target.stat().st_size > 100
    assert cli(args) == 2 and "already exists" in capsys.readouterr().err
    assert cli([*args, "--force"]) == 0


def test_the_cli_writes_text_formats_to_stdout(capsys, sample_db: Path) -> None:
    assert cli(["export", str(sample_db), "--format", "ics", "--kind", "summit"]) == 0
    assert capsys.readouterr().out.count("BEGIN:VEVENT") == 2
    assert cli(["export", str(sample_db), "--format", "md", "--search", "vilnius summit"]) == 0
    assert "### NATO Vilnius Summit" in capsys.readouterr().out


def test_round_trip_of_the_sample_through_json_is_exact(sample_db: Path, tmp_path: Path) -> None:
    exported = json.loads(_export(sample_db, "json", EventFilter()))
    original = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    assert exported["view"] == original["view"]


def test_with_linked_adds_one_step_of_links(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        from viewer.export.formats import selected_filter

        chosen = store.event_ids(selected_filter(store, CHAIN, True))
        direct = {k.target for k in store.links() if k.source == "dmm-2023-06"} | {
            k.source for k in store.links() if k.target == "dmm-2023-06"
        }
    assert set(chosen) == direct | {"dmm-2023-06"}
    assert "defence-investment-pledge-renewed-2023-07-11" not in chosen  # two steps away


def test_a_cancelled_export_leaves_no_file(sample_db: Path, tmp_path: Path) -> None:
    from viewer.ui.tasks import Cancelled

    def cancel_midway(stage: str, done: int, total: int) -> None:
        if stage == "Writing":
            raise Cancelled

    target = tmp_path / "big.csv"
    with pytest.raises(Cancelled):
        export_to_file(sample_db, ExportRequest(fmt="csv", event_filter=EventFilter()), target,
                       overwrite=False, progress=cancel_midway)
    assert list(tmp_path.iterdir()) == []


def test_a_picture_of_the_june_chain_shows_every_title_in_full(sample_db: Path, qapp) -> None:
    svg = _export(sample_db, "svg", CHAIN, with_linked=True, width=1600)
    root = ET.fromstring(svg)
    texts = {(t.text or "").strip() for t in root.iter() if t.tag.endswith("text")}
    with EventStore(sample_db) as store:
        chain = [event.title for event in store.events(EventFilter.build(ids=["dmm-2023-06"]))]
        chain += [related.event.title for related in store.related("dmm-2023-06")]
    assert len(chain) >= 15
    missing = [title for title in chain if title not in texts]
    assert not missing, f"cut or missing in the picture: {missing}"
    cut = [text for text in texts if text.endswith("…") and any(title.startswith(text[:-1]) for title in chain)]
    assert not cut and not [text for text in texts if "(+" in text]  # no title cut, nothing stacked
    assert "NATO-Ukraine Commission" in texts  # lane names as well, within a column of at most 380 px
    assert "▾" not in " ".join(texts) and "▸" not in " ".join(texts)  # no widget chrome


@pytest.mark.parametrize(
    "event_filter", [EventFilter(), EventFilter.build(search="summit"), EventFilter.build(since="2023-07-01"),
                     EventFilter.build(search="nothing-matches-this")],
    ids=["everything", "search", "since", "nothing"],
)
def test_the_calendar_streams_what_the_whole_document_gives(sample_db: Path, event_filter: EventFilter) -> None:
    """Written an event at a time, the calendar is the one made from the whole document; each zone a
    DTSTART names has its VTIMEZONE, before the first VEVENT, and no other zone has one."""
    from viewer.export.ics_export import write_ics

    streamed = _export(sample_db, "ics", event_filter)
    whole = io.BytesIO()
    with EventStore(sample_db) as store:
        count = write_ics(store.document(event_filter), whole, now=NOW)
    assert streamed == whole.getvalue()
    calendar = icalendar.Calendar.from_ical(streamed)
    kinds = [component.name for component in calendar.subcomponents]
    assert kinds == sorted(kinds, key=lambda name: name != "VTIMEZONE") and kinds.count("VEVENT") == count
    named = {param for line in streamed.decode().split("\r\n") if line.startswith("DTSTART;TZID=")
             for param in [line.split("TZID=")[1].split(":")[0].split(";")[0]]}
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == named


def test_svg_text_is_as_large_as_in_the_png_and_pdf(sample_db: Path, qapp) -> None:
    """The SVG is laid out in the same logical pixels (96 to the inch) as the PNG and the PDF."""
    root = ET.fromstring(_export(sample_db, "svg", width=1600))
    assert root.get("viewBox") == f"0 0 1600 {root.get('viewBox').split()[3]}"
    assert root.get("width") == f"{1600 / 96 * 25.4:.3f}mm"  # 1600 CSS pixels wide, not 2,133
    sizes = {float(e.get("font-size")) for e in root.iter() if e.get("font-size")}
    assert 12 in sizes and 9 not in sizes  # the 9-point labels are 12 pixels, as in the PNG

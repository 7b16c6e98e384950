"""Our CSV imports back exactly, and no cell or list item of it can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from csv_oracle import csv_of_events
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from viewer.export.csv_export import write_csv
from viewer.store import interchange
from viewer.store.errors import ImportRefusedError
from viewer.store.event_fields import CSV_COLUMNS
from viewer.store.importer import import_files
from viewer.store.interchange import document_to_dict, parse_csv_text, parse_document, parse_json_text
from viewer.store.model import Body, Document, Event, Source
from viewer.store.reader import EventStore

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_COLUMNS = ("bodies", "tags", "sources")
# Everything that has meant trouble for a CSV file, a spreadsheet or our list codec.
SPECIAL = "=+-@'\"\t\r\n;:\\,|\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff\u00a0 aZé😀"
TEXT = st.one_of(st.text(max_size=25), st.text(alphabet=SPECIAL, max_size=25))
NON_BLANK = TEXT.filter(lambda text: text.strip() != "")
IDENTIFIER = NON_BLANK.filter(lambda text: text == text.strip())
DATES = st.sampled_from([
    {"start": "2023-06-15"},
    {"start": "2023-06", "end": "2024-01", "within": True},
    {"start": "0001"},
    {"start": "2023-06-15T10:30", "timezone": "Europe/Brussels"},
    {"start": "2023-06-15T10:30", "end": "2023-06-15T12:00", "timezone": "+03:00"},
    {"start": "2023-06-15T10:30", "timezone": "-05:00"},
])
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def events(draw) -> Event:
    record: dict = {"id": draw(IDENTIFIER), "title": draw(NON_BLANK), **draw(DATES)}
    for name in ("kind", "location", "summary", "description"):
        if draw(st.booleans()):
            record[name] = draw(TEXT)
    if draw(st.booleans()):
        record["status"] = draw(st.sampled_from(["announced", "scheduled", "held", "postponed", "cancelled"]))
    record["bodies"] = [{"id": body_id, "role": draw(TEXT)} for body_id in draw(st.lists(IDENTIFIER, max_size=3))]
    record["tags"] = draw(st.lists(NON_BLANK, max_size=4))
    record["sources"] = [{"url": url} for url in draw(st.lists(NON_BLANK, max_size=3))]
    document = {"format": "defence-timeline", "version": 1, "events": [record]}
    try:
        return parse_document(document, "generated").document.events[0]
    except ImportRefusedError:
        assume(False)
        raise


def _csv_of(*items: Event) -> str:
    return csv_of_events(items)


def _exported_csv(path: Path) -> str:
    """What the export writes for every event of the file (the SQL cells)."""
    stream = io.StringIO(newline="")
    with EventStore(path) as store:
        write_csv(store.csv_line_batches(), stream)
    return stream.getvalue()


def _as_csv_carries(event: Event) -> Event:
    """What CSV carries of an event: everything but the sources' titles, publishers and dates."""
    return dataclasses.replace(event, sources=tuple(Source(url=source.url) for source in event.sources))


def _hostile_event(**fields) -> Event:
    record = {"id": "e1", "title": "T", "start": "2023-06-15", **fields}
    return parse_document({"format": "defence-timeline", "version": 1, "events": [record]}, "h").document.events[0]


@SETTINGS
@given(events())
@example(_hostile_event(tags=["=cmd|' /C calc'!A0", "a;=b", "''@x", "x\\", "\\;", "'", "-", "+1"],
                        bodies=[{"id": "=b;1:x\\", "role": "-r;o:le\\"}],
                        sources=[{"url": "=http://x/a;b\\c"}], summary="'=x\r\ny\u2028z", location="\tloc"))
def test_our_csv_reads_back_as_the_same_event(event: Event) -> None:
    back = parse_csv_text(_csv_of(event), "events.csv").document.events
    assert back == [_as_csv_carries(event)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=4))
def test_the_export_s_sql_cells_are_the_codec_s(tmp_path_factory, items: list[Event]) -> None:
    """Any text through the file and the SQL cells comes out as the codec's functions write it."""
    unique = list({event.id: event for event in items}.values())
    body_ids = sorted({p.body_id for event in unique for p in event.bodies})
    document = Document(bodies=[Body(body_id, "B") for body_id in body_ids], events=unique)
    folder = tmp_path_factory.mktemp("sqlcsv")
    path = folder / "t.db"
    (folder / "t.json").write_text(json.dumps(document_to_dict(document)), encoding="utf-8")
    import_files([folder / "t.json"], path)
    with EventStore(path) as store:
        expected = csv_of_events(store.iter_events())
    assert _exported_csv(path) == expected
    assert len(list(csv.reader(io.StringIO(expected, newline="")))) == len(unique) + 1


@SETTINGS
@given(st.lists(events(), min_size=1, max_size=3))
def test_no_cell_or_list_item_starts_like_a_formula(items: list[Event]) -> None:
    rows = list(csv.reader(io.StringIO(_csv_of(*items), newline=""), delimiter=","))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == len(items) + 1
    for row in rows[1:]:
        for name, cell in zip(CSV_COLUMNS, row, strict=True):
            assert not cell.startswith(FORMULA_STARTS), (name, cell)
            if name in LIST_COLUMNS:
                for part in cell.split(";"):  # as a spreadsheet's "split on ;" would cut it
                    assert not part.startswith(FORMULA_STARTS), (name, part)


def test_every_cell_is_quoted() -> None:
    text = _csv_of(_hostile_event(tags=["a", "b"]))
    data_line = text.split("\r\n")[1]
    assert data_line.startswith('"e1","T","2023-06-15",') and data_line.endswith('"a;b","","","","",""')


def test_a_formula_in_a_tag_is_guarded_and_imports_back_as_itself() -> None:
    payload = "=cmd|' /C calc'!A0"
    text = _csv_of(_hostile_event(tags=[payload, "safe"]))
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["tags"] == "'" + payload + ";safe"
    assert parse_csv_text(text, "t.csv").document.events[0].tags == (payload, "safe")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("'=1+1", "=1+1"),  # the guard goes
        ("''=1", "'=1"),  # one apostrophe only
        ("'plain", "'plain"),  # not a guard: nothing follows that a spreadsheet would run
        ("'", "'"),
        ("=1", "=1"),  # someone else's unguarded cell is taken as it is
    ],
)
def test_the_import_removes_exactly_the_guard(written: str, read: str) -> None:
    text = f'id,title,start\ne1,"{written}",2023\n'
    assert parse_csv_text(text, "g.csv").document.events[0].title == read


def test_list_items_with_separators_colons_and_backslashes(tmp_path: Path) -> None:
    text = 'id,title,start,bodies,tags\ne1,T,2023,"a\\:b:chair\\;vice;c","x\\;y;back\\\\slash;C:\\path; spaced "\n'
    event = parse_csv_text(text, "l.csv").document.events[0]
    assert [(p.body_id, p.role) for p in event.bodies] == [("a:b", "chair;vice"), ("c", "participant")]
    assert event.tags == ("x;y", "back\\slash", "C:\\path", "spaced")


@pytest.mark.parametrize(
    "separator", ["\x0c", "\x0b", "\u2028", "\u2029", "\x85", "\x1c", "\x1d", "\x1e", "\r", "\r\n", "\n"]
)
def test_line_breaks_of_any_kind_inside_a_quoted_field(separator: str) -> None:
    event = _hostile_event(summary=f"one{separator}two", description=f"{separator}x")
    back = parse_csv_text(_csv_of(event), "b.csv").document.events[0]
    assert (back.summary, back.description) == (event.summary, event.description)


def test_a_sample_full_of_semicolons_cannot_sway_the_delimiter() -> None:
    event = _hostile_event(summary='";";";";";"' * 300, tags=["a;b"] * 1, location="\t;\t;")
    assert parse_csv_text(_csv_of(event), "s.csv").document.events == [event]


def test_long_fields_are_read_up_to_the_stated_limit(monkeypatch) -> None:
    long = "x" * 200_000  # longer than the csv module's default limit (131,072)
    event = _hostile_event(description=long)
    assert parse_csv_text(_csv_of(event), "long.csv").document.events[0].description == long
    before = csv.field_size_limit()
    monkeypatch.setattr(interchange, "CSV_MAX_FIELD_CHARS", 1000)
    text = 'id,title,start,summary\ne0,ok,2023,short\n"e1","T","2023","' + "y" * 1001 + '"\n'
    with pytest.raises(ImportRefusedError, match=r"l\.csv: line 3: field 'summary': a field is longer than 1,000"):
        parse_csv_text(text, "l.csv")
    text = 'id,title,start,summary\ne0,ok,2023,short\n"e1","T","2023","' + "y" * 5000 + '"\n'
    with pytest.raises(ImportRefusedError, match=r"line 3: field 'summary': a field is longer"):
        parse_csv_text(text, "l.csv")
    assert csv.field_size_limit() == before  # the process-wide limit is given back


def test_a_row_label_is_the_line_where_the_row_starts() -> None:
    text = 'id,title,start\n"a","two\nlines",2023\n"b","",2023\n'
    with pytest.raises(ImportRefusedError, match=r"line 4 \(id 'b'\): field 'title'"):
        parse_csv_text(text, "r.csv")


# ---------------------------------------------------------------- normalisation (JSON and CSV alike)


def test_blank_optional_text_is_absent_and_tags_and_urls_are_stripped() -> None:
    record = {
        "id": "e1", "title": " Title ", "start": "2023", "kind": "  ", "location": "", "summary": "\t\n",
        "description": " kept as is ", "tags": [" a ", "a", "b\t"],
        "sources": [{"url": " https://a.example/ ", "title": "  ", "publisher": ""}],
        "bodies": [{"id": "nac", "role": "   "}],
    }
    text = json.dumps({"format": "defence-timeline", "version": 1, "name": "  ", "events": [record]})
    parsed = parse_json_text(text, "n.json")
    event = parsed.document.events[0]
    assert parsed.document.name is None
    assert (event.kind, event.location, event.summary) == (None, None, None)
    assert (event.title, event.description) == (" Title ", " kept as is ")
    assert event.tags == ("a", "b")
    assert event.sources == (Source(url="https://a.example/"),)
    assert event.bodies[0].role == "participant"
    csv_text = (
        'id,title,start,kind,tags,sources,bodies\n'
        'e1, Title ,2023,"  "," a ;a;b\t"," https://a.example/ ",nac:  \n'
    )
    from_csv = parse_csv_text(csv_text, "n.csv").document.events[0]
    assert (from_csv.kind, from_csv.tags, from_csv.sources, from_csv.bodies) == (
        None, event.tags, event.sources, event.bodies
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_header_line_decides_the_delimiter(delimiter: str) -> None:
    cells = ["id", "title", "start", "tags"], ["e1", "Meeting, with; both\tkinds", "2023", "a;b"]
    text = "\r\n".join(delimiter.join(f'"{cell}"' if i else cell for cell in row) for i, row in enumerate(cells))
    event = parse_csv_text(text + "\r\n", "d.csv").document.events[0]
    assert (event.title, event.tags) == ("Meeting, with; both\tkinds", ("a", "b"))


def test_csv_for_excel_begins_with_a_bom_and_imports_back_unchanged(tmp_path: Path, sample_db: Path, capsys) -> None:
    import shutil

    from viewer.cli import main

    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert main(["export", str(sample_db), "--format", "csv", "-o", str(plain)]) == 0
    assert main(["export", str(sample_db), "--format", "csv", "--excel", "-o", str(excel)]) == 0
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    lines = []
    for source in (plain, excel):  # the BOM is read as what it is: both import the same
        copy = tmp_path / f"{source.stem}.db"
        shutil.copy(sample_db, copy)
        capsys.readouterr()
        assert main(["import", str(source), "--db", str(copy)]) == 0
        lines.append(capsys.readouterr().out.splitlines()[-1])
    assert lines[0] == lines[1] and lines[0].startswith("DB: 0 added,")

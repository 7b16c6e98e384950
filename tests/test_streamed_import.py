"""Import reads its sources a chunk at a time: what a record straddles, and what comes late, is read right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import minimal_document, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viewer.store import importer, input_files, interchange, json_stream
from viewer.store.errors import ImportRefusedError
from viewer.store.importer import import_files
from viewer.store.interchange import open_source, parse_json_text, read_source
from viewer.store.json_stream import read_members
from viewer.store.reader import EventStore


def _chunked(text: str, size: int):
    return (text[start : start + size] for start in range(0, len(text), size))


def _members(text: str, size: int) -> dict:
    """The document rebuilt from its members as read in chunks of ``size`` characters."""
    rebuilt: dict = {}
    for member in read_members(_chunked(text, size), "t.json"):
        if member.index is None:
            rebuilt[member.key] = member.value
        else:
            rebuilt.setdefault(member.key, []).append(member.value)
    return rebuilt


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(["name", "view", "other", "events", "links"]), st.lists(json_values, max_size=5)),
    st.integers(1, 40),
    st.sampled_from([None, 0, 2]),
    st.booleans(),
)
def test_any_document_read_in_chunks_equals_one_read_whole(document, size, indent, ascii_only) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    whole = json.loads(text)
    expected = {key: value for key, value in whole.items() if not (key in json_stream.RECORD_LISTS and value == [])}
    assert _members(text, size) == expected  # an empty record list gives no member


@pytest.mark.parametrize("size", [1, 3, 17, 10_000])
def test_a_malformed_document_is_placed_the_same_in_any_chunking(size: int) -> None:
    lines = [json.dumps({"id": f"e{i}", "title": "ü" * (i + 1), "start": "2023"}) for i in range(30)]
    text = '{"format": "defence-timeline", "version": 1,\n "events": [\n' + ",\n".join(lines) + ',\n {"id": "x" "y"}]}'
    with pytest.raises(ImportRefusedError) as whole:
        parse_json_text(text, "t.json")
    assert "malformed JSON at line 33, column 13: Expecting ',' delimiter" in str(whole.value)
    with pytest.raises(ImportRefusedError) as chunked:
        list(read_members(_chunked(text, size), "t.json"))
    assert str(chunked.value) == str(whole.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "line 1, column 1: Expecting value"),
        ('{"format": "defence-timeline", "version": 1', "Expecting ',' delimiter"),
        ('{"format": "defence-timeline", "version": 1} {}', "Extra data"),
        ('{"format": "defence-timeline", "version": 1, "events": [{"id": "a", "title": "T", "start": "2023"},]}',
         "Expecting value"),
        ('{"format": "defence-timeline", "version": 1, 7: 1}', "Expecting property name"),
        ('{"title": "A TimelineJS file", "events": []}', 'unsupported format: expected "format"'),
        ('{"version": 1, "events": []}', 'unsupported format: expected "format"'),
        ('{"format": "defence-timeline", "events": []}', "unsupported version None"),
    ],
)
def test_broken_or_foreign_documents_are_refused(text: str, expected: str) -> None:
    with pytest.raises(ImportRefusedError, match=expected):
        parse_json_text(text, "t.json")


def test_what_a_document_gives_after_its_records_is_kept(tmp_path: Path) -> None:
    document = minimal_document()
    ordered = {"events": document["events"], "bodies": document["bodies"], "links": document["links"],
               "view": {"start": "2023-06", "end": "2023-08"}, "name": "Late name",
               "version": 1, "format": "defence-timeline"}
    target = tmp_path / "late.db"
    import_files([write_json(tmp_path / "late.json", ordered)], target)
    with EventStore(target) as store:
        assert store.count() == 3
        assert store.summary().name == "Late name"


def test_a_source_is_read_as_it_is_imported_not_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 4096)
    document = minimal_document(links=[])
    document["events"] = [{"id": f"e{i}", "title": f"Event {i}", "start": "2023-06-15"} for i in range(5_000)]
    source = open_source(write_json(tmp_path / "big.json", document))
    records = source.records()
    first = [next(records) for _ in range(3)]
    done, total = source.progress()
    assert [record.kind for record in first] == ["body", "body", "event"]
    assert 0 < done < total / 10
    source.close()


def test_csv_lines_split_between_chunks_keep_their_numbers(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 5)
    rows = ["id,title,start,summary"] + [f'e{i},Title {i},2023-06-{i + 1:02d},"two\r\nlines"' for i in range(9)]
    path = tmp_path / "split.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\nbad,Bad,the ides of March,\r\n").encode("utf-8"))
    with pytest.raises(ImportRefusedError, match=r"line 20 \(id 'bad'\): field 'start'"):
        read_source(path)
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    parsed = read_source(path)
    assert [event.summary for event in parsed.document.events] == ["two\r\nlines"] * 9
    assert parsed.event_labels[:2] == ["line 2", "line 4"]


def test_a_bad_byte_far_into_a_file_is_placed_exactly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 64)
    text = '{"format": "defence-timeline", "version": 1, "name": "' + "é" * 500
    path = tmp_path / "bad.json"
    path.write_bytes(text.encode("utf-8") + b"\xff" + b'"}')
    with pytest.raises(ImportRefusedError, match=f"bad byte at offset {len(text.encode('utf-8'))}"):
        read_source(path)


def test_ids_given_twice_in_different_batches_are_refused_naming_both(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(importer, "WRITE_BATCH", 10)
    document = minimal_document(links=[])
    document["events"] = [{"id": f"e{i}", "title": "T", "start": "2023"} for i in range(40)]
    document["events"].append({"id": "e3", "title": "Again", "start": "2023"})
    with pytest.raises(ImportRefusedError, match=r"event #41 \(id 'e3'\): duplicate id: already given by event #4"):
        import_files([write_json(tmp_path / "twice.json", document)], tmp_path / "twice.db")
    assert not (tmp_path / "twice.db").exists()


def test_a_link_given_twice_is_refused(tmp_path: Path) -> None:
    document = minimal_document()
    document["links"].append(dict(document["links"][0]))
    with pytest.raises(ImportRefusedError, match=r"link #3: duplicate link: already given by link #1"):
        import_files([write_json(tmp_path / "links.json", document)], tmp_path / "links.db")


def test_a_record_longer_than_the_bound_is_refused_without_reading_on(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(json_stream, "MAX_VALUE_CHARS", 1000)
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 100)
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 100)
    text = '{"format": "defence-timeline", "version": 1, "events": [{"id": "a", "title": "' + "x" * 5000 + '"}]}'
    path = tmp_path / "long.json"
    path.write_text(text, encoding="utf-8")
    source = open_source(path)
    with pytest.raises(ImportRefusedError, match="longer than 1,000 characters"):
        list(source.records())
    assert source.progress()[0] < 2000


def test_a_line_longer_than_the_bound_is_refused_without_holding_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(interchange, "CSV_MAX_LINE_CHARS", 1000)
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 100)
    path = tmp_path / "oneline.csv"
    path.write_text("id,title,start\r\na,T,2023\r\nb," + "x" * 5000 + ",2023\r\n", encoding="utf-8")
    source = open_source(path)
    with pytest.raises(ImportRefusedError, match=r"line 3: a line is longer than 1,000 characters"):
        list(source.records())
    assert source.progress()[0] < 2000


def test_a_link_from_an_unknown_event_names_its_from_end(tmp_path: Path) -> None:
    document = minimal_document()
    document["links"].append({"from": "ghost", "to": "dmm", "relation": "prepares"})
    with pytest.raises(ImportRefusedError, match=r"link #3: field 'from': unknown event 'ghost'"):
        import_files([write_json(tmp_path / "from.json", document)], tmp_path / "from.db")

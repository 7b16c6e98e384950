"""Format version 3 and schema version 4: a source's reliability, an event's credibility, a link's
confidence and the grading scheme; read back, migrated on import only, filtered and refused."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from conftest import file_state, write_json
from filter_cases import brute_force

from viewer.cli import main
from viewer.store import errors, schema
from viewer.store.filters import EventFilter
from viewer.store.grading import ADMIRALTY, Confidence, scheme_from_dict
from viewer.store.importer import import_files
from viewer.store.masks import filter_mask
from viewer.store.reader import EventStore
from viewer.store.stored_index import first_difference

FIVE = {
    "name": "Team 5×5",
    "reliability": [{"code": c, "label": f"Source {c}"} for c in "VWXYZ"],
    "credibility": [{"code": str(n), "label": f"Claim {n}"} for n in range(1, 5)]
    + [{"code": "5", "label": "Cannot be judged", "judged": False}],
}


def _event(event_id: str, **fields) -> dict:
    return {"id": event_id, "title": f"Event {event_id}", "start": "2023-06-15", **fields}


def _document(*events: dict, links: list | None = None, **extra) -> dict:
    return {"format": "defence-timeline", "version": 3, **extra, "events": list(events), "links": links or []}


GRADED = _document(
    _event("dmm", credibility="1", sources=[{"url": "https://www.nato.int/a", "publisher": "NATO", "reliability": "a"},
                                            {"url": "https://example.org/b", "reliability": "C"}]),
    _event("npg", credibility=3, sources=[{"url": "https://www.nato.int/agenda"}]),
    _event("rumour", credibility="5", sources=[{"publisher": "One outlet", "reliability": "E"}]),
    _event("plain"),
    links=[{"from": "npg", "to": "dmm", "relation": "part_of"},
           {"from": "dmm", "to": "rumour", "relation": "related", "confidence": "Possible"},
           {"from": "plain", "to": "dmm", "relation": "prepares", "confidence": "probable"}],
)


def test_grades_round_trip_through_a_database_and_the_json_export(tmp_path: Path) -> None:
    db = tmp_path / "graded.db"
    import_files([write_json(tmp_path / "graded.json", GRADED)], db)
    with EventStore(db) as store:
        assert store.schema_version == schema.SCHEMA_VERSION and store.grading == ADMIRALTY
        events = {event.id: event for event in store.iter_events()}
        assert [(s.reliability) for s in events["dmm"].sources] == ["A", "C"]  # written as the scheme writes them
        assert [events[key].credibility for key in ("dmm", "npg", "rumour", "plain")] == ["1", "3", "5", None]
        assert {(k.source, k.confidence) for k in store.links()} == {
            ("npg", None), ("dmm", Confidence.POSSIBLE), ("plain", Confidence.PROBABLE)}
        index = store.time_index()
        by_id = dict(zip(index.ids, range(len(index)), strict=True))
        assert index.grades("credibility")[by_id["npg"]] == 2 and index.grades("reliability")[by_id["dmm"]] == 0
        assert index.grades("reliability")[by_id["npg"]] == -1
        assert first_difference(store.stored_index(), store.build_stored_index()) is None
    out = tmp_path / "out.json"
    assert main(["export", str(db), "--format", "json", "-o", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["version"] == 3 and "grading" not in exported  # the Admiralty code goes without saying
    written = {event["id"]: event for event in exported["events"]}
    assert written["dmm"]["credibility"] == "1" and written["dmm"]["sources"][0]["reliability"] == "A"
    assert {(k["from"], k.get("confidence")) for k in exported["links"]} == {
        ("npg", None), ("dmm", "possible"), ("plain", "probable")}
    again = tmp_path / "again.db"
    import_files([out], again)
    assert main(["export", str(again), "--format", "json", "-o", str(tmp_path / "again.json")]) == 0
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8")) == exported


def test_a_declared_scheme_is_kept_and_exported(tmp_path: Path) -> None:
    db = tmp_path / "five.db"
    document = _document(_event("a", credibility="4", sources=[{"url": "https://x.org", "reliability": "w"}]),
                         grading=FIVE)
    import_files([write_json(tmp_path / "five.json", document)], db)
    with EventStore(db) as store:
        assert store.grading == scheme_from_dict(FIVE)
        assert store.event("a").sources[0].reliability == "W"
        assert store.count(EventFilter.build(min_reliability="W")) == 1
        assert store.count(EventFilter.build(min_reliability="V")) == 0
    out = tmp_path / "five-out.json"
    assert main(["export", str(db), "--format", "json", "-o", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["grading"] == FIVE and list(exported).index("grading") < list(exported).index("events")
    # A CSV declares no scheme: its grades are read in the database's.
    table = tmp_path / "more.csv"
    table.write_text("id,title,start,credibility,sources,source_reliability\r\n"
                     "b,Second,2023-06-16,2,https://y.org,Z\r\n", encoding="utf-8")
    import_files([table], db)
    with EventStore(db) as store:
        assert (store.event("b").credibility, store.event("b").sources[0].reliability) == ("2", "Z")


def test_older_documents_and_databases_still_read_and_only_an_import_migrates(tmp_path: Path) -> None:
    # A file written by the release before grades (schema version 3): tests/conftest.py's minimal document.
    path = tmp_path / "v3.db"
    shutil.copyfile(Path(__file__).parent / "data" / "schema-v3.db", path)
    before = path.read_bytes()
    with EventStore(path) as store:
        assert store.schema_version == 3 and not store.graded
        assert store.event("dmm").credibility is None and store.event("dmm").sources[0].reliability is None
        assert store.count(EventFilter.build(min_credibility="5")) == 0  # nothing is graded
        assert store.count(EventFilter.build(min_credibility="1")) == 0
        assert store.stored_index() is not None, store.index_reason  # layout 1 still serves a file without grades
        index = store.time_index()
        assert not filter_mask(index, EventFilter.build(min_reliability="A"), None).any()
        assert len(store.links(at_least=Confidence.CONFIRMED)) == 2
        csv_text = "".join(line + "\r\n" for batch in store.csv_line_batches() for line in batch)
    assert path.read_bytes() == before  # viewing never migrates
    rows = list(csv.DictReader(io.StringIO("".join(("id,title,start,end,precision,timezone,within,kind,status,"
                                                     "location,summary,description,credibility,bodies,tags,"
                                                     "sources,latitude,longitude,fields,source_reliability\r\n",
                                                     csv_text)))))
    assert len(rows) == 3 and {row["credibility"] for row in rows} == {""}
    import_files([write_json(tmp_path / "v3.json", GRADED)], path)
    with EventStore(path) as store:
        assert store.schema_version == 4 and store.event("rumour").credibility == "5"
        assert store.event("dmm").credibility == "1"  # given again, graded now
        assert store.stored_index() is not None
    fresh = tmp_path / "fresh.db"
    import_files([write_json(tmp_path / "again.json", GRADED)], fresh)
    with sqlite3.connect(path) as migrated, sqlite3.connect(fresh) as made:
        query = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        assert migrated.execute(query).fetchall() == made.execute(query).fetchall()


REFUSED = {
    "reliability G": (_document(_event("a", sources=[{"url": "https://x.org", "reliability": "G"}])),
                      ["event #1", "sources[1].reliability", "'G' is not a reliability grade of the Admiralty code"]),
    "credibility 7": (_document(_event("a", credibility=7)), ["event #1", "credibility", "'7' is not a credibility"]),
    "credibility 0": (_document(_event("a", credibility="0")), ["credibility", "use one of: 1, 2, 3, 4, 5, 6"]),
    "credibility true": (_document(_event("a", credibility=True)), ["credibility", "not bool"]),
    "grade with a quote": (_document(_event("a", credibility="1'")), ["credibility", "is not a grade"]),
    "unknown confidence": (_document(_event("a"), _event("b"), links=[
        {"from": "a", "to": "b", "relation": "prepares", "confidence": "likely"}]),
        ["link #1", "confidence", "unknown confidence 'likely' (use one of: confirmed, probable, possible)"]),
    "grading after records": ({"format": "defence-timeline", "version": 3, "events": [_event("a")],
                               "grading": FIVE}, ["grading", "must come before"]),
    "broken grading": (_document(_event("a"), grading={**FIVE, "credibility": [{"code": "1", "label": "x"}]}),
                       ["grading.credibility", "2 to 26 grades"]),
    "grade of another scheme": (_document(_event("a", credibility="6"), grading=FIVE),
                                ["credibility", "'6' is not a credibility grade of the Team 5×5"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_grade_is_refused_naming_the_record_and_field(case: str, small_db: Path, tmp_path: Path) -> None:
    document, expected = REFUSED[case]
    before = file_state(small_db)
    with pytest.raises(errors.ImportRefusedError) as refused:
        import_files([write_json(tmp_path / "bad.json", document)], small_db)
    message = str(refused.value)
    assert "bad.json" in message
    for part in expected:
        assert part in message, message
    assert file_state(small_db) == before


def test_a_csv_grade_outside_the_scheme_and_a_scheme_change_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "graded.db"
    import_files([write_json(tmp_path / "graded.json", GRADED)], db)
    before = file_state(db)
    table = tmp_path / "bad.csv"
    table.write_text("id,title,start,sources,source_reliability\r\nb,B,2023-06-16,https://y.org,A;B\r\n",
                     encoding="utf-8")
    with pytest.raises(errors.ImportRefusedError, match=r"line 2.*source_reliability.*gives 2 grades for 1 source"):
        import_files([table], db)
    table.write_text("id,title,start,credibility\r\nb,B,2023-06-16,G\r\n", encoding="utf-8")
    with pytest.raises(errors.ImportRefusedError, match=r"line 2.*credibility.*'G' is not a credibility grade"):
        import_files([table], db)
    five = write_json(tmp_path / "five.json", _document(_event("z"), grading=FIVE))
    with pytest.raises(errors.ImportRefusedError, match="grades follow the Team 5×5, but the database's follow the "
                                                        "Admiralty code"):
        import_files([five], db)
    assert file_state(db) == before
    assert main(["import", str(five), "--db", str(db)]) == 2


def test_a_crafted_grade_is_read_as_none_and_the_event_still_shows(tmp_path: Path) -> None:
    db = tmp_path / "graded.db"
    import_files([write_json(tmp_path / "graded.json", GRADED)], db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE events SET credibility = ? WHERE id = 'dmm'", ("9" * 1_000_000,))
        connection.execute("UPDATE events SET credibility = 'Z' WHERE id = 'npg'")
        connection.execute("UPDATE sources SET reliability = x'00ff' WHERE event_id = 'dmm'")
        connection.execute("UPDATE links SET confidence = 'sure' WHERE from_id = 'plain'")
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('grading', '{\"name\": 1}')")
    with EventStore(db) as store:
        assert store.grading == ADMIRALTY
        dmm, npg = store.event("dmm"), store.event("npg")
        assert (dmm.credibility, npg.credibility, dmm.sources[0].reliability) == (None, None, None)
        assert {k.source: k.confidence for k in store.links()}["plain"] is None
        index = store.time_index()
        assert index.grades("credibility").max() == 4  # the rumour's 5, no more
        lines = [line for batch in store.csv_line_batches() for line in batch]
        assert all(len(line) < 2_000 for line in lines)
    assert main(["check", str(db)]) == 0


def _random_document(seed: int) -> dict:
    rng = random.Random(seed)
    events = []
    for number in range(300):
        sources = [{"url": f"https://s.org/{number}/{k}", **({"reliability": rng.choice("ABCDEF")}
                                                           if rng.random() < 0.7 else {})}
                   for k in range(rng.randrange(4))]
        events.append(_event(f"e{number}", start=f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}",
                             sources=sources, **({"credibility": rng.choice("123456")} if rng.random() < 0.6 else {})))
    links = [{"from": f"e{a}", "to": f"e{b}", "relation": "related",
              **({"confidence": rng.choice(list(Confidence)).value} if rng.random() < 0.5 else {})}
             for a, b in {tuple(rng.sample(range(300), 2)) for _ in range(200)}]
    return _document(*events, links=links)


@pytest.mark.parametrize("min_reliability,min_credibility", [
    ("A", None), ("C", None), ("E", None), (None, "1"), (None, "3"), (None, "5"), ("B", "2"), ("D", "4"),
])
def test_each_grade_filter_agrees_with_brute_force_in_sql_and_in_memory(
    tmp_path: Path, min_reliability: str | None, min_credibility: str | None
) -> None:
    db = tmp_path / "random.db"
    import_files([write_json(tmp_path / "random.json", _random_document(7))], db)
    event_filter = EventFilter.build(min_reliability=min_reliability, min_credibility=min_credibility)
    with EventStore(db) as store:
        everything = store.events()
        expected = brute_force(everything, event_filter)
        assert 0 < len(expected) < len(everything)
        assert sorted(store.event_ids(event_filter)) == expected
        index = store.time_index()
        mask = filter_mask(index, event_filter, None)
        assert sorted(index.ids[p] for p in np.flatnonzero(mask)) == expected


@pytest.mark.parametrize("confidence", list(Confidence))
def test_the_link_confidence_filter_keeps_links_that_sure_or_surer(tmp_path: Path, confidence: Confidence) -> None:
    db = tmp_path / "random.db"
    import_files([write_json(tmp_path / "random.json", _random_document(11))], db)
    order = list(Confidence)
    with EventStore(db) as store:
        every = store.links()
        kept = store.links_among(set(), EventFilter.build(link_confidence=confidence.value))
        assert kept == [k for k in every if order.index(k.sureness) <= order.index(confidence)]
        assert 0 < len(kept) <= len(every)
        assert (len(kept) < len(every)) == (confidence is not Confidence.POSSIBLE)


def test_the_cli_filters_by_grade_and_refuses_a_grade_outside_the_scheme(tmp_path: Path, capsys) -> None:
    db = tmp_path / "graded.db"
    import_files([write_json(tmp_path / "graded.json", GRADED)], db)
    out = tmp_path / "out.json"
    assert main(["export", str(db), "--format", "json", "--min-reliability", "b", "-o", str(out)]) == 0
    assert [event["id"] for event in json.loads(out.read_text(encoding="utf-8"))["events"]] == ["dmm"]
    assert main(["export", str(db), "--format", "json", "--min-credibility", "3", "--link-confidence", "confirmed",
                 "-o", str(out), "--force"]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(event["id"] for event in exported["events"]) == ["dmm", "npg"]
    assert [(k["from"], k["to"]) for k in exported["links"]] == [("npg", "dmm")]
    capsys.readouterr()
    for option, value, expected in (("--min-reliability", "G", "'G' is not a reliability grade"),
                                    ("--min-credibility", "6", "'6' does not judge"),
                                    ("--link-confidence", "sure", "'sure' is not one of confirmed, probable")):
        assert main(["export", str(db), "--format", "json", option, value]) == 2
        error = capsys.readouterr().err.strip()
        assert expected in error and "\n" not in error, error


def test_the_briefs_and_tables_for_people_carry_the_grades_and_the_analysts_notes(tmp_path: Path) -> None:
    from viewer.store.workspace import load_workspace, save_workspace

    db = tmp_path / "graded.db"
    import_files([write_json(tmp_path / "graded.json", GRADED)], db)
    workspace = load_workspace(db)
    workspace.annotate("dmm", starred=True, note="Ask about the *agenda* <b>now</b>", tags=["follow-up"])
    save_workspace(workspace, db)
    brief = tmp_path / "brief.md"
    assert main(["export", str(db), "--format", "md", "-o", str(brief)]) == 0
    text = brief.read_text(encoding="utf-8")
    assert "### Event dmm ★" in text
    assert "Analyst's note: Ask about the \\*agenda\\* &lt;b>now&lt;/b>" in text  # escaped: text, not markup
    assert "<https://example.org/b> — C1" in text
    assert "Analyst's tags: follow-up." in text
    assert "Credibility 5 (improbable)." in text
    assert "NATO — A1. <https://www.nato.int/a>" in text  # one event cites it: its grade in full
    assert "One outlet — E5" in text
    assert "Related to: Event rumour (15 June 2023), possible link" in text
    assert "Grades follow the Admiralty code (6×6)" in text
    table = tmp_path / "people.csv"
    assert main(["export", str(db), "--format", "csv-readable", "-o", str(table)]) == 0
    rows = {row["ID"]: row for row in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))}
    assert rows["dmm"]["Credibility"] == "1 — Confirmed by other sources"
    assert rows["dmm"]["Sources"] == "NATO (A); https://example.org/b (C)"
    assert (rows["dmm"]["Starred"], rows["dmm"]["Note"], rows["dmm"]["Analyst's tags"]) == (
        "Yes", "Ask about the *agenda* <b>now</b>", "follow-up")
    assert rows["plain"]["Prepares"] == "Event dmm (probable)"
    assert rows["plain"]["Credibility"] == "" and rows["plain"]["Starred"] == ""

"""The bundled dataset: sourced, linked as the facts say, and the database built from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON

from viewer.store.filters import EventFilter
from viewer.store.model import Relation
from viewer.store.reader import EventStore
from viewer.store.sample import sample_database_path


@pytest.fixture(scope="module")
def sample(sample_db: Path):
    with EventStore(sample_db) as store:
        yield store


def test_size_and_sources(sample: EventStore) -> None:
    events = sample.events()
    assert len(events) >= 20
    assert len(sample.bodies()) >= 12
    for event in events:
        assert any(s.url.startswith(("https://", "http://")) for s in event.sources), event.id
        assert event.summary, event.id


def test_the_june_ministerial_prepares_the_vilnius_summit(sample: EventStore) -> None:
    links = {(k.source, k.relation, k.target) for k in sample.links()}
    assert ("dmm-2023-06", Relation.PREPARES, "vilnius-summit-2023") in links
    sessions = {k.source for k in sample.links() if k.relation is Relation.PART_OF and k.target == "dmm-2023-06"}
    assert {"udcg-13-2023-06-15", "nuc-commission-2023-06-15", "npg-2023-06"} <= sessions
    assert ("udcg-13-2023-06-15", Relation.PRECEDES, "nuc-commission-2023-06-15") in links


def test_dates_as_the_sources_give_them(sample: EventStore) -> None:
    events = {e.id: e for e in sample.events()}
    ministerial = events["dmm-2023-06"]
    assert (ministerial.start.iso(), ministerial.end.iso()) == ("2023-06-15", "2023-06-16")
    summit = events["vilnius-summit-2023"]
    assert (summit.start.iso(), summit.end.iso()) == ("2023-07-11", "2023-07-12")
    # Known only to a window, a year or a month: kept that way.
    assert events["npg-2023-06"].within
    assert events["nspa-155mm-joint-procurement-2023"].precision.value == "year"
    assert events["maritime-centre-initial-capability-2024-05"].precision.value == "month"
    # "About 13:00" is not a minute: the first NATO-Ukraine Council is dated to its day, the time in words.
    council = events["nuc-council-inaugural-2023-07-12"]
    assert (council.start.iso(), council.precision.value, council.timezone) == ("2023-07-12", "day", "Europe/Vilnius")
    assert "about 13:00" in council.description


def test_the_sample_is_graded_from_its_fact_sheet(sample: EventStore) -> None:
    events = {e.id: e for e in sample.events()}
    assert all(event.credibility for event in events.values())
    assert all(source.reliability for event in events.values() for source in event.sources)
    nato = {s.reliability for e in events.values() for s in e.sources if (s.url or "").startswith("https://www.nato.int")}
    assert nato == {"A"}  # NATO's own pages
    assert events["npg-2023-06"].credibility == "3"  # its day known from one agenda
    assert events["dmm-2023-06"].credibility == "1"
    unsure = {(k.source, k.target) for k in sample.links() if k.confidence is not None}
    assert ("udcg-13-2023-06-15", "dmm-2023-06") in unsure and len(unsure) <= 3
    # The slips mended: CNAD drafted the plan; the preview's place is assumed in every field; the
    # Vilnius decisions cite the summit communiqué.
    dpap = events["dpap-review-2023-06"]
    assert ("conference-of-national-armaments-directors", "drafter") in {(p.body_id, p.role) for p in dpap.bodies}
    preview = events["sg-press-conference-2023-06-14"]
    assert "(assumed)" in preview.location and "assumed" in preview.description
    communique = "https://www.nato.int/cps/en/natohq/official_texts_217320.htm"
    for event_id in ("maritime-centre-agreed-leaders-2023-07-11", "dpap-endorsed-2023-07-11",
                     "defence-investment-pledge-renewed-2023-07-11", "regional-plans-approved-2023-07-11"):
        assert communique in {s.url for s in events[event_id].sources}, event_id


def test_the_two_nucs_are_distinct_bodies(sample: EventStore) -> None:
    bodies = {b.id: b for b in sample.bodies()}
    commission, council = bodies["nato-ukraine-commission"], bodies["nato-ukraine-council"]
    assert commission.acronym == council.acronym == "NUC"
    assert commission.replaced_by == "nato-ukraine-council"
    assert sample.event_ids(EventFilter.build(bodies=["nato-ukraine-council"])) == [
        "nuc-council-inaugural-2023-07-12"
    ]


def test_the_default_database_is_built_from_the_json_and_matches_it(tmp_path: Path) -> None:
    path = sample_database_path(tmp_path)
    assert path.parent == tmp_path and path.is_file()
    assert sample_database_path(tmp_path) == path  # built once, then reused
    original = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    with EventStore(path) as store:
        assert sorted(store.event_ids()) == sorted(e["id"] for e in original["events"])
        assert store.name() == original["name"]

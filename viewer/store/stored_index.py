"""The time index stored inside the file at import, so that opening reads it in bulk.

Import writes, in the table ``stored_index``, everything opening would otherwise rebuild from
a million rows: the time index's columns as arrays, the ids and titles, the bodies' and tags'
members, the links, the summary and the table's text orders. Triggers of the schema empty the
table whenever another program changes the events, the bodies, their links or tags, so a
stored index is either current or absent; the header keeps SQLite's schema counter, so one made
stale by dropping those triggers, or by a VACUUM, is set aside too. Read back, every part is checked (sizes, types,
ranges, order) and a sample of rows is compared with the events table: a part that does not
fit makes the reader rebuild from the rows, and say so. No part can make the reader allocate
more than the file holds.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import numpy as np

from viewer.store.grading import Confidence, GradingScheme, scheme_to_dict
from viewer.store.model import Relation
from viewer.store.time_index import PRECISION_CODES, ROW_DTYPE, TimeIndex, sound_rows
from viewer.store.validity import valid_body_sql

FORMAT = 2  # the layout of the parts below (2 added the grades; a file before schema 4 may hold layout 1)
UNGRADED_FORMAT = 1
TABLE = "stored_index"
ORDERED_COLUMNS = ("title", "location")  # the table's sorts that need the text
SAMPLE = 256  # rows compared with the events table on opening
_ARRAYS = {  # part -> dtype (little-endian, whatever the machine)
    "seq": "<i8", "earliest": "<i8", "latest": "<i8", "kind": "<i4", "flags": "u1",
    "body_sizes": "<i8", "body_positions": "<i8", "tag_sizes": "<i8", "tag_positions": "<i8",
    "link_from": "<i8", "link_to": "<i8", "link_relation": "<i4",
    "order_title": "<i8", "order_location": "<i8",
    "credibility": "i1", "reliability": "i1", "link_confidence": "i1",
}
_GRADE_PARTS = ("credibility", "reliability", "link_confidence")
_TEXTS = ("header", "ids", "titles")


class StaleIndex(Exception):
    """The stored index is missing, out of date or not well formed (the reason, for the user)."""


@dataclass
class StoredIndex:
    """What opening needs, read from the file instead of rebuilt."""

    index: TimeIndex
    link_from: np.ndarray  # seq numbers
    link_to: np.ndarray
    link_relations: list[str]  # one relation value per link
    summary: dict[str, object]  # events, bodies, links, first_date, last_date
    orders: dict[str, np.ndarray]  # column -> every seq, in that column's order
    link_confidence: np.ndarray | None = None  # per link: its position in Confidence (None: all confirmed)

    def confidences(self) -> np.ndarray:
        """Each link's confidence as its position in :class:`Confidence` (0: confirmed)."""
        if self.link_confidence is None:
            return np.zeros(self.link_from.size, dtype=np.int8)
        return self.link_confidence


# ----------------------------------------------------------------------------- writing


def write_stored_index(connection: sqlite3.Connection, stored: StoredIndex) -> None:
    """Replace the stored index (inside the import's transaction, after every row is written)."""
    index = stored.index
    flags = index.precision.astype(np.int64) * 8 + index.within.astype(np.int64) * 2 + index.spans
    body_keys, body_sizes, body_positions = _flatten(index.body_members)
    tag_keys, tag_sizes, tag_positions = _flatten(index.tag_members)
    relations = sorted(set(stored.link_relations))
    code = {relation: number for number, relation in enumerate(relations)}
    header = {
        "format": FORMAT, "count": len(index), "kinds": list(index.kinds), "bodies": body_keys, "tags": tag_keys,
        "relations": relations, "links": int(stored.link_from.size), "summary": stored.summary,
        "schema_cookie": _schema_cookie(connection), "grading": scheme_to_dict(index.grading),
    }
    arrays = {
        "seq": index.seq, "earliest": index.earliest, "latest": index.latest, "kind": index.kind, "flags": flags,
        "body_sizes": body_sizes, "body_positions": body_positions, "tag_sizes": tag_sizes,
        "tag_positions": tag_positions, "link_from": stored.link_from, "link_to": stored.link_to,
        "link_relation": np.fromiter((code[r] for r in stored.link_relations), dtype=np.int64,
                                     count=len(stored.link_relations)),
        **{f"order_{column}": stored.orders[column] for column in ORDERED_COLUMNS},
        "credibility": index.grades("credibility"), "reliability": index.grades("reliability"),
        "link_confidence": stored.confidences(),
    }
    connection.execute(f"DELETE FROM {TABLE}")
    insert = f"INSERT INTO {TABLE}(part, data) VALUES (?, ?)"
    for name, value in arrays.items():  # one part at a time: a million titles are a large text
        connection.execute(insert, (name, np.ascontiguousarray(value, dtype=_ARRAYS[name]).tobytes()))
    for name, value in (("header", header), ("ids", index.ids), ("titles", index.titles)):
        connection.execute(insert, (name, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()))


def _schema_cookie(connection: sqlite3.Connection) -> int:
    """SQLite's count of schema changes: dropping a trigger, changing rows and making the trigger
    again (or a VACUUM) moves it, so the index is then set aside as possibly out of date."""
    return int(connection.execute("PRAGMA schema_version").fetchone()[0])


def _flatten(members: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray, np.ndarray]:
    keys = list(members)
    sizes = np.fromiter((members[key].size for key in keys), dtype=np.int64, count=len(keys))
    flat = np.concatenate([members[key] for key in keys]) if keys else np.empty(0, dtype=np.int64)
    return keys, sizes, flat


# ----------------------------------------------------------------------------- reading


def read_stored_index(
    connection: sqlite3.Connection, valid_event: str, grading: GradingScheme | None = None
) -> StoredIndex:
    """The stored index, every part checked; raises :class:`StaleIndex` saying why it cannot be used.

    ``valid_event`` is the readers' SQL condition over ``events`` aliased ``e``: sampled rows
    must pass it and match the index. ``grading`` is the file's grading scheme (None: a file
    before schema version 4, which holds no grades and may hold an index of layout 1).
    """
    parts = _Parts(connection, graded=grading is not None)
    header = _header(parts, graded=grading is not None)
    _expect(header.get("schema_cookie") == _schema_cookie(connection),
            "the file's schema was changed after it was written (a trigger remade, or the file compacted)")
    count = header["count"]
    array = {name: _array(parts, name) for name in _ARRAYS if name not in _GRADE_PARTS or header["format"] == FORMAT}
    for name in ("seq", "earliest", "latest", "kind", "flags"):
        _expect(array[name].size == count, f"the part {name!r} does not hold one value per event")
    ids, titles = _texts(parts, "ids", count), _texts(parts, "titles", count)
    seq, earliest, latest, kind, flags = (array[n].astype(np.int64) for n in ("seq", "earliest", "latest", "kind",
                                                                               "flags"))
    kinds = tuple(header["kinds"])
    _expect(bool(sound_rows(seq, earliest, latest, flags).all()), "an event's time columns make no sense")
    _expect(bool(((kind >= -1) & (kind < len(kinds))).all()), "an event's kind is not listed")
    _expect(count < 2 or bool((np.diff(earliest) >= 0).all()), "the events are not in time order")
    _expect(_distinct(seq), "two events share a number")
    rows = np.empty(count, dtype=ROW_DTYPE)
    rows["seq"], rows["earliest"], rows["latest"], rows["kind"] = seq, earliest, latest, kind
    rows["precision"], rows["within"], rows["spans"] = flags // 8, (flags // 2) % 2, flags % 2
    index = TimeIndex.from_rows(rows, kinds, titles=titles, ids=ids)
    index.body_members = _members(header["bodies"], array["body_sizes"], array["body_positions"], count, "body")
    index.tag_members = _members(header["tags"], array["tag_sizes"], array["tag_positions"], count, "tag")
    if index.body_members:
        known = {row[0] for row in connection.execute(f"SELECT b.id FROM bodies b WHERE {valid_body_sql('b')}")}
        _expect(known.issuperset(index.body_members), "it lists a body the file does not hold")
    links = header["links"]
    for name in ("link_from", "link_to", "link_relation"):
        _expect(array[name].size == links, f"the part {name!r} does not hold one value per link")
    relations = header["relations"]
    _expect(set(relations) <= {relation.value for relation in Relation},
            "a link's relation is not one this program knows")
    codes = array["link_relation"]
    _expect(bool(((codes >= 0) & (codes < len(relations))).all()), "a link's relation is not listed")
    for name in ("link_from", "link_to"):
        _expect(bool((index.positions_of_seqs(array[name]) >= 0).all()), "a link ends at no event")
    orders = {}
    for column in ORDERED_COLUMNS:
        order = array[f"order_{column}"]
        _expect(order.size == count and bool((index.positions_of_seqs(order) >= 0).all())
                and _distinct(order), f"the {column} order does not list every event once")
        orders[column] = order
    link_confidence = None
    if grading is not None and header["format"] == FORMAT:
        _expect(header.get("grading") == scheme_to_dict(grading), "it was made for another grading scheme")
        index.grading = grading
        for scale in ("credibility", "reliability"):
            values = array[scale]
            _expect(values.size == count and bool(((values >= -1) & (values < len(grading.scale(scale)))).all()),
                    f"an event's {scale} is not a grade of the file's scheme")
            setattr(index, scale, values if (values >= 0).any() else None)
        link_confidence = array["link_confidence"]
        _expect(link_confidence.size == links and bool(((link_confidence >= 0)
                                                         & (link_confidence < len(Confidence))).all()),
                "a link's confidence is not one this program knows")
    _compare_sample(connection, index, valid_event)
    return StoredIndex(index, array["link_from"], array["link_to"], [relations[c] for c in codes.tolist()],
                       header["summary"], orders, link_confidence)


class _Parts:
    """The stored parts, each read when asked for (so no more than one part's bytes are held at once)."""

    def __init__(self, connection: sqlite3.Connection, *, graded: bool) -> None:
        names = (set(_ARRAYS) | set(_TEXTS)) - (set() if graded else set(_GRADE_PARTS))
        found = {row[0] for row in connection.execute(f"SELECT part FROM {TABLE} WHERE typeof(data) = 'blob'")}
        if not found:
            raise StaleIndex(
                "the file holds no stored copy (another program changed its records after the last import)")
        missing = sorted(names - found)
        _expect(not missing, f"the part {missing[0]!r} is missing" if missing else "")
        self._connection = connection

    def __getitem__(self, name: str) -> bytes:
        row = self._connection.execute(
            f"SELECT data FROM {TABLE} WHERE part = ? AND typeof(data) = 'blob'", (name,)).fetchone()
        _expect(row is not None, f"the part {name!r} is missing")
        return row[0]


def _header(parts: _Parts, *, graded: bool) -> dict:
    try:
        header = json.loads(parts["header"])
    except (UnicodeDecodeError, ValueError):
        raise _unusable("its header is not JSON") from None
    layouts = (FORMAT,) if graded else (FORMAT, UNGRADED_FORMAT)
    _expect(isinstance(header, dict) and header.get("format") in layouts and type(header.get("format")) is int,
            "it was written in another layout")
    count, links = header.get("count"), header.get("links")
    _expect(type(count) is int and count >= 0 and type(links) is int and links >= 0, "its counts are not numbers")
    for key in ("kinds", "bodies", "tags", "relations"):
        values = header.get(key)
        _expect(isinstance(values, list) and all(type(v) is str and v for v in values)
                and len(set(values)) == len(values), f"its list of {key} is not a list of names")
    summary = header.get("summary")
    _expect(isinstance(summary, dict) and all(type(summary.get(k)) is int for k in ("events", "bodies", "links"))
            and all(summary.get(k) is None or type(summary.get(k)) is str for k in ("first_date", "last_date")),
            "its summary is not well formed")
    return header


def _array(parts: _Parts, name: str) -> np.ndarray:
    dtype = np.dtype(_ARRAYS[name])
    data = parts[name]
    _expect(len(data) % dtype.itemsize == 0, f"the part {name!r} has a size no array of its kind has")
    return np.frombuffer(data, dtype=dtype).astype(dtype.newbyteorder("="))


def _texts(parts: _Parts, name: str, count: int) -> list[str]:
    try:
        values = _json_in_pieces(parts[name])
    except (UnicodeDecodeError, ValueError):
        raise _unusable(f"the part {name!r} is not JSON") from None
    _expect(isinstance(values, list) and len(values) == count, f"the part {name!r} does not hold one text per event")
    _expect(set(map(type, values)) <= {str} and "" not in values, f"the part {name!r} holds something not a text")
    return values


_PIECE_BYTES = 1 << 20


def _json_in_pieces(data: bytes) -> object:
    """``json.loads(data)``, for a JSON array of texts a piece of about a MiB at a time.

    The file is opened in the background, and one ``json.loads`` of a million titles holds
    Python's lock for over 100 ms, which the window would feel. The array is cut before a
    ``","`` (the end of one text, a comma, the start of the next); a cut inside a text leaves
    a piece that does not decode (a ``"`` inside a text is always escaped), and anything
    unusual is decoded whole, so the result is always what one ``json.loads`` gives.
    """
    if len(data) <= _PIECE_BYTES or not (data.startswith(b'["') and data.endswith(b'"]')):
        return json.loads(data)
    values: list[object] = []
    start = 1
    while start < len(data) - 1:
        cut = data.find(b'","', start + _PIECE_BYTES)
        end = len(data) - 1 if cut == -1 else cut + 1
        try:
            piece = json.loads(b"[" + data[start:end] + b"]")
        except ValueError:
            return json.loads(data)
        values.extend(piece)
        start = end + 1
    return values


def _members(keys: list[str], sizes: np.ndarray, flat: np.ndarray, count: int, what: str) -> dict[str, np.ndarray]:
    _expect(sizes.size == len(keys) and bool((sizes >= 0).all()) and int(sizes.sum()) == flat.size,
            f"the {what} members do not add up")
    _expect(bool(((flat >= 0) & (flat < count)).all()), f"a {what} member is not an event")
    ends = np.cumsum(sizes)
    return {key: flat[end - size : end] for key, size, end in zip(keys, sizes.tolist(), ends.tolist(), strict=True)}


def _compare_sample(connection: sqlite3.Connection, index: TimeIndex, valid_event: str) -> None:
    """Rows spread over the index must be in the events table, readable, and the same."""
    count = len(index)
    if not count:
        rows = connection.execute("SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)").fetchone()[0]
        _expect(rows == 0, "it lists no event but the file holds some")
        return
    positions = np.unique(np.linspace(0, count - 1, min(SAMPLE, count)).astype(np.int64))
    seqs = index.seq[positions].tolist()
    marks = ", ".join("?" for _ in seqs)
    found = {
        row[0]: row[1:]
        for row in connection.execute(
            f"SELECT e.seq, e.id, e.title, e.earliest, e.latest, e.kind, e.precision FROM events e "
            f"WHERE e.seq IN ({marks}) AND {valid_event}",
            seqs,
        )
    }
    precisions = list(PRECISION_CODES)
    for position, seq in zip(positions.tolist(), seqs, strict=True):
        kind = int(index.kind[position])
        expected = (index.ids[position], index.titles[position], int(index.earliest[position]),
                    int(index.latest[position]), index.kinds[kind] if kind >= 0 else None,
                    precisions[int(index.precision[position])])
        _expect(found.get(seq) == expected, "it does not match the events (the file was changed after it was written)")
    last = connection.execute("SELECT max(seq) FROM events").fetchone()[0]
    _expect(last == int(index.seq.max()), "it does not match the events (the file was changed after it was written)")


def _distinct(values: np.ndarray) -> bool:
    """True when no value repeats (a sort: numpy's hashing unique is slower at a million)."""
    ordered = np.sort(values)
    return ordered.size < 2 or bool((ordered[1:] != ordered[:-1]).all())


def _expect(condition: bool, reason: str) -> None:
    if not condition:
        raise _unusable(reason)


def _unusable(reason: str) -> StaleIndex:
    return StaleIndex(f"the stored copy could not be used: {reason}")


# ----------------------------------------------------------------------------- comparing


def first_difference(stored: StoredIndex, rebuilt: StoredIndex) -> str | None:
    """Where ``stored`` differs from an index rebuilt from the rows, in words; None when equal."""
    a, b = stored.index, rebuilt.index
    for name in ("seq", "earliest", "latest", "precision", "within", "spans"):
        if not np.array_equal(getattr(a, name), getattr(b, name)):
            return f"the events' {name} values differ"
    if [a.kinds[k] if k >= 0 else None for k in a.kind.tolist()] != [
        b.kinds[k] if k >= 0 else None for k in b.kind.tolist()
    ]:
        return "the events' kinds differ"
    if a.ids != b.ids or a.titles != b.titles:
        return "the events' ids or titles differ"
    for what, left, right in (("bodies", a.body_members, b.body_members), ("tags", a.tag_members, b.tag_members)):
        if set(left) != set(right) or any(not np.array_equal(left[key], right[key]) for key in left):
            return f"the events' {what} differ"
    if _links(stored) != _links(rebuilt):
        return "the links differ"
    for scale in ("credibility", "reliability"):
        if not np.array_equal(a.grades(scale), b.grades(scale)):
            return f"the events' {scale} grades differ"
    if stored.summary != rebuilt.summary:
        return "the summary differs"
    for column in ORDERED_COLUMNS:
        if not np.array_equal(stored.orders[column], rebuilt.orders[column]):
            return f"the order by {column} differs"
    return None


def _links(stored: StoredIndex) -> list[tuple[int, int, str, int]]:
    return sorted(zip(stored.link_from.tolist(), stored.link_to.tolist(), stored.link_relations,
                      stored.confidences().tolist(), strict=True))

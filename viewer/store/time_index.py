"""The in-memory time index: events as sorted numpy columns, for painting and masking.

Loaded once per file in one query (no per-event objects), sorted by start. A running maximum
of the ends lets a visible-range lookup keep long events that started off-screen. The
timeline reads only this, never SQLite, while painting.
"""

from __future__ import annotations

import json
import operator
import sqlite3
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from viewer.store.dates import Precision
from viewer.store.grading import ADMIRALTY, GradingScheme
from viewer.store.validity import FIRST_INSTANT, LAST_INSTANT, ZONE_SLACK

PRECISION_CODES = {precision.value: code for code, precision in enumerate(Precision)}
ROW_DTYPE = _ROW = np.dtype(
    [
        ("seq", np.int64),
        ("earliest", np.int64),
        ("latest", np.int64),
        ("kind", np.int32),
        ("precision", np.int8),
        ("within", np.int8),
        ("spans", np.int8),
    ]
)


@dataclass(eq=False)
class TimeIndex:
    """Columns of every event, sorted by ``earliest`` (then ``latest``, ``seq``).

    Positions (0..n-1) index every column. ``kind`` holds a code into ``kinds`` (-1 for none);
    ``precision`` a code in :class:`Precision` order; ``spans`` is true when the event has an
    end. ``titles`` and ``ids`` are Python lists in the same order; ``body_members`` maps each
    body id to the sorted positions of its events.
    """

    seq: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    max_latest: np.ndarray  # running maximum of ``latest``
    kind: np.ndarray
    precision: np.ndarray
    within: np.ndarray
    spans: np.ndarray
    kinds: tuple[str, ...]
    titles: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    body_members: dict[str, np.ndarray] = field(default_factory=dict)
    tag_members: dict[str, np.ndarray] = field(default_factory=dict)
    # Grades, as positions in the scales of ``grading`` (0 for the first grade, -1 for none):
    # each event's credibility, and the best reliability among its sources (a judged grade
    # before one that cannot judge). None: no event is graded.
    credibility: np.ndarray | None = None
    reliability: np.ndarray | None = None
    grading: GradingScheme = ADMIRALTY
    _seq_order: np.ndarray | None = field(default=None, repr=False)  # positions sorted by seq
    _seq_table: np.ndarray | None = field(default=None, repr=False)  # position by seq, when seqs are compact

    def __len__(self) -> int:
        return int(self.seq.size)

    def grades(self, scale: str) -> np.ndarray:
        """The positions of every event's ``scale`` grade ("credibility" or "reliability"), -1 for none."""
        values = self.credibility if scale == "credibility" else self.reliability
        return values if values is not None else np.full(len(self), -1, dtype=np.int8)

    def grade_mask(self, scale: str, codes: Iterable[str]) -> np.ndarray:
        """A boolean mask of the events whose ``scale`` grade is one of ``codes``."""
        positions = [self.grading.position(scale, code) for code in codes]
        wanted = np.array([p for p in positions if p is not None], dtype=np.int8)
        return np.isin(self.grades(scale), wanted)

    def load_grades(self, connection: sqlite3.Connection, grading: GradingScheme) -> None:
        """Read the events' grades (a file of schema version 4 or later), as positions in ``grading``."""
        self.grading = grading
        self.credibility = self._positions_by_seq(connection, _grade_case("e.credibility", grading.credibility),
                                                  "FROM events e WHERE e.credibility IS NOT NULL")
        best = self._positions_by_seq(
            connection, f"min({_grade_case('s.reliability', grading.reliability, unjudged_after=True)})",
            "FROM sources s JOIN events e ON e.id = s.event_id WHERE s.reliability IS NOT NULL GROUP BY e.seq")
        if best is not None:
            best[best >= _UNJUDGED] -= _UNJUDGED
        self.reliability = best

    def _positions_by_seq(self, connection: sqlite3.Connection, value: str, rest: str) -> np.ndarray | None:
        row = connection.execute(
            f"SELECT count(*), group_concat(seq), group_concat(value) FROM (SELECT e.seq AS seq, {value} AS value "
            f"{rest}) WHERE value IS NOT NULL"
        ).fetchone()
        if not row[0]:
            return None
        seqs, values = _numbers(row[1], int(row[0])), _numbers(row[2], int(row[0]))
        positions = self.positions_of_seqs(seqs)
        found = np.full(len(self), -1, dtype=np.int8)
        inside = positions >= 0
        found[positions[inside]] = values[inside]
        return found

    @classmethod
    def load(cls, connection: sqlite3.Connection, readable: str = "1") -> TimeIndex:
        """Read every event's columns, titles, ids and bodies in a few bulk queries.

        ``readable`` is an SQL condition over ``events`` aliased ``e`` (the store's row
        validity); rows failing it are left out.

        Numbers come back as one comma-separated text per column (``group_concat``), parsed
        by numpy, and ids and titles as JSON arrays from the same scan: far faster than a
        Python tuple per row at a million events. Columns of one scan are aligned with each
        other and sorted here, so nothing relies on SQLite's scan order.
        """
        kinds = tuple(  # from the kind index alone (a kind only unreadable rows use costs nothing)
            row[0]
            for row in connection.execute("SELECT DISTINCT kind FROM events WHERE kind IS NOT NULL ORDER BY kind")
            if isinstance(row[0], str)
        )
        kind_case = " ".join(f"WHEN ? THEN {code}" for code in range(len(kinds)))
        kind_sql = f"CASE kind {kind_case} ELSE -1 END" if kinds else "-1"
        precision_case = " ".join(f"WHEN '{name}' THEN {code}" for name, code in PRECISION_CODES.items())
        # Unknown precisions and windows get codes that sound_rows drops (checked in bulk, not per row).
        flags_sql = (
            f"(CASE precision {precision_case} ELSE 7 END) * 8 "
            '+ (CASE within WHEN 0 THEN 0 WHEN 1 THEN 2 ELSE 4 END) + ("end" IS NOT NULL)'
        )
        columns = (
            "count(*), group_concat(seq), group_concat(earliest), group_concat(latest), "
            f"group_concat({kind_sql}), group_concat({flags_sql})"
        )
        try:  # every row, unchecked: a sound file (nearly always) costs no per-row check
            scanned = _scan(connection, columns, kinds, "1", strict=True)
        except _UnsoundScan:  # a crafted file: the same scan over the rows of the right types only
            scanned = _scan(connection, columns, kinds, readable, strict=False)
        count, (seq, earliest, latest, kind, flags), texts_by_scan = scanned
        ids_by_scan, titles_by_scan = texts_by_scan
        sound = sound_rows(seq, earliest, latest, flags)
        for texts in (ids_by_scan, titles_by_scan):
            if "" in texts:  # a scan at C speed; the comparison per row only for a crafted file
                sound &= np.fromiter((text != "" for text in texts), dtype=bool, count=len(texts))
        if not sound.all():  # a crafted file: leave out the rows whose time columns make no sense
            seq, earliest, latest, kind, flags = (a[sound] for a in (seq, earliest, latest, kind, flags))
            kept = sound.tolist()
            ids_by_scan = [value for value, keep in zip(ids_by_scan, kept, strict=True) if keep]
            titles_by_scan = [value for value, keep in zip(titles_by_scan, kept, strict=True) if keep]
            count = int(seq.size)
        order = np.lexsort((seq, latest, earliest))
        rows = np.empty(count, dtype=_ROW)
        rows["seq"], rows["earliest"], rows["latest"] = seq[order], earliest[order], latest[order]
        rows["kind"] = kind[order]
        rows["precision"] = flags[order] // 8
        rows["within"] = (flags[order] // 2) % 2
        rows["spans"] = flags[order] % 2
        index = cls.from_rows(
            rows, kinds, titles=_reordered(titles_by_scan, order), ids=_reordered(ids_by_scan, order)
        )
        index.body_members = index._members_by_key(connection.execute(
            "SELECT b.body_id, group_concat(e.seq) FROM event_bodies b "
            "JOIN events e ON e.id = b.event_id GROUP BY b.body_id"
        ).fetchall())
        index.tag_members = index._members_by_key(connection.execute(
            "SELECT t.tag, group_concat(e.seq) FROM event_tags t "
            "JOIN events e ON e.id = t.event_id GROUP BY t.tag"
        ).fetchall())
        return index

    def _members_by_key(self, rows: list[tuple[str, str]]) -> dict[str, np.ndarray]:
        """``{key: sorted unique positions}`` from (key, comma-separated seqs) rows, in bulk.

        One parse, one lookup and one sort for all keys together: 100,000 bodies cost no more
        than 30 bodies with the same number of memberships.
        """
        rows = [row for row in rows if isinstance(row[0], str) and row[0]]  # one row per key: cheap here
        if not rows:
            return {}
        keys = [row[0] for row in rows]
        texts = [row[1] or "" for row in rows]
        counts = np.fromiter((text.count(",") + 1 if text else 0 for text in texts), dtype=np.int64, count=len(rows))
        seqs = _numbers(",".join(text for text in texts if text), int(counts.sum()))
        groups = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
        return _split_by_group(keys, groups, self.positions_of_seqs(seqs))

    @classmethod
    def from_rows(
        cls,
        rows: np.ndarray,
        kinds: tuple[str, ...],
        titles: list[str] | None = None,
        ids: list[str] | None = None,
    ) -> TimeIndex:
        """Build from a structured array (dtype ``_ROW``) already sorted by time."""
        latest = np.ascontiguousarray(rows["latest"])
        return cls(
            seq=np.ascontiguousarray(rows["seq"]),
            earliest=np.ascontiguousarray(rows["earliest"]),
            latest=latest,
            max_latest=np.maximum.accumulate(latest) if latest.size else latest.copy(),
            kind=np.ascontiguousarray(rows["kind"]),
            precision=np.ascontiguousarray(rows["precision"]),
            within=np.ascontiguousarray(rows["within"]).astype(bool),
            spans=np.ascontiguousarray(rows["spans"]).astype(bool),
            kinds=kinds,
            titles=titles if titles is not None else [""] * len(rows),
            ids=ids if ids is not None else [str(s) for s in rows["seq"]],
        )

    def subset(self, positions: np.ndarray) -> TimeIndex:
        """A smaller index holding only these positions (kept in time order)."""
        keep = np.unique(np.asarray(positions, dtype=np.int64))
        rows = np.empty(keep.size, dtype=_ROW)
        for name, column in (("seq", self.seq), ("earliest", self.earliest), ("latest", self.latest),
                             ("kind", self.kind), ("precision", self.precision),
                             ("within", self.within), ("spans", self.spans)):
            rows[name] = column[keep]
        smaller = TimeIndex.from_rows(
            rows, self.kinds, titles=[self.titles[p] for p in keep.tolist()], ids=[self.ids[p] for p in keep.tolist()]
        )
        smaller.body_members = _members_within(self.body_members, keep)
        smaller.tag_members = _members_within(self.tag_members, keep)
        smaller.grading = self.grading
        smaller.credibility = None if self.credibility is None else self.credibility[keep]
        smaller.reliability = None if self.reliability is None else self.reliability[keep]
        return smaller

    def positions_of_seqs(self, seqs: np.ndarray | Iterable[int]) -> np.ndarray:
        """The position of each ``seq`` number (-1 where no event has it).

        Memory grows with the events, never with the value of a ``seq`` (a crafted file may
        hold rowid 300,000,000 or -5): a direct table when the numbers are compact (as import
        writes them), else a binary search over the numbers in order.
        """
        wanted = np.asarray(seqs if isinstance(seqs, np.ndarray) else np.fromiter(seqs, dtype=np.int64),
                            dtype=np.int64)
        if self._seq_table is None:
            compact = self.seq.size and self.seq.min() >= 0 and self.seq.max() < 2 * self.seq.size + 1024
            self._seq_table = np.empty(0, dtype=np.int64)
            if compact:
                self._seq_table = np.full(int(self.seq.max()) + 1, -1, dtype=np.int64)
                self._seq_table[self.seq] = np.arange(self.seq.size)
        if self._seq_table.size:
            table = self._seq_table
            inside = (wanted >= 0) & (wanted < table.size)
            return np.where(inside, table[np.where(inside, wanted, 0)], -1)
        if self._seq_order is None:
            self._seq_order = np.argsort(self.seq, kind="stable")
        in_order = self.seq[self._seq_order]
        found = np.searchsorted(in_order, wanted)
        found = np.minimum(found, max(in_order.size - 1, 0))
        hit = in_order[found] == wanted if in_order.size else np.zeros(wanted.size, dtype=bool)
        return np.where(hit, self._seq_order[found] if in_order.size else -1, -1)


    def visible(self, since: int, until: int) -> np.ndarray:
        """Positions of the events overlapping [since, until), in time order.

        Candidates end at the first event starting at or after ``until``; they begin at the
        first position whose running maximum of ends passes ``since`` (every event before it
        ended earlier). The few candidates that ended before ``since`` are then dropped.
        """
        stop = int(np.searchsorted(self.earliest, until, side="left"))
        start = int(np.searchsorted(self.max_latest[:stop], since, side="right"))
        positions = np.arange(start, stop)
        return positions[self.latest[start:stop] > since]

    def mask_of_seqs(self, seqs: Iterable[int]) -> np.ndarray:
        """A boolean mask over positions marking the events with the given ``seq`` numbers."""
        mask = np.zeros(len(self), dtype=bool)
        positions = self.positions_of_seqs(seqs)
        mask[positions[positions >= 0]] = True
        return mask

    def body_members_mask(self, body_ids: Iterable[str]) -> np.ndarray:
        """A boolean mask over positions marking the events of any of the given bodies."""
        return _members_mask(len(self), self.body_members, body_ids)

    def tag_members_mask(self, tags: Iterable[str]) -> np.ndarray:
        """A boolean mask over positions marking the events with any of the given tags."""
        return _members_mask(len(self), self.tag_members, tags)

    def kinds_mask(self, kinds: Iterable[str]) -> np.ndarray:
        """A boolean mask over positions marking the events of any of the given kinds."""
        codes = [code for code, kind in enumerate(self.kinds) if kind in set(kinds)]
        return np.isin(self.kind, np.array(codes, dtype=self.kind.dtype))

    def overlapping_mask(self, since: int | None, until: int | None) -> np.ndarray:
        """A boolean mask of the events overlapping [since, until) (None: unbounded)."""
        mask = np.ones(len(self), dtype=bool)
        if since is not None:
            mask &= self.latest > since
        if until is not None:
            mask &= self.earliest < until
        return mask

    def ends_of(self, positions: np.ndarray) -> tuple[int, int]:
        """The positions, among non-empty ``positions``, of the event starting first and of the one ending last."""
        return (int(positions[int(np.argmin(self.earliest[positions]))]),
                int(positions[int(np.argmax(self.latest[positions]))]))

    @property
    def span(self) -> tuple[int, int] | None:
        """(first instant, end of the last event), or None when empty."""
        if not len(self):
            return None
        return int(self.earliest[0]), int(self.max_latest[-1])


_UNJUDGED = 64  # added to the position of a grade that does not judge, so that min() prefers a judged one


def _grade_case(column: str, grades: tuple, *, unjudged_after: bool = False) -> str:
    """SQL giving the position of ``column``'s grade among ``grades`` (NULL for any other value).

    The codes are letters and digits only (the scheme checks them), so they are written inline.
    """
    cases = " ".join(
        f"WHEN '{grade.code}' THEN {number + (0 if grade.judged or not unjudged_after else _UNJUDGED)}"
        for number, grade in enumerate(grades)
    )
    return f"(CASE {column} {cases} END)"


def _split_by_group(keys: list[str], groups: np.ndarray, positions: np.ndarray) -> dict[str, np.ndarray]:
    """Sorted unique non-negative ``positions`` of each group, keyed by ``keys[group]``."""
    known = positions >= 0
    groups, positions = groups[known], positions[known]
    if not positions.size:
        return {}
    span = int(positions.max()) + 1 if positions.size else 1
    combined = np.sort(groups * span + positions)  # sort and drop repeats: cheaper than np.unique's hashing
    if combined.size > 1:
        combined = combined[np.r_[True, combined[1:] != combined[:-1]]]
    groups, positions = combined // span, combined % span
    boundaries = np.flatnonzero(np.diff(groups)) + 1
    found: dict[str, np.ndarray] = {}
    for group, members in zip(groups[np.r_[0, boundaries]].tolist(), np.split(positions, boundaries), strict=True):
        found[keys[group]] = members
    return found


def _members_within(members: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    """The members that are in ``keep`` (sorted positions), renumbered as positions of ``keep``."""
    if not members:
        return {}
    keys = list(members)
    sizes = np.fromiter((members[key].size for key in keys), dtype=np.int64, count=len(keys))
    everything = np.concatenate([members[key] for key in keys]) if sizes.sum() else np.empty(0, dtype=np.int64)
    groups = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)
    slot = np.searchsorted(keep, everything)
    inside = (slot < keep.size) & (keep[np.minimum(slot, max(keep.size - 1, 0))] == everything) if keep.size else \
        np.zeros(everything.size, dtype=bool)
    return _split_by_group(keys, groups[inside], slot[inside])


class _UnsoundScan(Exception):
    """The unchecked scan met a value of the wrong type (the checked one is needed)."""


def _scan(
    connection: sqlite3.Connection, columns: str, kinds: tuple[str, ...], readable: str, *, strict: bool
) -> tuple[int, list[np.ndarray], tuple[list[str], list[str]]]:
    """Count, numeric columns and (ids, titles) of the ``events`` rows passing ``readable``.

    ``strict``: raise :class:`_UnsoundScan` instead of trusting any value whose type is not
    the one import writes (text or a float in a time column, NULL, a blob, a number as an id).
    """
    try:  # ids and titles as JSON arrays from the same scan (SQLite's JSON functions)
        row = connection.execute(
            f"SELECT {columns}, json_group_array(id), json_group_array(title) FROM events e WHERE {readable}",
            kinds,
        ).fetchone()
        texts: tuple[list, list] | None = (json.loads(row[6]), json.loads(row[7]))
    except sqlite3.OperationalError as error:
        message = str(error)
        if "no such function" not in message:
            if strict and "interrupted" not in message:  # a blob as a title, bytes that are not UTF-8…
                raise _UnsoundScan from error
            raise
        row = connection.execute(f"SELECT {columns} FROM events e WHERE {readable}", kinds).fetchone()
        texts = None
    count = int(row[0])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)  # numpy's word for "not a number"
            numbers = [_numbers(text, count) for text in row[1:6]]
    except (ValueError, DeprecationWarning, sqlite3.DatabaseError) as error:
        if strict:
            raise _UnsoundScan from error
        raise sqlite3.DatabaseError("the events table returned inconsistent columns") from error
    if texts is None:  # without JSON functions: row by row, in seq order
        by_seq = np.argsort(numbers[0], kind="stable")
        numbers = [a[by_seq] for a in numbers]
        rows = connection.execute(f"SELECT e.id, e.title FROM events e WHERE {readable} ORDER BY e.seq").fetchall()
        texts = ([t[0] for t in rows], [t[1] for t in rows])
    if strict and any(set(map(type, values)) - {str} for values in texts):
        raise _UnsoundScan
    return count, numbers, texts


def sound_rows(seq: np.ndarray, earliest: np.ndarray, latest: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Rows whose time columns the timeline can use: the cheap checks, done in bulk with numpy."""
    precision = flags // 8
    within = (flags // 2) % 4
    aligned = (precision == PRECISION_CODES["minute"]) | ((earliest % 86_400 == 0) & (latest % 86_400 == 0))
    return (
        (seq > 0) & (earliest >= FIRST_INSTANT - ZONE_SLACK) & (latest <= LAST_INSTANT + ZONE_SLACK)
        & (latest > earliest) & (precision < len(PRECISION_CODES)) & (within < 2) & aligned
    )


def _members_mask(size: int, members: dict[str, np.ndarray], keys: Iterable[str]) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    for key in keys:
        found = members.get(key)
        if found is not None:
            mask[found] = True
    return mask


def _reordered(values: list[str], order: np.ndarray) -> list[str]:
    if len(values) < 2:
        return list(values)
    return list(operator.itemgetter(*order.tolist())(values))


def _numbers(text: str | None, expected: int | None) -> np.ndarray:
    values = np.fromstring(text or "", sep=",", dtype=np.int64)
    if expected is not None and values.size != expected:
        raise sqlite3.DatabaseError("the events table returned inconsistent columns")
    return values

"""GDELT 2.0 event files: each row of an ``*.export.CSV`` an event.

The GDELT Event Database's files (the 15-minute ``*.export.CSV`` updates and the daily files,
unzipped) are tab-separated, without a header or quoting, one event per line in the 61 columns
of *The GDELT Event Database Data Format Codebook V2.0* (2/19/2015, http://gdeltproject.org/):
:data:`COLUMNS`, in that order. Each row is converted (:func:`row_to_item`) to the interchange
record of one event, then validated as any other (:func:`viewer.store.interchange.event_record`):

- ``GlobalEventID`` gives the id ``gdelt-<GlobalEventID>``, so that importing an update again
  updates the same events; ``Day`` (YYYYMMDD) the start, at day precision;
- the CAMEO ``EventCode`` the kind, its name in lower case ("use conventional military force",
  see :mod:`viewer.store.cameo`; a code the codebook does not hold is "cameo <code>"), and with
  the actors' names the title: "Ukraine – Use conventional military force – Russia";
- ``Actor1Name`` and ``Actor2Name`` the bodies, by name, in the roles "actor 1" and "actor 2";
- ``ActionGeo_FullName`` the location, ``ActionGeo_Lat`` and ``ActionGeo_Long`` the latitude and
  longitude; ``SOURCEURL`` the source (a URL, or a publisher when it is a citation);
- the tags "gdelt", the QuadClass ("material conflict") and the CAMEO root ("fight");
- every other column worth keeping in ``fields``, by a snake_case name (``goldstein_scale``,
  ``num_mentions``, ``actor1_code``, ``action_geo_feature_id``…), ``DATEADDED`` as an ISO 8601
  UTC time. ``MonthYear``, ``Year`` and ``FractionDate`` are left out: they restate ``Day``.

A row is refused, naming the file, its line and the column, when it has other than 61 columns,
a ``GlobalEventID`` that is not a number, a ``Day`` or ``DATEADDED`` that is not a real date
(dates are never guessed), a number column that holds no number, a latitude outside -90..90, a
longitude outside -180..180, only one of the two, or a QuadClass, IsRootEvent, GoldsteinScale,
AvgTone or count outside the codebook's range.

The file is read a chunk at a time (:func:`viewer.store.csv_text.csv_rows`): memory holds the
row being read, whatever the file's size.
"""

from __future__ import annotations

import csv
import functools
import math
import operator
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from viewer.store import cameo
from viewer.store.csv_text import csv_rows
from viewer.store.errors import ImportRefusedError
from viewer.store.input_files import TextFileSource

# (codebook name, name in ``fields`` or None when the column becomes something else or restates Day)
_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("GlobalEventID", None),
    ("Day", None),
    ("MonthYear", None),
    ("Year", None),
    ("FractionDate", None),
    *(
        (f"Actor{n}{suffix}", f"actor{n}_{field}" if field else None)
        for n in (1, 2)
        for suffix, field in (
            ("Code", "code"), ("Name", None), ("CountryCode", "country_code"),
            ("KnownGroupCode", "known_group_code"), ("EthnicCode", "ethnic_code"),
            ("Religion1Code", "religion1_code"), ("Religion2Code", "religion2_code"),
            ("Type1Code", "type1_code"), ("Type2Code", "type2_code"), ("Type3Code", "type3_code"),
        )
    ),
    ("IsRootEvent", "is_root_event"),
    ("EventCode", "cameo_code"),
    ("EventBaseCode", "event_base_code"),
    ("EventRootCode", "event_root_code"),
    ("QuadClass", "quad_class"),
    ("GoldsteinScale", "goldstein_scale"),
    ("NumMentions", "num_mentions"),
    ("NumSources", "num_sources"),
    ("NumArticles", "num_articles"),
    ("AvgTone", "avg_tone"),
    *(
        (f"{geo}_{suffix}", f"{prefix}_{field}" if field else None)
        for geo, prefix in (("Actor1Geo", "actor1_geo"), ("Actor2Geo", "actor2_geo"), ("ActionGeo", "action_geo"))
        for suffix, field in (
            ("Type", "type"),
            ("FullName", None if geo == "ActionGeo" else "full_name"),
            ("CountryCode", "country_code"), ("ADM1Code", "adm1_code"), ("ADM2Code", "adm2_code"),
            ("Lat", None if geo == "ActionGeo" else "lat"),
            ("Long", None if geo == "ActionGeo" else "long"),
            ("FeatureID", "feature_id"),
        )
    ),
    ("DATEADDED", "date_added"),
    ("SOURCEURL", None),
)
COLUMNS: tuple[str, ...] = tuple(name for name, _ in _COLUMNS)
"""The 61 columns of a GDELT 2.0 event row, by their codebook names, in order."""
COLUMN_COUNT = 61
assert len(COLUMNS) == COLUMN_COUNT

FIELD_NAMES: dict[str, str] = {column: name for column, name in _COLUMNS if name}
"""The name in an event's ``fields`` of each column kept there."""

MAX_FIELD_CHARS = 100_000  # a GDELT cell is a code, a name or a URL: a longer one is no GDELT file
MAX_LINE_CHARS = COLUMN_COUNT * MAX_FIELD_CHARS

ROLE_ACTOR_1 = "actor 1"
ROLE_ACTOR_2 = "actor 2"
TAG = "gdelt"
TITLE_SEPARATOR = " – "

_I = {name: index for index, name in enumerate(COLUMNS)}
_DIGITS = re.compile(r"[0-9]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DAY = re.compile(r"[0-9]{8}")
_NAME_GAPS = re.compile(r"[\W_]+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)

# Integer columns with their least and greatest values (the codebook's), then decimal ones.
_INTEGERS: tuple[tuple[int, str, int, int], ...] = tuple(
    (_I[name], name, least, greatest if greatest is not None else sys.maxsize) for name, least, greatest in (
        ("IsRootEvent", 0, 1),
        ("QuadClass", 1, 4),
        ("NumMentions", 0, None),
        ("NumSources", 0, None),
        ("NumArticles", 0, None),
        ("Actor1Geo_Type", 0, 5),
        ("Actor2Geo_Type", 0, 5),
        ("ActionGeo_Type", 0, 5),
    )
)
_SMALL_INTEGERS = {str(number): number for number in range(10)}  # most integer cells: read without int()
_DECIMALS: tuple[tuple[int, str, float, float], ...] = (
    (_I["GoldsteinScale"], "GoldsteinScale", -10.0, 10.0),
    (_I["AvgTone"], "AvgTone", -100.0, 100.0),
)
_GEO_PAIRS = tuple((_I[latitude], latitude, _I[longitude], longitude) for latitude, longitude in (
    ("Actor1Geo_Lat", "Actor1Geo_Long"), ("Actor2Geo_Lat", "Actor2Geo_Long"), ("ActionGeo_Lat", "ActionGeo_Long"),
))
_KEPT = tuple((index, FIELD_NAMES[name]) for index, name in enumerate(COLUMNS) if name in FIELD_NAMES)
_FIELDS_FIRST = ("EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions",
                 "NumSources", "NumArticles", "AvgTone", "IsRootEvent", "DATEADDED")
_FIELD_ORDER = tuple(
    [(_I[name], FIELD_NAMES[name]) for name in _FIELDS_FIRST]
    + [(index, field) for index, field in _KEPT if COLUMNS[index] not in _FIELDS_FIRST]
)  # the event's own measures first, then the actors' codes and places, in the file's order
_FIELD_ORDER_NAMES = tuple(field for _, field in _FIELD_ORDER)
_field_cells = operator.itemgetter(*(index for index, _ in _FIELD_ORDER))
_EVENT_CODE, _QUAD_CLASS, _DATE_ADDED, _SOURCE_URL = _I["EventCode"], _I["QuadClass"], _I["DATEADDED"], _I["SOURCEURL"]
_ACTOR_1, _ACTOR_2, _LOCATION = _I["Actor1Name"], _I["Actor2Name"], _I["ActionGeo_FullName"]
_QUAD_TAGS = {code: name.lower() for code, name in cameo.QUAD_CLASSES.items()}
# For each code of the codebook: its name to show, its kind and the tag of its root category.
_EVENT_TYPES = {
    code: (name, name.lower(), cameo.ROOT_CODES[code[:2]].lower())
    for code, name in ((code, cameo.event_name(code) or "") for code in cameo.EVENT_CODES)
}


class GdeltRowError(ValueError):
    """A row that is not a GDELT 2.0 event row: ``column`` (a codebook name, or None for the row
    as a whole) says where, ``problem`` what."""

    def __init__(self, column: str | None, problem: str) -> None:
        super().__init__(f"{column}: {problem}" if column else problem)
        self.column = column
        self.problem = problem


def looks_like_gdelt(head: str) -> bool:
    """True when a text's first line is a GDELT 2.0 event row: 61 tab-separated fields, a
    numeric GlobalEventID and a YYYYMMDD Day."""
    line = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    cells = line.split("\t")
    return (
        len(cells) == COLUMN_COUNT
        and _DIGITS.fullmatch(cells[0]) is not None
        and _DAY.fullmatch(cells[1]) is not None
    )


def row_to_item(cells: Sequence[str]) -> dict[str, Any]:
    """The interchange record (the JSON event's fields) of one GDELT 2.0 event row.

    Raises :class:`GdeltRowError` naming the column for a row that breaks the codebook's rules
    (see the module's description); what is left (lengths, the source URL…) is for
    :func:`viewer.store.interchange.event_record` to check.
    """
    if len(cells) != COLUMN_COUNT:
        raise GdeltRowError(
            None, f"the row has {len(cells)} columns; a GDELT 2.0 event row has {COLUMN_COUNT}"
            + (" (a GDELT 1.0 event file has 57 or 58)" if len(cells) in (57, 58) else "")
        )
    joined = "\t".join(cells)
    if joined[:1] == " " or joined[-1:] == " " or " \t" in joined or "\t " in joined:  # rare: spaces around cells
        cells = [cell.strip() for cell in cells]
    event_id = cells[0]
    if not (event_id.isdigit() and event_id.isascii()):
        raise GdeltRowError("GlobalEventID", f"expected a number, not {_shown(event_id)}")
    day = _day(cells[1])
    code = cells[_EVENT_CODE]
    if not code:
        raise GdeltRowError("EventCode", "an event needs its CAMEO event code")
    small = _SMALL_INTEGERS
    for index, column, least, greatest in _INTEGERS:
        cell = cells[index]
        if cell and not least <= small.get(cell, -1) <= greatest:  # not a one-digit number in range
            _check_integer(cell, column, least, greatest)
    for index, column, least, greatest in _DECIMALS:
        if cells[index]:
            _check_decimal(cells[index], column, least, greatest)
    place = None  # the action's: the last pair
    for latitude, latitude_column, longitude, longitude_column in _GEO_PAIRS:
        place = None
        if cells[latitude] or cells[longitude]:
            place = _coordinates(cells[latitude], latitude_column, cells[longitude], longitude_column)
    added = _date_added(cells[_DATE_ADDED]) if cells[_DATE_ADDED] else None

    known = _EVENT_TYPES.get(code)
    name, kind, root = known if known else (f"CAMEO event {code}", f"cameo {code}", None)
    first, second = _readable(cells[_ACTOR_1]), _readable(cells[_ACTOR_2])
    if first and second:
        title = f"{first}{TITLE_SEPARATOR}{name}{TITLE_SEPARATOR}{second}"
    elif first or second:
        title = f"{first}{TITLE_SEPARATOR}{name}" if first else f"{name}{TITLE_SEPARATOR}{second}"
    else:
        title = name
    item: dict[str, Any] = {"id": "gdelt-" + event_id, "title": title, "start": day, "kind": kind}
    location = cells[_LOCATION]
    if location:
        item["location"] = location
    if place is not None:
        item["latitude"], item["longitude"] = place
    if first and second and _body_key(first) != _body_key(second):  # "U.S." and "US": one body
        item["bodies"] = [{"name": first, "role": ROLE_ACTOR_1}, {"name": second, "role": ROLE_ACTOR_2}]
    elif first or second:
        item["bodies"] = [{"name": first, "role": ROLE_ACTOR_1} if first else {"name": second, "role": ROLE_ACTOR_2}]
    tags = [TAG]
    quad = _QUAD_TAGS.get(cells[_QUAD_CLASS])
    if quad:
        tags.append(quad)
    if root:
        tags.append(root)
    item["tags"] = tags
    source = cells[_SOURCE_URL]
    if source:
        item["sources"] = [{"url": source} if _URL.fullmatch(source) else {"publisher": source}]
    fields = {field: text for field, text in zip(_FIELD_ORDER_NAMES, _field_cells(cells), strict=True) if text}
    if added:
        fields["date_added"] = added
    item["fields"] = fields
    return item


class GdeltSource(TextFileSource):
    """A GDELT 2.0 event file read a row at a time, each an event (a :class:`RecordSource`)."""

    format = "gdelt"

    def read(self) -> Iterator[Any]:
        from viewer.store.interchange import event_record

        label = self.label
        rows = csv_rows(self.text.chunks(), label, "\t", quoting=csv.QUOTE_NONE,
                        max_field_chars=MAX_FIELD_CHARS, max_line_chars=MAX_LINE_CHARS)
        for line, cells in rows:
            if not cells or cells == [""]:
                continue  # a blank line (the last one, often)
            where = f"line {line}"
            try:
                item = row_to_item(cells)
            except GdeltRowError as error:
                event_id = cells[0].strip()
                raise ImportRefusedError(
                    label, error.problem, record=where,
                    record_id=f"gdelt-{event_id}" if _DIGITS.fullmatch(event_id) else None,
                    field=error.column,
                ) from None
            yield event_record(label, item, where)


# ----------------------------------------------------------------------------- cells


def _shown(cell: str) -> str:
    return repr(cell if len(cell) <= 60 else cell[:59] + "…")


@functools.lru_cache(maxsize=4096)  # a file's rows share a few days
def _day(cell: str) -> str:
    if not (len(cell) == 8 and cell.isdigit() and cell.isascii()):
        raise GdeltRowError("Day", f"expected a date as YYYYMMDD, not {_shown(cell)}")
    try:
        return date(int(cell[:4]), int(cell[4:6]), int(cell[6:])).isoformat()
    except ValueError:
        raise GdeltRowError("Day", f"{cell} is not a real date") from None


@functools.lru_cache(maxsize=4096)  # and a few moments of adding (one in a 15-minute update)
def _date_added(cell: str) -> str:
    if not (len(cell) == 14 and cell.isdigit() and cell.isascii()):
        raise GdeltRowError("DATEADDED", f"expected a UTC time as YYYYMMDDHHMMSS, not {_shown(cell)}")
    try:
        moment = datetime(int(cell[:4]), int(cell[4:6]), int(cell[6:8]), int(cell[8:10]), int(cell[10:12]),
                          int(cell[12:]))
    except ValueError:
        raise GdeltRowError("DATEADDED", f"{cell} is not a real time") from None
    return moment.isoformat() + "Z"


def _check_integer(cell: str, column: str, least: int, greatest: int) -> None:
    if not _INTEGER.fullmatch(cell):
        raise GdeltRowError(column, f"expected a whole number, not {_shown(cell)}")
    value = int(cell)
    if not least <= value <= greatest:
        bounds = f"from {least} to {greatest}" if greatest < sys.maxsize else f"at least {least}"
        raise GdeltRowError(column, f"{value} is out of range (it goes {bounds})")


def _decimal(cell: str, column: str) -> float:
    """A decimal number as GDELT writes them (``-10.0``, ``49.9808``): ASCII digits, no NaN or infinity."""
    if cell.isascii() and "_" not in cell:
        try:
            value = float(cell)  # the csv cells hold no spaces at either end by now
        except ValueError:
            pass
        else:
            if math.isfinite(value):  # float() reads no more than digits, a point, an exponent, NaN and infinity
                return value
    raise GdeltRowError(column, f"expected a number, not {_shown(cell)}")


def _check_decimal(cell: str, column: str, least: float, greatest: float) -> None:
    if not least <= _decimal(cell, column) <= greatest:
        raise GdeltRowError(column, f"{cell} is out of range (it goes from {least:g} to {greatest:g})")


def _coordinates(latitude: str, latitude_column: str, longitude: str, longitude_column: str) -> tuple[float, float]:
    """A place's (latitude, longitude), refused unless both are given and in range."""
    if not latitude or not longitude:
        missing = latitude_column if not latitude else longitude_column
        raise GdeltRowError(missing, "a place needs both its latitude and its longitude")
    lat, long = _decimal(latitude, latitude_column), _decimal(longitude, longitude_column)
    if not -90.0 <= lat <= 90.0:
        raise GdeltRowError(latitude_column, f"the latitude {latitude} is outside -90 to 90")
    if not -180.0 <= long <= 180.0:
        raise GdeltRowError(longitude_column, f"the longitude {longitude} is outside -180 to 180")
    return lat, long


@functools.lru_cache(maxsize=16384)
def _body_key(name: str) -> str:
    return _NAME_GAPS.sub("", name.casefold())


# Names as GDELT writes them ("UNITED STATES") made readable ("United States"); these stay capitals.
_ACRONYMS = frozenset((
    "NATO", "UN", "EU", "US", "USA", "UK", "UAE", "IMF", "OSCE", "IAEA", "OPEC", "ASEAN", "AU", "ICC", "OAS",
    "UNICEF", "UNHCR", "UNESCO", "WTO", "WHO", "G7", "G8", "G20", "BRICS", "ISIS", "ISIL", "PKK", "PLO", "ANC",
    "IRA", "NGO", "CIA", "FBI", "KGB", "FSB", "GRU", "NSA", "MI5", "MI6", "BBC", "CNN", "AFP", "ECOWAS", "SADC",
    "CSTO", "SCO", "OECD", "IDF", "IRGC", "LTTE", "FARC", "ELN", "ETA", "SDF", "YPG", "RSF", "DRC", "ECB", "ICJ",
))
_SMALL_WORDS = frozenset(("of", "the", "and", "for", "in", "on", "at", "to", "de", "del", "la", "le", "du", "al"))
_VOWELS = frozenset("AEIOUY")


@functools.lru_cache(maxsize=16384)  # actors recur from row to row
def _readable(name: str) -> str:
    """A GDELT actor name in capitals ("NORTH ATLANTIC TREATY ORGANIZATION") in title case;
    acronyms and words without a vowel ("NATO", "PKK") stay capitals, a name with small
    letters stays as it is."""
    if not name or name != name.upper():
        return name
    words = []
    for position, word in enumerate(name.split(" ")):
        parts = []
        for part in word.split("-"):
            if part in _ACRONYMS or (part.isalpha() and not _VOWELS.intersection(part)):
                parts.append(part)
            elif position and part.lower() in _SMALL_WORDS:
                parts.append(part.lower())
            else:
                parts.append(_capitalised(part))
        words.append("-".join(parts))
    return " ".join(words)


def _capitalised(word: str) -> str:
    """``word``'s first letter a capital, the others small ('"THE"' -> '"The"', "D'IVOIRE" -> "D'ivoire")."""
    lower = word.lower()
    for index, character in enumerate(lower):
        if character.isalpha():
            return lower[:index] + character.upper() + lower[index + 1:]
    return lower

"""The SQLite schema of a Defence Timeline file, its version and its migrations."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

SCHEMA_VERSION = 4
APPLICATION_TABLES = ("meta", "bodies", "events", "event_bodies", "event_tags", "sources", "links")
EXTRAS_SINCE = 3  # the first version with event_extras and imports, and sources without URL
GRADES_SINCE = 4  # the first version with events.credibility, sources.reliability and links.confidence
# The grade columns version 4 adds (table, column), in the order of their ALTER TABLE.
GRADE_COLUMNS = (("events", "credibility"), ("sources", "reliability"), ("links", "confidence"))
FTS_COLUMNS = ("title", "summary", "description", "location")

# Events longer than this are "long"; a partial index lists them so that a time-range query
# only scans short events near the range plus the few long ones (see queries.time_overlap_sql).
LONG_EVENT_SECONDS = 32 * 86_400
LONG_EVENT_CONDITION = f"latest - earliest > {LONG_EVENT_SECONDS}"


def create_schema(db: Database, *, with_search: bool = True, version: int | None = None) -> None:
    """Create every table and index of the current version (or ``version``) in an empty database.

    The layout of version 1 is created, then the migrations run: a new file and a migrated
    one hold exactly the same schema text, which :mod:`viewer.store.verify` relies on. With
    ``with_search=False`` the full-text index is left out (see :func:`enable_search`).
    """
    create_tables(db, version=version)
    finish_schema(db, with_search=with_search, version=version)


def finish_schema(db: Database, *, with_search: bool = True, version: int | None = None) -> None:
    """Add to the tables of :func:`create_tables` what the rest of the schema holds (see :func:`create_schema`)."""
    _create_indexes(db)
    if with_search:
        enable_search(db)
    db.execute("PRAGMA user_version = 1")
    migrate(db, 1, SCHEMA_VERSION if version is None else version)


def create_tables(db: Database, version: int | None = None) -> None:
    """The tables of the current version (or ``version``) alone, for a bulk load: then :func:`finish_schema`.

    Indexes, the full-text index and the triggers are faster made once over the loaded rows
    than kept up to date row by row. The tables of version 1 are made, then given the shape of
    later versions as their migrations would (which :func:`finish_schema` then finds done).
    """
    _create_version_1_tables(db)
    wanted = SCHEMA_VERSION if version is None else version
    if wanted >= EXTRAS_SINCE:
        _shape_version_3_tables(db)
    if wanted >= GRADES_SINCE:
        _add_grade_columns(db)


def _create_version_1_tables(db: Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["bodies"].create(
        {
            "id": str,
            "name": str,
            "acronym": str,
            "kind": str,
            "parent": str,
            "location": str,
            "founded": str,
            "dissolved": str,
            "replaced_by": str,
            "url": str,
            "description": str,
        },
        pk="id",
        not_null={"name"},
    )
    db["events"].create(
        {
            "seq": int,  # INTEGER PRIMARY KEY: a rowid that VACUUM keeps, used by the FTS index
            "id": str,
            "title": str,
            "start": str,
            "end": str,
            "precision": str,
            "timezone": str,
            "within": int,
            "kind": str,
            "status": str,
            "location": str,
            "summary": str,
            "description": str,
            "earliest": int,
            "latest": int,
        },
        pk="seq",
        not_null={"id", "title", "start", "precision", "within", "earliest", "latest"},
        defaults={"within": 0},
    )
    db["event_bodies"].create(
        {"event_id": str, "body_id": str, "role": str, "position": int},
        pk=("event_id", "body_id", "role"),
        foreign_keys=[("event_id", "events", "id"), ("body_id", "bodies", "id")],
        not_null={"role", "position"},
    )
    db["event_tags"].create(
        {"event_id": str, "tag": str, "position": int},
        pk=("event_id", "tag"),
        foreign_keys=[("event_id", "events", "id")],
        not_null={"position"},
    )
    db["sources"].create(
        {
            "event_id": str,
            "position": int,
            "url": str,
            "title": str,
            "publisher": str,
            "published": str,
        },
        pk=("event_id", "position"),
        foreign_keys=[("event_id", "events", "id")],
        not_null={"url"},
    )
    db["links"].create(
        {"from_id": str, "to_id": str, "relation": str, "note": str},
        pk=("from_id", "to_id", "relation"),
        foreign_keys=[("from_id", "events", "id"), ("to_id", "events", "id")],
    )


def _create_indexes(db: Database) -> None:
    db["events"].create_index(["id"], unique=True, index_name="events_id")
    db["events"].create_index(["earliest", "latest"], index_name="events_time")
    db["events"].create_index(["kind"], index_name="events_kind")
    db["event_bodies"].create_index(["body_id", "event_id"], index_name="event_bodies_body")
    db["event_tags"].create_index(["tag", "event_id"], index_name="event_tags_tag")
    db["links"].create_index(["to_id"], index_name="links_to")
    db["bodies"].create_index(["parent"], index_name="bodies_parent")
    # A partial index sqlite-utils cannot express: only the few long events, by start.
    db.execute(
        f"CREATE INDEX events_long ON events(earliest, latest) WHERE {LONG_EVENT_CONDITION}"
    )


def enable_search(db: Database) -> None:
    """Create (and fill) the FTS5 index over events, kept in sync by triggers."""
    db["events"].enable_fts(
        FTS_COLUMNS, create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


def is_empty_database(db: Database) -> bool:
    """True when the database has no tables at all (a new or 0-byte file)."""
    return not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]


# Tables whose change makes the stored time index out of date (see viewer.store.stored_index).
STORED_INDEX_SINCE = 2  # the first version that stores it
INDEXED_TABLES = ("events", "bodies", "event_bodies", "event_tags", "sources", "links")


def _migrate_1_to_2(db: Database) -> None:
    """Version 2: the time index stored at import, emptied by triggers when another program
    changes what it was built from (the next import stores it again)."""
    db.execute("CREATE TABLE stored_index (part TEXT PRIMARY KEY, data BLOB NOT NULL)")
    for table in INDEXED_TABLES:
        _stale_index_triggers(db, table)


_SOURCES_WITHOUT_REQUIRED_URL = (
    'CREATE TABLE "sources_v3" ("event_id" TEXT REFERENCES "events"("id"), "position" INTEGER, "url" TEXT, '
    '"title" TEXT, "publisher" TEXT, "published" TEXT, PRIMARY KEY ("event_id", "position"))'
)
_EXTRAS_TABLES = (
    # One row per import: where the events it wrote came from.
    "CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT NOT NULL, format TEXT NOT NULL, imported TEXT NOT NULL)",
    # What an event holds beyond its columns: a place, the source's other fields (JSON object),
    # its earlier dates (JSON list) and the import and record it last came from.
    "CREATE TABLE event_extras (event_id TEXT PRIMARY KEY REFERENCES events(id), latitude REAL, longitude REAL, "
    "fields TEXT, history TEXT, import_id INTEGER REFERENCES imports(id), record TEXT)",
)


def _stale_index_triggers(db: Database, table: str) -> None:
    for change in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER stored_index_stale_{table}_{change.lower()} AFTER {change} ON {table} "
            "BEGIN DELETE FROM stored_index; END"
        )


def _shape_version_3_tables(db: Database) -> bool:
    """Sources without a required URL, and the tables of event extras and imports: True when
    this changed anything (a table made by :func:`create_tables` already has the shape)."""
    if "event_extras" in db.table_names():
        return False
    db.execute(_SOURCES_WITHOUT_REQUIRED_URL)
    db.execute("INSERT INTO sources_v3 SELECT event_id, position, url, title, publisher, published FROM sources")
    db.execute("DROP TABLE sources")  # its triggers go with it
    db.execute("ALTER TABLE sources_v3 RENAME TO sources")
    for statement in _EXTRAS_TABLES:
        db.execute(statement)
    return True


def _migrate_2_to_3(db: Database) -> None:
    """Version 3: a source may have no URL (ACLED names outlets), events may have a place, other
    fields and earlier dates (``event_extras``), and imports are recorded (``imports``)."""
    if _shape_version_3_tables(db):
        _stale_index_triggers(db, "sources")


def _add_grade_columns(db: Database) -> None:
    """The grade columns, added as the migration to version 4 adds them (so that a new file and a
    migrated one hold the same schema text); nothing when they are there already."""
    for table, column in GRADE_COLUMNS:
        if column not in {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")


def _migrate_3_to_4(db: Database) -> None:
    """Version 4: the analyst's grades: an event's information credibility, a source's
    reliability, a link's confidence (see :mod:`viewer.store.grading`); the grading scheme, when
    a document declares one, is kept in ``meta``. A partial index lists the graded sources."""
    _add_grade_columns(db)
    db.execute("CREATE INDEX sources_graded ON sources(event_id) WHERE reliability IS NOT NULL")


# Migrations from version N to N + 1, applied in order on a writable database inside the
# import's transaction (a new file is made as version 1, then migrated: both hold the same schema).
MIGRATIONS: dict[int, Callable[[Database], None]] = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}


def migrate(db: Database, from_version: int, to_version: int | None = None) -> None:
    """Bring a database of ``from_version`` up to ``to_version`` (default :data:`SCHEMA_VERSION`)."""
    for version in range(from_version, SCHEMA_VERSION if to_version is None else to_version):
        MIGRATIONS[version](db)
        db.execute(f"PRAGMA user_version = {version + 1}")

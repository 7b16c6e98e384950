"""Opening database files: read-only for viewing, writable for import, with precise errors."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from viewer.store import errors
from viewer.store.interrupts import QueryGuard, stop_requested
from viewer.store.schema import APPLICATION_TABLES, SCHEMA_VERSION
from viewer.store.validity import register_functions
from viewer.store.verify import verify_schema

# PRAGMA application_id marks a file as ours ("DTL1"), whatever its schema version.
APPLICATION_ID = 0x44544C31
SQLITE_MAGIC = b"SQLite format 3\x00"
VIEWING_BUSY_TIMEOUT_S = 1.0


def open_for_viewing(path: str | Path, guard: QueryGuard | None = None) -> sqlite3.Connection:
    """Open a Defence Timeline file read-only (``mode=ro``); viewing never changes a byte.

    The schema is verified before any query (:func:`~viewer.store.verify.verify_schema`);
    the connection then runs with ``trusted_schema`` off and ``query_only`` on, and ``guard``
    (when given) can interrupt any of its queries. Raises a
    :class:`~viewer.store.errors.StoreOpenError` subclass that says what is wrong.
    """
    path = Path(path)
    check_readable_file(path)
    check_sqlite_header(path)
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    try:
        connection = sqlite3.connect(
            uri, uri=True, timeout=VIEWING_BUSY_TIMEOUT_S, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise translate_sqlite_error(path, error) from None
    try:
        verify_schema(path, connection, check_application(path, connection))
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA query_only = ON")
        register_functions(connection)
        if guard is not None:
            guard.install(connection)
    except sqlite3.Error as error:
        connection.close()
        raise translate_sqlite_error(path, error) from None
    except BaseException:
        connection.close()
        raise
    return connection


def check_readable_file(path: Path) -> None:
    """Refuse a missing path, a folder, an unreadable or an empty file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise errors.FileMissingError(path, "no such file") from None
    except PermissionError:
        raise errors.FileUnreadableError(path, "permission denied") from None
    except OSError as error:
        raise errors.FileUnreadableError(path, f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise errors.NotAFileError(path, "is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise errors.NotAFileError(path, "is not a regular file")
    if not os.access(path, os.R_OK):
        raise errors.FileUnreadableError(path, "permission denied: the file cannot be read")
    if info.st_size == 0:
        raise errors.EmptyFileError(path, "the file is empty (0 bytes), not a database")


def check_sqlite_header(path: Path) -> None:
    """Refuse files that are not SQLite, and SQLite files shorter than their header says."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise errors.FileUnreadableError(path, "permission denied: the file cannot be read") from None
    except OSError as error:
        raise errors.FileUnreadableError(path, f"cannot be read ({error.strerror})") from None
    if not header.startswith(SQLITE_MAGIC):
        raise errors.NotSQLiteError(path, "not a database file (it is not SQLite)")
    if len(header) < 100:
        raise errors.CorruptDatabaseError(path, "the database file is truncated (header cut short)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    count_is_valid = header[24:28] == header[92:96] and page_count > 0
    has_wal = Path(str(path) + "-wal").exists()
    expected = page_size * page_count
    if count_is_valid and not has_wal and path.stat().st_size < expected:
        raise errors.CorruptDatabaseError(
            path,
            f"the database file is truncated ({path.stat().st_size:,} of {expected:,} bytes)",
        )


def check_application(path: Path, connection: sqlite3.Connection) -> int:
    """Check the file is a Defence Timeline database of a version this program reads.

    Returns the schema version: this program's or an older one (read as it is, and migrated by
    the next import into it).
    """
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error as error:
        raise translate_sqlite_error(path, error) from None
    if application_id != APPLICATION_ID:
        if not tables:
            raise errors.NotDefenceTimelineError(
                path, "an empty SQLite database, not a Defence Timeline file (import data into it first)"
            )
        raise errors.NotDefenceTimelineError(
            path, "an SQLite database of another application, not a Defence Timeline file"
        )
    if version > SCHEMA_VERSION:
        raise errors.NewerSchemaError(
            path,
            f"written by a newer Defence Timeline (schema version {version}; "
            f"this version reads up to {SCHEMA_VERSION}): please upgrade the program",
        )
    if version < 1:
        raise errors.CorruptDatabaseError(
            path,
            f"it says schema version {version}, which no Defence Timeline writes "
            "(the file is damaged or was altered by another program)",
        )
    missing = [name for name in APPLICATION_TABLES if name not in tables]
    if missing:
        raise errors.CorruptDatabaseError(path, f"the table {missing[0]!r} is missing")
    return version


def translate_sqlite_error(path: Path, error: sqlite3.Error) -> errors.DefenceTimelineError:
    """The store's error for an SQLite failure while reading ``path``."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    # A stop requested while SQLite ran Python (a check function the signal handler raised
    # inside: "user-defined function raised exception") is the stop, whatever SQLite calls it.
    if name.startswith("SQLITE_INTERRUPT") or text == "interrupted" or stop_requested() is not None:
        signal_number = stop_requested()
        return errors.OperationCancelledError(
            "interrupted" if signal_number is None else f"stopped by signal {signal_number}"
        )
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return errors.DiskFullError(f"{errors.display_path(path)}: the disk is full; nothing was changed")
    if name.startswith("SQLITE_TOOBIG") or "too big" in text:
        return errors.CorruptDatabaseError(path, "it holds a value too large to read")
    if name.startswith("SQLITE_NOMEM") or "out of memory" in text:
        return errors.CorruptDatabaseError(path, "reading it needs more memory than is available")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return errors.DatabaseLockedError(
            path, "the database is locked by another program; try again when it has finished"
        )
    if name.startswith("SQLITE_NOTADB") or "not a database" in text:
        return errors.CorruptDatabaseError(path, "the database file is damaged (not readable as SQLite)")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return errors.CorruptDatabaseError(path, "the database file is damaged or truncated")
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_READONLY")):
        return errors.FileUnreadableError(path, f"cannot be opened ({text})")
    return errors.CorruptDatabaseError(path, f"cannot be read as a Defence Timeline file ({text})")

"""The store's typed errors: each carries one clear, human sentence as its message."""

from __future__ import annotations

import os


def display_path(path: object) -> str:
    """A path as text that can always be shown: undecodable bytes and control characters escaped.

    File names are bytes on POSIX; one that is not UTF-8 reaches Python with surrogate escapes
    that cannot be printed, and a name may hold a newline or a terminal escape.
    """
    if isinstance(path, bytes):
        raw = path
    else:
        raw = os.fsencode(path) if isinstance(path, os.PathLike | str) else str(path).encode("utf-8", "replace")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(char if char.isprintable() or char == " " else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class DefenceTimelineError(Exception):
    """Base of every error the user can cause; ``str(error)`` is the message to show."""


class InvalidDateError(DefenceTimelineError):
    """A date text could not be read, or does not fit the precision asked for."""


class InvalidFilterError(DefenceTimelineError):
    """A filter value (a date bound, a search text) cannot be used."""


class StoreOpenError(DefenceTimelineError):
    """A file cannot be used as a Defence Timeline database."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = display_path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class FileMissingError(StoreOpenError):
    """The path does not exist."""


class NotAFileError(StoreOpenError):
    """The path is a directory or another non-regular file."""


class FileUnreadableError(StoreOpenError):
    """The operating system refuses to let us read the file."""


class EmptyFileError(StoreOpenError):
    """The file has zero bytes."""


class NotSQLiteError(StoreOpenError):
    """The file is not an SQLite database at all."""


class CorruptDatabaseError(StoreOpenError):
    """The file starts like SQLite but its contents are damaged or truncated."""


class NotDefenceTimelineError(StoreOpenError):
    """A healthy SQLite database of some other application."""


class NewerSchemaError(StoreOpenError):
    """Written by a newer version of Defence Timeline than this one."""


class DatabaseLockedError(StoreOpenError):
    """Another program holds a lock on the database."""


class ForeignSchemaError(StoreOpenError):
    """The file's schema holds something this program did not create (a view, a trigger…)."""


class OperationCancelledError(DefenceTimelineError):
    """The user cancelled (Cancel, Ctrl+C, SIGTERM, closing the window); nothing was changed."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class DiskFullError(DefenceTimelineError):
    """The disk (or the output stream) is full; nothing was left behind."""


class ImportRefusedError(DefenceTimelineError):
    """An import source was refused; nothing was written.

    The message names the file, the record (index or CSV line, and id) and the field.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        record: str | None = None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.record = record
        self.record_id = record_id
        self.field = field
        where = [display_path(source)]
        if record:
            where.append(record if record_id is None else f"{record} (id {shortened(record_id)!r})")
        if field:
            where.append(f"field {field!r}")
        super().__init__(": ".join(where) + ": " + problem)


def shortened(text: str, most: int = 80) -> str:
    """A value as one line of a message shows it: at most ``most`` characters, cut in the middle."""
    if len(text) <= most:
        return text
    half = (most - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


class ExportError(DefenceTimelineError):
    """An export could not be written; nothing was left behind."""

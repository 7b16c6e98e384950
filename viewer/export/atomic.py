"""Atomic file writing: a temporary file in the destination folder, renamed into place."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from viewer.store.errors import DiskFullError, ExportError, display_path
from viewer.store.files import give_new_file_permissions

# Files SQLite keeps beside a database: writing onto one of them damages the database.
DATABASE_COMPANIONS = ("", "-journal", "-wal", "-shm")


def check_export_target(target: Path, protected: Iterable[Path] = ()) -> None:
    """Refuse a target that is not a regular file, or that is (or sits beside) a protected database.

    ``--force`` never lifts this: replacing a device node, a FIFO or the database being read
    is never what the user meant.
    """
    shown = display_path(target)
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise ExportError(f"{shown}: cannot be checked ({error.strerror})") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            info = target.stat()
        except OSError:
            info = None  # a dangling link: os.replace swaps the link itself, which is safe
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise ExportError(f"{shown}: is a folder; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(f"{shown}: is not a regular file (a device, a pipe or a socket); refusing to replace it")
    resolved = _resolved(target)
    for database in protected:
        base = _resolved(database)
        for suffix in DATABASE_COMPANIONS:
            companion = Path(str(base) + suffix)
            same = resolved == companion or (info is not None and _same_file(target, companion))
            if same:
                what = "the database being exported" if not suffix else f"the database's {suffix[1:]} file"
                raise ExportError(f"{shown}: is {what}; choose another file name")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_text_file(path: str | Path, *, overwrite: bool = False) -> Iterator[IO[str]]:
    """Yield a text stream whose content replaces ``path`` only if the block succeeds.

    An existing file is replaced only with ``overwrite``. On any failure the temporary file
    is removed and the original, if any, is untouched.
    """
    with atomic_binary_file(path, overwrite=overwrite) as raw:
        with open(raw.fileno(), "w", encoding="utf-8", newline="", closefd=False) as text:
            yield text


@contextlib.contextmanager
def atomic_binary_file(
    path: str | Path, *, overwrite: bool = False, protected: Iterable[Path] = ()
) -> Iterator[IO[bytes]]:
    """The binary form of :func:`atomic_text_file`; never writes onto a ``protected`` database."""
    target = Path(path)
    check_export_target(target, protected)
    shown = display_path(target)
    if target.exists() and not overwrite:
        raise ExportError(f"{shown}: already exists (use --force to replace it)")
    folder = target.parent if str(target.parent) else Path(".")
    # The name is known before the file exists, so that a stop (Ctrl+C, SIGTERM) arriving at any
    # moment after it is made, even before its descriptor is returned, still removes it.
    temp_path = folder / f".{target.name}.{secrets.token_hex(8)}.part"
    try:
        try:
            handle = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileNotFoundError:
            raise ExportError(f"{shown}: the folder {display_path(folder)} does not exist") from None
        except PermissionError:
            raise ExportError(f"{shown}: permission denied: cannot write in {display_path(folder)}") from None
        except OSError as error:
            raise ExportError(f"{shown}: cannot write in {display_path(folder)} ({error.strerror})") from None
    except ExportError:  # not made (a name taken by another file is not ours to remove)
        raise
    except BaseException:  # a stop while it was being made
        temp_path.unlink(missing_ok=True)
        raise
    try:
        give_new_file_permissions(temp_path)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_path, target)
    except OSError as error:
        temp_path.unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(f"{shown}: the disk is full; nothing was written") from None
        raise ExportError(f"{shown}: could not be written ({error.strerror or error})") from None
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise

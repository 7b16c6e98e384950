"""Atomic file writing: a temporary file in the destination folder, renamed into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from viewer.store.errors import ExportError
from viewer.store.files import give_new_file_permissions


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
def atomic_binary_file(path: str | Path, *, overwrite: bool = False) -> Iterator[IO[bytes]]:
    """The binary form of :func:`atomic_text_file`."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; give a file name")
    if target.exists() and not overwrite:
        raise ExportError(f"{target}: already exists (use --force to replace it)")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except FileNotFoundError:
        raise ExportError(f"{target}: the folder {folder} does not exist") from None
    except PermissionError:
        raise ExportError(f"{target}: permission denied: cannot write in {folder}") from None
    except OSError as error:
        raise ExportError(f"{target}: cannot write in {folder} ({error.strerror})") from None
    temp_path = Path(temp_name)
    try:
        give_new_file_permissions(temp_path)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_path, target)
    except OSError as error:
        temp_path.unlink(missing_ok=True)
        raise ExportError(f"{target}: could not be written ({error.strerror or error})") from None
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise

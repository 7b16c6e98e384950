"""Reading an import source safely: regular files only, never blocking, never without bound.

A FIFO given as a source would block ``open`` forever, ``/dev/zero`` would be read until memory
runs out, and a folder or a socket gives an obscure error. The file is opened without
blocking, checked to be a regular file through the open descriptor (so it cannot be swapped
in between), and read up to a stated size.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from viewer.store.errors import ImportRefusedError

MAX_SOURCE_BYTES = 2 * 1024**3  # 2 GiB: several million events in the interchange format
_CHUNK = 16 * 1024**2


def read_source_bytes(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of the import source ``path``; :class:`ImportRefusedError` for anything else."""
    label = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ImportRefusedError(label, "no such file") from None
    except IsADirectoryError:
        raise ImportRefusedError(label, "is a folder, not a file") from None
    except PermissionError:
        raise ImportRefusedError(label, "permission denied: the file cannot be read") from None
    except OSError as error:
        raise ImportRefusedError(label, f"cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise ImportRefusedError(label, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefusedError(label, f"is {_kind(info.st_mode)}, not a regular file: save it to a file first")
        if info.st_size > limit:
            raise ImportRefusedError(label, f"is {info.st_size:,} bytes; the largest source read is {limit:,} bytes")
        return _read_bounded(descriptor, label, limit)
    except OSError as error:
        raise ImportRefusedError(label, f"cannot be read ({error.strerror or error})") from None
    finally:
        os.close(descriptor)


def _read_bounded(descriptor: int, label: str, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(descriptor, _CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:  # the file grew while being read
            raise ImportRefusedError(label, f"is larger than the largest source read ({limit:,} bytes)")
        parts.append(chunk)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"

"""Reading an import source safely: regular files only, never blocking, never without bound.

A FIFO given as a source would block ``open`` forever, ``/dev/zero`` would be read forever,
and a folder or a socket gives an obscure error. The file is opened without blocking, checked
to be a regular file through the open descriptor (so it cannot be swapped in between), and
read a chunk at a time up to a stated size.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from viewer.store.errors import ImportRefusedError

MAX_SOURCE_BYTES = 64 * 1024**3  # 64 GiB: read a chunk at a time, so only a bound on the time taken
CHUNK_BYTES = 256 * 1024  # also the steps of the progress shown: a small file moves the bar too


class SourceText:
    """The text of the import source ``path``, decoded from UTF-8 (a BOM is dropped) a chunk at a time.

    Opening refuses with :class:`ImportRefusedError` anything but a readable regular file of at
    most ``limit`` bytes; reading refuses a byte that is not UTF-8, saying at which offset.
    """

    def __init__(self, path: Path, limit: int = MAX_SOURCE_BYTES) -> None:
        self.label = str(path)
        self.bytes_read = 0
        self._limit = limit
        self._head: str | None = None
        self._descriptor = _open_regular(path, self.label, limit)
        self.size = os.fstat(self._descriptor).st_size
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()

    def head(self) -> str:
        """The first chunk of text (kept: :meth:`chunks` gives it again), to tell the format by."""
        if self._head is None:
            self._head = self._next_text() or ""
        return self._head

    def chunks(self) -> Iterator[str]:
        """The text, a chunk at a time, from the start (the file is read once; the start is kept)."""
        yield self.head()
        while (text := self._next_text()) is not None:
            yield text

    def close(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def _next_text(self) -> str | None:
        while self._descriptor is not None:
            try:
                data = os.read(self._descriptor, CHUNK_BYTES)
            except OSError as error:
                raise ImportRefusedError(self.label, f"cannot be read ({error.strerror or error})") from None
            pending = len(self._decoder.getstate()[0])
            self.bytes_read += len(data)
            if self.bytes_read > self._limit:  # the file grew while being read
                raise ImportRefusedError(self.label, f"is larger than the largest source read ({self._limit:,} bytes)")
            try:
                text = self._decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                offset = self.bytes_read - len(data) - pending + error.start
                raise ImportRefusedError(self.label, f"is not UTF-8 text (bad byte at offset {offset})") from None
            if not data:
                self.close()
            if text:
                return text
        return None


def _open_regular(path: Path, label: str, limit: int) -> int:
    """A descriptor of ``path`` opened without blocking, once it is known to be a regular file."""
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
    except OSError as error:
        os.close(descriptor)
        raise ImportRefusedError(label, f"cannot be read ({error.strerror or error})") from None
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"

"""Reading an import source safely: regular files only, never blocking, never without bound.

A FIFO given as a source would block ``open`` forever, ``/dev/zero`` would be read forever,
and a folder or a socket gives an obscure error. The file is opened without blocking, checked
to be a regular file through the open descriptor (so it cannot be swapped in between), and
read a chunk at a time up to a stated size.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from viewer.store.errors import ImportRefusedError, display_path
from viewer.store.model import Document

MAX_SOURCE_BYTES = 64 * 1024**3  # 64 GiB: read a chunk at a time, so only a bound on the time taken
CHUNK_BYTES = 256 * 1024  # also the steps of the progress shown: a small file moves the bar too


class SourceText:
    """The text of the import source ``path``, decoded from UTF-8 (a BOM is dropped) a chunk at a time.

    Opening refuses with :class:`ImportRefusedError` anything but a readable regular file of at
    most ``limit`` bytes; reading refuses a byte that is not UTF-8, saying at which offset.

    With ``sniff`` (for tables that spreadsheet programs wrote), the encoding is told from the
    start of the file: a UTF-16 or UTF-32 byte-order mark (as Excel's "Unicode text" writes)
    is read in that encoding; a first chunk that is not UTF-8 but is Windows-1252 (as European
    Excel writes "CSV") is read as Windows-1252, and :attr:`notice` says so. Such a file is
    refused, with the offset, where a byte is not Windows-1252 or where UTF-8 text appears in it
    (it would be mangled). A file whose first chunk is UTF-8 stays UTF-8 to its end: a later byte
    that is not is refused as without ``sniff``. :attr:`encoding` names the encoding once
    :meth:`head` has read the start.
    """

    def __init__(self, path: Path, limit: int = MAX_SOURCE_BYTES, *, sniff: bool = False) -> None:
        self.label = str(path)
        self.bytes_read = 0
        self.encoding = "utf-8"
        self.notice: str | None = None  # what the reading chose that the user should know
        self._limit = limit
        self._head: str | None = None
        self._sniff = sniff
        self._guard_utf8 = False  # Windows-1252 text: refuse a UTF-8 sequence rather than mangle it
        self._tail = b""  # the last bytes of the chunk before, for a sequence that straddles two
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
            if self._sniff and self.bytes_read == 0:
                self._choose_encoding(data)
            pending = len(self._decoder.getstate()[0])
            self.bytes_read += len(data)
            if self.bytes_read > self._limit:  # the file grew while being read
                raise ImportRefusedError(self.label, f"is larger than the largest source read ({self._limit:,} bytes)")
            if self._guard_utf8:
                self._refuse_utf8(data)
            try:
                text = self._decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                offset = self.bytes_read - len(data) - pending + error.start
                raise ImportRefusedError(
                    self.label, f"is not {_ENCODING_NAMES[self.encoding]} text (bad byte at offset {offset})"
                    + ("; save it as UTF-8" if self._sniff else "")
                ) from None
            if not data:
                self.close()
            if text:
                return text
        return None

    def _refuse_utf8(self, data: bytes) -> None:
        """Refuse UTF-8 text in a file read as Windows-1252, also where it straddles two chunks."""
        before = self._tail
        found = _UTF8_SEQUENCE.search(before + data)
        if found is not None:
            offset = self.bytes_read - len(data) - len(before) + found.start()
            raise ImportRefusedError(
                self.label, f"was read as Windows-1252 text, but holds UTF-8 text at offset {offset}: "
                "save it again as UTF-8",
            )
        self._tail = (before + data)[-3:]

    def _choose_encoding(self, data: bytes) -> None:
        """Set the decoder for a file whose first chunk is ``data`` (see the class's ``sniff``)."""
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                self.encoding = encoding
                self._decoder = codecs.getincrementaldecoder(encoding)()
                return
        try:
            codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=len(data) < CHUNK_BYTES)
            return
        except UnicodeDecodeError:
            pass
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return  # neither: the UTF-8 decoder refuses it with the offset
        if b"\x00" in data:
            return  # no text of a table holds a NUL: UTF-16 without a byte-order mark, or not text
        if _UTF8_SEQUENCE.search(data) is not None:
            return  # UTF-8 text and bytes that are not: refused as not UTF-8, never mangled
        self.encoding = "cp1252"
        self._decoder = codecs.getincrementaldecoder("cp1252")()
        self._guard_utf8 = True
        self.notice = (
            f"{display_path(self.label)}: is not UTF-8; it was read as Windows-1252 (Western European), "
            "as Excel saves CSV: check its accented letters"
        )


# Byte-order marks, the longer first (UTF-32 LE's begins as UTF-16 LE's): the codecs drop them.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32", "cp1252": "Windows-1252"}
# A multi-byte UTF-8 sequence, which in Windows-1252 would be odd letters ("Ã©" for "é"): the
# letters of Western, Central European, Greek, Cyrillic, Hebrew and Arabic text, and every
# sequence of three or four bytes (punctuation such as the curly quotes and "€" among them).
# Left out are the two-byte sequences a Windows-1252 text may well hold: "ß€", "Ö»" (a letter,
# then a sign).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xc5\xce-\xd1\xd7-\xd9][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def open_binary(path: Path, limit: int) -> BinaryIO:
    """The file ``path`` opened for reading bytes, refused as :class:`SourceText` refuses it
    (anything but a readable regular file of at most ``limit`` bytes)."""
    descriptor = _open_regular(path, str(path), limit)
    try:
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


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


class TextFileSource:
    """The part every source read from a :class:`SourceText` shares (a ``RecordSource``):
    its label, document and notices, progress in bytes, and the file let go of once
    :meth:`records` ends (read through, refused or abandoned) or :meth:`close` is called.

    A reader gives its records from :meth:`read` (the file read from ``self.text``).
    """

    format = ""  # the format the import records as the events' provenance (one of IMPORT_FORMATS)

    def __init__(self, text: SourceText) -> None:
        self.label = text.label
        self.document = Document()
        self.notices: list[str] = []
        self.text = text

    def records(self) -> Iterator[Any]:
        try:
            yield from self.read()
        finally:
            self.text.close()

    def read(self) -> Iterator[Any]:
        """The source's records (``interchange.Record``), validated as they are read."""
        raise NotImplementedError

    def progress(self) -> tuple[int, int]:
        return self.text.bytes_read, self.text.size

    def close(self) -> None:
        self.text.close()

"""Reading delimited text (CSV, TSV) a chunk at a time, with bounded lines and fields.

Shared by every reader of tables: the app's own CSV, tables with their own headers, ACLED and
GDELT exports. Rows come with the number of the line they begin on, for messages.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator

from viewer.store.errors import ImportRefusedError

MAX_FIELD_CHARS = 16 * 1024 * 1024  # the longest field an import reads (16 MiB of text)
MAX_LINE_CHARS = 256 * 1024 * 1024  # the longest line: every column's field at its longest


class LineTooLong(Exception):
    """A line longer than the limit given to :func:`csv_lines` (it is not held to be read)."""


def csv_lines(chunks: Iterator[str], limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of a text given in chunks, as the csv module wants them (``newline=""``).

    Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line (as in a file opened with ``newline=""``), and
    a ``\\r`` at the end of a chunk waits for the next one, which may begin with its ``\\n``.
    Raises :class:`LineTooLong` rather than hold a line longer than ``limit`` characters.
    """
    carry = ""
    for chunk in chunks:
        if len(carry) > limit:
            raise LineTooLong
        text = carry + chunk
        if not text:
            continue
        lines = io.StringIO(text, newline="")
        while True:
            line = lines.readline()
            if not line:
                carry = ""
                break
            if not line.endswith(("\n", "\r")) or (line.endswith("\r") and lines.tell() == len(text)):
                carry = line  # the rest of this line is in the next chunk
                break
            yield line
    if carry:
        yield carry


@contextlib.contextmanager
def field_limit(limit: int) -> Iterator[None]:
    """The csv module's (process-wide) field size limit, set to ``limit`` for one read."""
    previous = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_rows(
    chunks: Iterator[str], label: str, delimiter: str = ",", *, quoting: int = csv.QUOTE_MINIMAL,
    max_field_chars: int = MAX_FIELD_CHARS, max_line_chars: int = MAX_LINE_CHARS,
) -> Iterator[tuple[int, list[str]]]:
    """Each row of a delimited text with the number of the line it begins on (1 for the first).

    Malformed quoting, a field longer than ``max_field_chars`` and a line longer than
    ``max_line_chars`` are refused with :class:`ImportRefusedError` naming ``label`` and the line.
    ``quoting=csv.QUOTE_NONE`` reads a format without quotes (GDELT): a ``"`` is then text.
    """
    reader = csv.reader(
        csv_lines(chunks, max_line_chars), delimiter=delimiter, quotechar='"', doublequote=True,
        strict=quoting != csv.QUOTE_NONE, quoting=quoting,
    )
    with field_limit(max_field_chars):
        start = 1
        try:
            while True:
                start = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    return
                yield start, row
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportRefusedError(
                    label, f"a field is longer than {max_field_chars:,} characters, the most an import reads",
                    record=f"line {start}",
                ) from None
            raise ImportRefusedError(label, f"malformed CSV at line {reader.line_num}: {error}") from None
        except LineTooLong:
            raise ImportRefusedError(
                label, f"a line is longer than {max_line_chars:,} characters, the most an import reads",
                record=f"line {reader.line_num + 1}",
            ) from None

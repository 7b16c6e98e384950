"""Reading a JSON document of any size as a stream of its top-level members, strictly.

The interchange document is one object whose ``bodies``, ``events`` and ``links`` lists may
hold millions of records. Rather than decode it whole (a gigabyte of Python objects), the text
is read in chunks and each top-level member, and each element of a record list, is decoded on
its own by the standard library's decoder (``JSONDecoder.raw_decode``), which does all of the
JSON parsing; only the punctuation between those values is read here. The standard decoder is
used rather than a streaming parser such as ijson because it is the strict one: yajl, under
ijson, turns a lone surrogate escape into ``?`` without a word and says neither line nor column.

Strict JSON throughout: a key given twice in one object, a lone surrogate (``"\\ud800"``; an
escaped pair is one character and fine) and NaN or Infinity are refused, and every message
names the line and column, or the record and the field.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from viewer.store.errors import ImportRefusedError

RECORD_LISTS = {"bodies": "body", "events": "event", "links": "link"}
CHUNK_CHARS = 256 * 1024
MAX_VALUE_CHARS = 64 * 1024 * 1024  # the longest single record (or other top-level value) read
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass(frozen=True, slots=True)
class Member:
    """One top-level member: ``value`` of ``key``, or the ``index``-th (1-based) element of its list."""

    key: str
    index: int | None
    value: Any


class _Duplicated(dict):
    """An object that gave a key twice (kept to say where, then refused)."""

    duplicate: str


class _NonFinite:
    """Where the document said NaN, Infinity or -Infinity (kept to say where, then refused)."""

    def __init__(self, name: str) -> None:
        self.name = name


class _StrictHooks:
    """The hooks of a strict decoder: they mark what is wrong rather than raise."""

    def __init__(self) -> None:
        self.broken = False

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        self.broken = True
        seen: set[str] = set()
        marked = _Duplicated(result)
        marked.duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))
        return marked

    def constant(self, name: str) -> _NonFinite:
        self.broken = True
        return _NonFinite(name)


class _Text:
    """The document's text, read a chunk at a time; ``pos`` indexes the part held in memory."""

    def __init__(self, chunks: Iterator[str], label: str) -> None:
        self._chunks = chunks
        self.label = label
        self.text = ""
        self.pos = 0
        self._dropped = 0  # characters read and let go before text[0]
        self._dropped_lines = 0  # newlines among them
        self._dropped_line_start = 0  # where the line holding text[0] begins, as a character count
        self.eof = False

    def more(self, at_least: int | None = None) -> bool:
        """Read on (``at_least`` characters if there are), letting go of what is before ``pos``."""
        if self.eof:
            return False
        at_least = CHUNK_CHARS if at_least is None else at_least
        newlines = self.text.count("\n", 0, self.pos)
        if newlines:
            self._dropped_lines += newlines
            self._dropped_line_start = self._dropped + self.text.rfind("\n", 0, self.pos) + 1
        self._dropped += self.pos
        parts = [self.text[self.pos :]]
        wanted = len(parts[0]) + at_least
        held = len(parts[0])
        while held < wanted:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.eof = True
                break
            parts.append(chunk)
            held += len(chunk)
        self.text = "".join(parts)
        self.pos = 0
        return len(parts) > 1

    def peek(self) -> str:
        """The next character after any whitespace ('' at the end of the document)."""
        while True:
            self.pos = _WHITESPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def where(self, position: int) -> tuple[int, int]:
        """Line and column (1-based) of ``position`` in the held text."""
        newlines = self.text.count("\n", 0, position)
        line_start = self.text.rfind("\n", 0, position) + 1 if newlines else None
        if line_start is None:
            column = self._dropped + position - self._dropped_line_start + 1
        else:
            column = position - line_start + 1
        return self._dropped_lines + newlines + 1, column

    def malformed(self, position: int, problem: str) -> ImportRefusedError:
        line, column = self.where(position)
        return ImportRefusedError(self.label, f"malformed JSON at line {line}, column {column}: {problem}")

    def decode(self, decoder: json.JSONDecoder) -> Any:
        """Decode the value at ``pos`` (reading on while it may go on) and move past it."""
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                held = len(self.text) - self.pos
                if held < MAX_VALUE_CHARS and self.more(min(max(CHUNK_CHARS, held), MAX_VALUE_CHARS)):
                    continue  # the value may go on in the text not read yet
                if held >= MAX_VALUE_CHARS and not self.eof:
                    line, _column = self.where(self.pos)
                    raise ImportRefusedError(
                        self.label,
                        f"the value at line {line} is longer than {MAX_VALUE_CHARS:,} characters "
                        "(64 MiB), the most an import reads as one record, or it is malformed",
                    ) from None
                raise self.malformed(error.pos, error.msg) from None
            except RecursionError:
                raise ImportRefusedError(self.label, "malformed JSON: nested too deeply") from None
            except ValueError:  # an integer longer than Python converts
                raise ImportRefusedError(
                    self.label, f"malformed JSON: a number has more than {sys.get_int_max_str_digits():,} digits"
                ) from None
            if end == len(self.text) and self.more():
                continue  # a number may go on in the next chunk
            self._refuse_escaped_surrogates(self.pos, end)
            self.pos = end
            return value

    def expect(self, wanted: str, problem: str) -> str:
        found = self.peek()
        if not found or found not in wanted:
            raise self.malformed(self.pos, problem)
        self.pos += 1
        return found

    def _refuse_escaped_surrogates(self, start: int, end: int) -> None:
        """Refuse a ``\\uD800``–``\\uDFFF`` escape in ``text[start:end]`` that is not half of a pair.

        The span decoded as JSON, so every escape is inside a string; a backslash that is
        itself escaped (``\\\\ud800`` is the six characters ``\\ud800``) is not an escape.
        """
        text = self.text
        pending_high = -1  # where an escaped high surrogate waiting for its low half starts
        for match in _SURROGATE_ESCAPE.finditer(text, start, end):
            begin = before = match.start()
            while before and text[before - 1] == "\\":
                before -= 1
            if (begin - before) % 2:  # the backslash is itself escaped: plain text
                continue
            is_high = match.group()[3] in "89abAB"
            if pending_high != -1:
                if not is_high and begin == pending_high + 6:
                    pending_high = -1
                    continue
                self._refuse_surrogate(pending_high)
            if not is_high:
                self._refuse_surrogate(begin)
            pending_high = begin
        if pending_high != -1:
            self._refuse_surrogate(pending_high)

    def _refuse_surrogate(self, position: int) -> None:
        shown = self.text[position : position + 6]
        raise self.malformed(
            position, f"lone surrogate {shown} in a string (only a high and a low surrogate together make a character)"
        )


def refuse_raw_surrogates(text: str, label: str) -> None:
    """Refuse a text holding surrogate code points themselves (only text not read from UTF-8 can)."""
    if text.isascii():
        return
    for offset in range(0, len(text), CHUNK_CHARS):  # a chunk at a time: no copy of the whole text
        try:
            text[offset : offset + CHUNK_CHARS].encode("utf-8")
        except UnicodeEncodeError as error:
            position = offset + error.start
            line = text.count("\n", 0, position) + 1
            column = position - text.rfind("\n", 0, position)
            raise ImportRefusedError(
                label,
                f"malformed JSON at line {line}, column {column}: lone surrogate U+{ord(text[position]):04X} "
                "in a string (only a high and a low surrogate together make a character)",
            ) from None


def read_members(chunks: Iterator[str], label: str) -> Iterator[Member]:
    """The top-level members of the JSON object in ``chunks``, in document order, strictly read.

    A record list (``bodies``, ``events``, ``links``) is given one element at a time; anything
    that is not an object at the top is refused as not a document.
    """
    text = _Text(chunks, label)
    hooks = _StrictHooks()
    values = json.JSONDecoder(object_pairs_hook=hooks.object, parse_constant=hooks.constant)
    if text.peek() != "{":
        if text.peek() == "":
            raise text.malformed(text.pos, "Expecting value")
        _refuse_broken(text.decode(values), label, ())
        raise ImportRefusedError(label, "unsupported format: the document must be a JSON object")
    text.pos += 1
    seen: set[str] = set()
    if text.peek() == "}":
        text.pos += 1
    else:
        while True:
            if text.peek() != '"':
                raise text.malformed(text.pos, "Expecting property name enclosed in double quotes")
            key = text.decode(values)
            if key in seen:
                raise ImportRefusedError(label, f"duplicate key {key!r} in the top-level object (keys must be unique)")
            seen.add(key)
            text.expect(":", "Expecting ':' delimiter")
            if key in RECORD_LISTS and text.peek() == "[":
                yield from _list_members(text, values, hooks, key)
            else:
                if text.peek() == "":
                    raise text.malformed(text.pos, "Expecting value")
                hooks.broken = False
                value = text.decode(values)
                if hooks.broken:
                    _refuse_broken(value, label, (key,))
                yield Member(key, None, value)
            if text.expect(",}", "Expecting ',' delimiter") == "}":
                break
    if text.peek() != "":
        raise text.malformed(text.pos, "Extra data")


def _list_members(text: _Text, values: json.JSONDecoder, hooks: _StrictHooks, key: str) -> Iterator[Member]:
    text.pos += 1
    if text.peek() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        index += 1
        if text.peek() == "":
            raise text.malformed(text.pos, "Expecting value")
        hooks.broken = False
        value = text.decode(values)
        if hooks.broken:
            _refuse_broken(value, text.label, (), record=f"{RECORD_LISTS[key]} #{index}")
        yield Member(key, index, value)
        if text.expect(",]", "Expecting ',' delimiter") == "]":
            return


def record_id_for_message(record: object) -> str | None:
    """The id of a record as a message may show it (``None`` when it has none worth showing)."""
    if isinstance(record, dict):
        value = record.get("id")
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def _refuse_broken(value: Any, label: str, base: tuple[str | int, ...], record: str | None = None) -> None:
    """Find the first duplicate key or non-finite number in ``value``, in document order, and refuse it."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, base)]
    while stack:
        node, path = stack.pop()
        problem = None
        if isinstance(node, _NonFinite):
            problem = f"{node.name} is not allowed: JSON has no NaN or Infinity"
        elif isinstance(node, _Duplicated):
            where = "an object" if path or record else "the top-level object"
            problem = f"duplicate key {node.duplicate!r} in {where} (keys must be unique)"
        if problem is not None:
            field_name = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in path)
            raise ImportRefusedError(
                label, problem, record=record, record_id=record_id_for_message(value) if record else None,
                field=field_name.lstrip(".") or None,
            )
        if isinstance(node, dict):
            stack.extend((item, (*path, name)) for name, item in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((item, (*path, index)) for index, item in reversed(list(enumerate(node))))

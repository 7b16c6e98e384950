"""The brief (:mod:`viewer.export.brief`) written as Markdown that an analyst can send as it is.

Text from the data is data, never markup: whatever it holds, it renders as exactly that text
in CommonMark renderers (markdown-it, mistune, GitHub's) and in Python-Markdown alike. No
heading, list, table, code, quote, emphasis, link, image or HTML can come from the data:
- every field is one line of inline text (line breaks in a title or a name become spaces);
  a summary or description keeps its line breaks as hard line breaks inside one paragraph;
- only what would start markup is escaped, so that ordinary text reads as written in the file
  too: ``\\``, ``*``, ``_``, backticks, ``[`` and ``]`` always; ``<`` and ``|`` as character
  references (which every renderer shows as text); ``&`` only before what reads as a character
  reference, ``~`` only in runs of two or more; ``#`` at the start and in a run at the end of a
  line; list, quote and underline markers only at the start of a line, where they count;
- the only links are ours, autolinks to sources that pass :func:`viewer.formatting.is_web_link`.

The blocks are written as they come, so the chronology streams (see :class:`~viewer.export.brief.Brief`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import IO

from viewer.export.brief import (
    MAX_CHAINS,
    MAX_NAMED,
    Block,
    Brief,
    Bullets,
    Cite,
    Data,
    Heading,
    Inline,
    Paragraph,
    Picture,
    References,
    WebLink,
)
from viewer.formatting import display_text
from viewer.store.model import Document, Event, Link

__all__ = ["MAX_CHAINS", "MAX_NAMED", "md", "write_markdown", "write_markdown_parts"]

_ALWAYS = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "<": "&lt;", "|": "&#124;",
}
_INLINE = re.compile(r"[\\`*_\[\]<|]|~~+|&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"[-+](?=[ \-]|$)|>|#|\d{1,9}(?=[.)](?: |$))|=+ *$")
_TRAILING_HASHES = re.compile(r"#+$")
_HARD_BREAK = "  \n"  # two spaces: the one hard line break every renderer knows
_EMPTY_LINE = "\u00a0"  # keeps a blank line in the data from ending the paragraph
_ENTITY_LIKE_AMPERSAND = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def md(text: str | None) -> str:
    """Data text as one line of Markdown that renders as exactly that text (line breaks as spaces)."""
    return _escape_line(display_text(text))


def _inline_escape(match: re.Match[str]) -> str:
    found = match.group()
    if found in _ALWAYS:
        return _ALWAYS[found]
    if found.startswith("~"):
        return "&#126;" * len(found)
    return "&amp;"


def _escape_line(line: str) -> str:
    line = _INLINE.sub(_inline_escape, line.strip())
    line = _TRAILING_HASHES.sub(lambda match: "\\#" * len(match.group()), line)
    match = _LINE_START.match(line)
    if match is None:
        return line
    marker = match.group()
    if marker.isdigit():
        return marker + "\\" + line[len(marker):]
    if marker.startswith("="):
        return "&#61;" + line[1:]
    if marker == "#" and line.startswith("\\#"):
        return line
    return "\\" + line


def link_destination(url: str) -> str:
    """A web link's URL as a Markdown ``<…>`` destination or autolink that every renderer reads back unchanged."""
    return _ENTITY_LIKE_AMPERSAND.sub("%26", url.strip().replace("\\", "%5C"))




# ---------------------------------------------------------------------------- writing


def write_markdown(document: Document, stream: IO[str], *, selection: str = "", today: date | None = None) -> int:
    """Write the brief of a whole document; ``selection`` says how the events were chosen. Returns the event count."""
    head = Document(name=document.name, description=document.description, bodies=document.bodies)
    return write_markdown_parts(head, lambda: document.events, document.links, stream, selection=selection,
                                today=today)


def write_markdown_parts(
    head: Document,
    events: Callable[[], Iterable[Event]],
    links: Sequence[Link],
    stream: IO[str],
    *,
    selection: str = "",
    today: date | None = None,
    title: str | None = None,
) -> int:
    """Write the brief: ``head`` gives the dataset's name and the bodies, ``events()`` the events in
    time order (it is called twice), ``links`` the links among them. Returns the event count."""
    brief = Brief(head, events, links, selection=selection, today=today, title=title)
    write_blocks(brief.blocks(), stream)
    return brief.count


def write_blocks(blocks: Iterable[Block], stream: IO[str]) -> None:
    """Write a brief's blocks as Markdown, each as it comes (a picture has no place in the text)."""
    separator = ""
    for block in blocks:
        if not isinstance(block, Picture):
            stream.write(separator + markdown_block(block))
            separator = "\n\n"
    stream.write("\n")


def markdown_block(block: Block) -> str:
    """One block as Markdown, without the blank line that ends it."""
    if isinstance(block, Heading):
        return "#" * block.level + " " + inline(block.text)
    if isinstance(block, Paragraph):
        if len(block.lines) == 1:
            return inline(block.lines[0])
        return _HARD_BREAK.join(inline(line) or _EMPTY_LINE for line in block.lines)
    if isinstance(block, Bullets):
        lines = []
        for item in block.items:
            lines.append("- " + inline(item.text))
            lines += ["    - " + inline(child) for child in item.children]
        return "\n".join(lines)
    if isinstance(block, References):
        return "\n".join(f"{entry.number}. {inline(entry.text)}" for entry in block.entries).rstrip("\n")
    return ""


def inline(parts: Inline) -> str:
    """Inline parts as Markdown: the brief's words as written, data escaped, links as autolinks."""
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, Data):
            texts.append(md(part.text))
        elif isinstance(part, WebLink):
            texts.append(f"<{link_destination(part.url)}>")
        elif isinstance(part, Cite):
            texts.append(f"[{part.number}]")
    return "".join(texts)

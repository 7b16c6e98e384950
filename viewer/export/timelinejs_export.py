"""TimelineJS export (Knight Lab's JSON format), to publish a selection as a web timeline.

Dates carry only the fields the precision knows (``year`` alone for a year), ``display_date``
says it in words, and ``group`` is the kind or the first body.

Text from the data is data, never markup. TimelineJS 3 treats its fields in two ways:
- ``text.headline``, ``text.text`` and ``media.caption`` are HTML (sanitised by DOMPurify, then
  set as ``innerHTML``): they are HTML-escaped once;
- ``group`` and ``display_date`` are "plain": TimelineJS strips markup from them by parsing
  them as HTML and taking the text (which decodes ``&lt;`` to ``<``), then sets *that* as
  ``innerHTML``. Escaped once, ``&lt;img onerror=…&gt;`` would come back to life, so they are
  escaped twice, which TimelineJS decodes exactly once on each of its two passes.
Every slide has ``"autolink": false``: TimelineJS's autolinker turns any ``www.…`` run into a
link, quote characters included, so data could otherwise add attributes to it. The only links
are media URLs that pass :func:`viewer.formatting.is_web_link`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import IO, Any, Literal

from viewer.formatting import display_text, format_event_dates, is_web_link
from viewer.store.dates import PartialDate, Precision
from viewer.store.model import Body, Document, Event
from viewer.timeline.lanes import kind_title

GroupBy = Literal["kind", "body"]
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def html_text(text: str | None) -> str:
    """Data text for a TimelineJS HTML field (headline, text, caption): HTML-escaped once."""
    return html.escape(_characters(text))


def plain_text(text: str | None) -> str:
    """Data text for a TimelineJS "plain" field (``group``, ``display_date``): escaped twice."""
    return html.escape(html.escape(display_text(text).strip()))


def _characters(text: str | None) -> str:
    """Text without the control characters HTML forbids (line breaks kept), lone surrogates replaced."""
    if not text:
        return ""
    return "\n".join(display_text(line) for line in _LINE_BREAKS.split(text))


def timelinejs_document(document: Document, group_by: GroupBy = "kind") -> dict[str, Any]:
    """The TimelineJS object for the document's events."""
    bodies = {body.id: body for body in document.bodies}
    result: dict[str, Any] = {"events": [_slide(event, bodies, group_by) for event in document.events]}
    if document.name:
        title: dict[str, Any] = {"text": {"headline": html_text(document.name)}, "autolink": False}
        if document.description:
            title["text"]["text"] = _paragraphs([document.description])
        result["title"] = title
    return result


def write_timelinejs(document: Document, stream: IO[str], group_by: GroupBy = "kind") -> int:
    """Write the TimelineJS JSON; returns the number of events."""
    json.dump(timelinejs_document(document, group_by), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    return len(document.events)


def _slide(event: Event, bodies: Mapping[str, Body], group_by: GroupBy) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _date(event.start),
        "display_date": plain_text(format_event_dates(event)),
        "text": {
            "headline": html_text(event.title),
            "text": _paragraphs([event.summary, event.description]),
        },
        "autolink": False,
    }
    if event.end is not None:
        slide["end_date"] = _date(event.end)
    group = _group(event, bodies, group_by)
    if group and display_text(group).strip():
        slide["group"] = plain_text(group)
    web = next((s for s in event.sources if is_web_link(s.url)), None)
    if web is not None:
        caption = html_text(web.title or web.publisher or "Source").strip() or "Source"
        slide["media"] = {"url": web.url.strip(), "caption": caption}
    return slide


def _paragraphs(texts: list[str | None]) -> str:
    """Each text as an HTML paragraph, its line breaks as ``<br>``."""
    return "".join(
        "<p>" + html_text(text).replace("\n", "<br>") + "</p>" for text in texts if text and text.strip()
    )


def _date(value: PartialDate) -> dict[str, str]:
    result = {"year": str(value.year)}
    if value.precision.rank >= Precision.MONTH.rank:
        result["month"] = str(value.month)
    if value.precision.rank >= Precision.DAY.rank:
        result["day"] = str(value.day)
    if value.precision is Precision.MINUTE:
        result["hour"] = str(value.hour)
        result["minute"] = str(value.minute)
    return result


def _group(event: Event, bodies: Mapping[str, Body], group_by: GroupBy) -> str | None:
    if group_by == "body":
        if not event.bodies:
            return None
        body = bodies.get(event.bodies[0].body_id)
        return body.acronym or body.name if body else event.bodies[0].body_id
    return kind_title(event.kind) if event.kind else None

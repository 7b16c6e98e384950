"""TimelineJS export (Knight Lab's JSON format), to publish a selection as a web timeline.

Dates carry only the fields the precision knows (``year`` alone for a year), ``display_date``
says it in words, and ``group`` is the kind or the first body. TimelineJS renders headline and
text as HTML, so every text from the data is escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import IO, Any, Literal

from viewer.formatting import format_event_dates, is_web_link
from viewer.store.dates import PartialDate, Precision
from viewer.store.model import Body, Document, Event
from viewer.timeline.lanes import kind_title

GroupBy = Literal["kind", "body"]


def timelinejs_document(document: Document, group_by: GroupBy = "kind") -> dict[str, Any]:
    """The TimelineJS object for the document's events."""
    bodies = {body.id: body for body in document.bodies}
    result: dict[str, Any] = {"events": [_slide(event, bodies, group_by) for event in document.events]}
    if document.name:
        title: dict[str, Any] = {"text": {"headline": html.escape(document.name)}}
        if document.description:
            title["text"]["text"] = f"<p>{html.escape(document.description)}</p>"
        result["title"] = title
    return result


def write_timelinejs(document: Document, stream: IO[str], group_by: GroupBy = "kind") -> int:
    """Write the TimelineJS JSON; returns the number of events."""
    json.dump(timelinejs_document(document, group_by), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    return len(document.events)


def _slide(event: Event, bodies: Mapping[str, Body], group_by: GroupBy) -> dict[str, Any]:
    paragraphs = [text for text in (event.summary, event.description) if text]
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _date(event.start),
        "display_date": format_event_dates(event),
        "text": {
            "headline": html.escape(event.title),
            "text": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        },
    }
    if event.end is not None:
        slide["end_date"] = _date(event.end)
    group = _group(event, bodies, group_by)
    if group:
        slide["group"] = group
    web = next((s for s in event.sources if is_web_link(s.url)), None)
    if web is not None:
        slide["media"] = {"url": web.url.strip(), "caption": html.escape(web.title or web.publisher or "Source")}
    return slide


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

"""The details pane's content as HTML in which every text from the data is escaped.

Data is shown, never interpreted: all text passes through ``html.escape``; the only links are
http(s) source URLs (opened in the browser) and the app's own ``event:``/``body:`` links.
Pure Python, no Qt.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from viewer.formatting import format_event_dates, format_instant_range, is_web_link
from viewer.store.model import Body, Event
from viewer.store.reader import BodyContext, RelatedEvent
from viewer.timeline.lanes import kind_title

EVENT_SCHEME = "event"
BODY_SCHEME = "body"
MAX_TEXT = 200_000  # longer fields are cut in the pane (the data itself is untouched)
MAX_UNBROKEN_TEXT = 20_000  # … and sooner when they hold no spaces: Qt lays those out very slowly
MAX_WORD = 2_000
MAX_LISTED = 200
MAX_RELATED = 500  # related events listed for one event (the rest are counted)


def text(value: object) -> str:
    """Escaped, length-limited text; line breaks kept."""
    raw = "" if value is None else str(value)
    limit = MAX_TEXT
    if len(raw) > MAX_UNBROKEN_TEXT and max(map(len, raw[:MAX_TEXT].split()), default=0) > MAX_WORD:
        limit = MAX_UNBROKEN_TEXT
    if len(raw) > limit:
        raw = raw[:limit] + f"… ({len(raw) - limit:,} more characters)"
    return html.escape(raw).replace("\n", "<br>")


def internal_link(scheme: str, key: str) -> str:
    """An app link such as ``event:dmm-2023-06`` (the id percent-encoded)."""
    return f"{scheme}:{quote(key, safe='')}"


def _link(href: str, label: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{label}</a>'


def _row(label: str, value_html: str) -> str:
    return f"<tr><th align='left' valign='top'>{label}</th><td>{value_html}</td></tr>"


def event_html(
    event: Event,
    related: Iterable[RelatedEvent],
    bodies: Mapping[str, Body],
    total_related: int | None = None,
) -> str:
    """Everything about one event.

    ``related`` may be the first few of ``total_related`` related events: the rest are
    counted. Long lists of bodies, tags and sources are cut the same way.
    """
    parts = [f"<h2>{text(event.title)}</h2>", f"<p><b>{text(format_event_dates(event))}</b></p>", "<table>"]
    if event.status:
        parts.append(_row("Status", text(event.status.value.capitalize())))
    if event.kind:
        parts.append(_row("Kind", text(kind_title(event.kind))))
    if event.location:
        parts.append(_row("Location", text(event.location)))
    if event.bodies:
        listed = []
        for participation in event.bodies[:MAX_LISTED]:
            body = bodies.get(participation.body_id)
            name = body.name if body else participation.body_id
            acronym = f" ({text(body.acronym)})" if body and body.acronym else ""
            link = _link(internal_link(BODY_SCHEME, participation.body_id), text(name) + acronym)
            listed.append(f"{link} — {text(participation.role)}")
        parts.append(_row("Bodies", "<br>".join(listed) + _more(len(event.bodies) - len(listed))))
    if event.tags:
        tags = event.tags[:MAX_LISTED]
        parts.append(_row("Tags", text(", ".join(tags)) + _more(len(event.tags) - len(tags))))
    parts.append("</table>")
    if event.summary:
        parts.append(f"<p>{text(event.summary)}</p>")
    if event.description:
        parts.append(f"<p>{text(event.description)}</p>")
    parts.append(_related_html(related, total_related))
    parts.append(_sources_html(event))
    return "".join(parts)


def _more(count: int, noun: str = "") -> str:
    """ "… and 99,000 more" (nothing for 0)."""
    return f"<br><i>… and {count:,} more{' ' + noun if noun else ''}</i>" if count > 0 else ""


def _related_html(related: Iterable[RelatedEvent], total: int | None = None) -> str:
    groups: dict[str, list[RelatedEvent]] = {}
    shown = 0
    for item in related:
        if shown >= MAX_RELATED:
            break
        groups.setdefault(item.label, []).append(item)
        shown += 1
    if not groups:
        return ""
    total = max(total or 0, shown)
    heading = "Related events" if total == shown else f"Related events ({shown:,} of {total:,})"
    parts = [f"<h3>{heading}</h3>"]
    for label, items in groups.items():
        entries = []
        for item in items:
            link = _link(internal_link(EVENT_SCHEME, item.event.id), text(item.event.title))
            note = f" — <i>{text(item.note)}</i>" if item.note else ""
            entries.append(f"{link} ({text(format_event_dates(item.event))}){note}")
        parts.append(f"<p><b>{text(label)}:</b><br>" + "<br>".join(entries) + "</p>")
    if total > shown:
        parts.append(f"<p><i>… and {total - shown:,} more related events</i></p>")
    return "".join(parts)


def _sources_html(event: Event) -> str:
    if not event.sources:
        return ""
    items = []
    for number, source in enumerate(event.sources[:MAX_LISTED], start=1):
        title = text(source.title or source.url)
        shown = _link(source.url.strip(), title) if is_web_link(source.url) else title
        details = [text(x) for x in (source.publisher, source.published) if x]
        extra = f" — {', '.join(details)}" if details else ""
        url_note = "" if is_web_link(source.url) or not source.title else f"<br><code>{text(source.url)}</code>"
        items.append(f"<li>[{number}] {shown}{extra}{url_note}</li>")
    left = len(event.sources) - len(items)
    more = f"<p><i>… and {left:,} more sources</i></p>" if left > 0 else ""
    return "<h3>Sources</h3><ol style='margin-left:0'>" + "".join(items) + "</ol>" + more


def events_html(events: list[Event], total: int) -> str:
    """A compact list of several selected events with their common span."""
    first = min(event.earliest for event in events)
    last = max(event.latest for event in events)
    parts = [
        f"<h2>{total:,} events selected</h2>",
        f"<p><b>{text(format_instant_range(first, last))}</b></p><p>",
    ]
    for event in events[:MAX_LISTED]:
        link = _link(internal_link(EVENT_SCHEME, event.id), text(event.title))
        parts.append(f"{text(format_event_dates(event))}: {link}<br>")
    if total > len(events[:MAX_LISTED]):
        parts.append(f"<i>… and {total - MAX_LISTED:,} more</i>")
    parts.append("</p>")
    return "".join(parts)


def body_html(body: Body, context: BodyContext) -> str:
    """A body: full name, parent, seat, history and event count."""
    title = text(body.name) + (f" ({text(body.acronym)})" if body.acronym else "")
    parts = [f"<h2>{title}</h2>", "<table>"]
    if body.kind:
        parts.append(_row("Kind", text(body.kind.capitalize())))
    if context.parent:
        parts.append(_row("Part of", _body_link(context.parent)))
    if body.location:
        parts.append(_row("Seat", text(body.location)))
    if body.founded:
        parts.append(_row("Founded", text(body.founded)))
    if body.dissolved:
        parts.append(_row("Dissolved", text(body.dissolved)))
    if context.replaces:
        parts.append(_row("Replaces", ", ".join(_body_link(b) for b in context.replaces)))
    if context.replaced_by:
        parts.append(_row("Replaced by", _body_link(context.replaced_by)))
    if context.children:
        parts.append(_row("Includes", "<br>".join(_body_link(b) for b in context.children[:MAX_LISTED])))
    parts.append(_row("Events", f"{context.event_count:,}"))
    if is_web_link(body.url):
        parts.append(_row("Web", _link(body.url.strip(), text(body.url))))
    elif body.url:
        parts.append(_row("Web", text(body.url)))
    parts.append("</table>")
    if body.description:
        parts.append(f"<p>{text(body.description)}</p>")
    return "".join(parts)


def _body_link(body: Body) -> str:
    label = text(body.name) + (f" ({text(body.acronym)})" if body.acronym else "")
    return _link(internal_link(BODY_SCHEME, body.id), label)


def no_file_html() -> str:
    """What the pane says when no file is open."""
    return (
        "<h2>No file open</h2><p>Open a Defence Timeline database with File ▸ Open (Ctrl+O), "
        "or import events from JSON or CSV with File ▸ Import.</p>"
    )


def welcome_html(name: str, events: int, bodies: int, links: int, first: str | None, last: str | None) -> str:
    """What the pane says before anything is selected."""
    span = f"<p>From {text(first)} to {text(last)}.</p>" if first else ""
    return (
        f"<h2>{text(name)}</h2><p>{events:,} events, {bodies:,} bodies, {links:,} links.</p>{span}"
        "<p>Click an event on the timeline or in the table to see its details, its bodies and the "
        "events it is linked to. Drag to pan, Ctrl+wheel to zoom, Home to fit everything.</p>"
    )

"""The details pane's content as HTML in which every text from the data is escaped.

Data is shown, never interpreted: all text passes through ``html.escape``; the only links are
http(s) source URLs (opened in the browser) and the app's own ``event:``/``body:`` links.
Pure Python, no Qt.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from viewer.formatting import (
    format_event_dates,
    format_events_span,
    format_place,
    format_span,
    format_utc_stamp,
    is_web_link,
    map_link,
)
from viewer.store.dates import parse_date
from viewer.store.errors import InvalidDateError
from viewer.store.grading import ADMIRALTY, Confidence, GradingScheme, grade_text
from viewer.store.interchange import IMPORT_FORMAT_TITLES
from viewer.store.model import Body, EarlierDates, Event
from viewer.store.reader import BodyContext, Provenance, RelatedEvent
from viewer.store.workspace import Annotation
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
    provenance: Provenance | None = None,
    grading: GradingScheme = ADMIRALTY,
    annotation: Annotation | None = None,
) -> str:
    """Everything about one event, its grades, the analyst's annotation, and where it came from
    (``provenance``) when known.

    ``related`` may be the first few of ``total_related`` related events: the rest are
    counted. Long lists of bodies, tags and sources are cut the same way.
    """
    star = "★ " if annotation and annotation.starred else ""
    parts = [f"<h2>{star}{text(event.title)}</h2>", f"<p><b>{text(format_event_dates(event))}</b></p>"]
    parts.append(_annotation_html(annotation))
    parts.append("<table>")
    grade = grade_line(event, grading)
    if grade:
        parts.append(_row("Grade", text(grade)))
    if event.status:
        parts.append(_row("Status", text(event.status.value.capitalize())))
    if event.kind:
        parts.append(_row("Kind", text(kind_title(event.kind))))
    if event.location:
        parts.append(_row("Location", text(event.location)))
    if event.latitude is not None and event.longitude is not None:
        place = format_place(event.latitude, event.longitude)
        parts.append(_row("Place", _link(map_link(event.latitude, event.longitude), text(place))))
    if event.history:
        parts.append(_row("Earlier dates", "<br>".join(_earlier_html(event, entry) for entry in event.history)))
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
    parts.append(_fields_html(event))
    if provenance is not None:
        parts.append(f"<p><small>{_provenance_text(provenance)}</small></p>")
    return "".join(parts)


def grade_line(event: Event, grading: GradingScheme) -> str:
    """ "B2 — best source usually reliable; information probably true" ("" when ungraded)."""
    reliability = grading.best("reliability", (source.reliability for source in event.sources))
    if reliability is None and event.credibility is None:
        return ""
    words = []
    if reliability:
        words.append(f"best source {grading.label('reliability', reliability).lower()}")
    if event.credibility:
        words.append(f"information {grading.label('credibility', event.credibility).lower()}")
    return f"{grade_text(reliability, event.credibility)} — {'; '.join(words)}"


def _annotation_html(annotation: Annotation | None) -> str:
    """The analyst's note and tags, set apart from the data."""
    if annotation is None or not (annotation.note or annotation.tags):
        return ""
    parts = ["<div style='background:#fff7d6; color:#3b3000; padding:4px'>"]
    if annotation.note:
        lines = "<br>".join(text(line) for line in annotation.note.splitlines())
        parts.append(f"<p><b>Your note:</b> {lines}</p>")
    if annotation.tags:
        parts.append(f"<p><b>Your tags:</b> {text(', '.join(annotation.tags))}</p>")
    parts.append("</div>")
    return "".join(parts)


def _earlier_html(event: Event, entry: EarlierDates) -> str:
    """ "14 June 2023 (until 2 December 2026, 21:40 UTC; from week1.json)"."""
    try:
        start = parse_date(entry.start, entry.precision)
        end = parse_date(entry.end, entry.precision) if entry.end else None
        dates = format_span(start, end, timezone=entry.timezone, within=entry.within)
    except InvalidDateError:
        dates = entry.start
    notes = [f"until {format_utc_stamp(entry.replaced)}" if entry.replaced else "",
             f"from {entry.file}" if entry.file else ""]
    notes = [note for note in notes if note]
    return text(dates) + (f" ({text('; '.join(notes))})" if notes else "")


def _fields_html(event: Event) -> str:
    """The source's other fields (an ACLED row's fatalities, a GDELT row's tone) as a table."""
    if not event.fields:
        return ""
    rows = [_row(text(name), text(value)) for name, value in event.fields[:MAX_LISTED]]
    more = _more(len(event.fields) - len(rows), "fields")
    return "<h3>Other fields</h3><table>" + "".join(rows) + "</table>" + more


def _provenance_text(provenance: Provenance) -> str:
    """ "From week2.json (Defence Timeline JSON), event #1; imported 2 December 2026, 21:40 UTC"."""
    title = IMPORT_FORMAT_TITLES.get(provenance.format, provenance.format)
    return text(f"From {provenance.file} ({title}), {provenance.record}; "
                f"imported {format_utc_stamp(provenance.imported)}")


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
            unsure = item.confidence not in (None, Confidence.CONFIRMED)
            sure = f" <i>[{text(item.confidence.value)} link]</i>" if unsure and item.confidence else ""
            entries.append(f"{link} ({text(format_event_dates(item.event))}){sure}{note}")
        parts.append(f"<p><b>{text(label)}:</b><br>" + "<br>".join(entries) + "</p>")
    if total > shown:
        parts.append(f"<p><i>… and {total - shown:,} more related events</i></p>")
    return "".join(parts)


def _sources_html(event: Event) -> str:
    if not event.sources:
        return ""
    items = []
    for number, source in enumerate(event.sources[:MAX_LISTED], start=1):
        named = source.title or source.url or source.publisher  # an outlet named alone (ACLED) has no URL
        title = text(named)
        shown = _link(source.url.strip(), title) if is_web_link(source.url) else title
        details = [text(x) for x in (source.publisher, source.published) if x and x != named]
        if source.reliability:
            details.append(text(f"reliability {source.reliability}"))
        extra = f" — {', '.join(details)}" if details else ""
        url_note = ("" if is_web_link(source.url) or not source.title or not source.url
                    else f"<br><code>{text(source.url)}</code>")
        items.append(f"<li>[{number}] {shown}{extra}{url_note}</li>")
    left = len(event.sources) - len(items)
    more = f"<p><i>… and {left:,} more sources</i></p>" if left > 0 else ""
    return "<h3>Sources</h3><ol style='margin-left:0'>" + "".join(items) + "</ol>" + more


def events_html(events: list[Event], total: int, ends: tuple[Event, Event] | None = None) -> str:
    """A compact list of several selected events (the first of ``total``) with the span of the whole
    selection: ``ends`` are its earliest-starting and latest-ending events (else those listed)."""
    first, last = ends or (min(events, key=lambda e: e.earliest), max(events, key=lambda e: e.latest))
    parts = [
        f"<h2>{total:,} events selected</h2>",
        f"<p><b>{text(format_events_span(first, last))}</b></p><p>",
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
        "or import events (JSON, CSV, Excel, iCalendar, ACLED, GDELT) with File ▸ Import.</p>"
    )


def welcome_html(name: str, events: int, bodies: int, links: int, first: str | None, last: str | None) -> str:
    """What the pane says before anything is selected."""
    span = f"<p>From {text(first)} to {text(last)}.</p>" if first else ""
    return (
        f"<h2>{text(name)}</h2><p>{events:,} events, {bodies:,} bodies, {links:,} links.</p>{span}"
        "<p>Click an event on the timeline or in the table to see its details, its bodies and the "
        "events it is linked to. Drag to pan, Ctrl+wheel to zoom, Home to fit everything.</p>"
    )

"""Copying the selected events in three forms at once, so that a paste keeps its structure:
an HTML table (Word, Excel, mail), the chronology as plain text (dates as known), and
tab-separated values with the machine columns. Pure Python, no Qt: the window puts the three
on the clipboard together.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from viewer.formatting import format_event_dates
from viewer.store.interchange import guard_formula
from viewer.store.model import Body, Event
from viewer.timeline.lanes import kind_title

COPY_LIMIT = 100_000  # events copied at most
TSV_MIME = "text/tab-separated-values"
# The columns of the table and of the TSV, in order: what a person reads, then what a program reads.
COPY_COLUMNS: tuple[str, ...] = ("Dates", "Title", "Kind", "Bodies", "Location", "Start", "End", "ID")


@dataclass(frozen=True)
class CopiedEvents:
    """The three forms of the copied events (see the module docstring)."""

    plain: str
    html: str
    tsv: str


def copied_events(events: Iterable[Event], bodies: Mapping[str, Body]) -> CopiedEvents:
    """The events (in the order given) as an HTML table, a plain chronology and TSV."""
    rows = [_cells(event, bodies) for event in events]
    plain = "".join(f"{_chronology_line(cells)}\n" for cells in rows)
    header = "".join(f"<th>{html.escape(name)}</th>" for name in COPY_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(guard_formula(cell))}</td>" for cell in cells) + "</tr>" for cells in rows
    )
    table = f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    tsv = "\n".join(["\t".join(COPY_COLUMNS), *("\t".join(guard_formula(cell) for cell in cells) for cells in rows)])
    return CopiedEvents(plain, f"<html><body>{table}</body></html>", tsv + "\n")


def _cells(event: Event, bodies: Mapping[str, Body]) -> list[str]:
    names = []
    for participation in event.bodies:
        body = bodies.get(participation.body_id)
        names.append(body.acronym or body.name if body else participation.body_id)
    values = [
        format_event_dates(event), event.title, kind_title(event.kind) if event.kind else "", "; ".join(names),
        event.location or "", event.start.iso(), event.end.iso() if event.end else "", event.id,
    ]
    return [" ".join(value.split()) for value in values]  # each cell on one line: tabs and newlines as spaces


def _chronology_line(cells: list[str]) -> str:
    """ "15–16 June 2023 — Meeting of NATO Defence Ministers (Meeting; NATO Headquarters, Brussels; NAC, SG)"."""
    dates, title, kind, names, location = cells[:5]
    details = "; ".join(part for part in (kind, location, names.replace("; ", ", ")) if part)
    return f"{dates} — {title}" + (f" ({details})" if details else "")

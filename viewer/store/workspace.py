"""The analyst's own layer beside a database: stars, notes, tags and saved views, kept in a workspace file.

For ``events.db`` the workspace is ``events.db.workspace.json`` in the same folder: viewing
never modifies the database, and annotations are keyed by event id, so they survive
re-imports (an annotation whose event is gone is kept, and shown again if the event returns).

A saved view is a named filter with its time window on screen, its lane mode and its selection
(version 2 of the file; version 1 files, with annotations only, still read).

The file is JSON (``"format": "defence-timeline-workspace"``, ``"version": 2``), read strictly
and bounded: a damaged file, or one written by a newer version, is refused with its name and
the record and field at fault, and left exactly as it is. Every save is atomic (a temporary
file renamed into place) and keeps the previous file as ``….workspace.json.bak``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from viewer.store.errors import DefenceTimelineError, DiskFullError, display_path
from viewer.store.filters import EventFilter, filter_from_dict, filter_to_dict
from viewer.store.json_stream import read_members
from viewer.store.validity import MAX_ID_LENGTH

WORKSPACE_FORMAT = "defence-timeline-workspace"
WORKSPACE_VERSION = 2  # 2 added saved views
WORKSPACE_SUFFIX = ".workspace.json"
BACKUP_SUFFIX = ".bak"
MAX_WORKSPACE_BYTES = 64 * 1024 * 1024  # about 100,000 notes of a page each
MAX_ANNOTATIONS = 1_000_000
MAX_NOTE_LENGTH = 20_000
MAX_ANALYST_TAGS = 50
_ANNOTATION_KEYS = frozenset({"starred", "note", "tags", "updated"})
_VIEW_KEYS = frozenset({"filter", "linked_only", "window", "lanes", "selection", "saved"})
MAX_VIEWS = 500
MAX_VIEW_NAME = 100
MAX_VIEW_SELECTION = 10_000  # ids a view keeps selected (a larger selection is kept as its filter)
LANE_MODES = ("body", "kind", "none")  # as viewer.timeline.lanes.LaneMode names them
_INSTANT_BOUND = 2**50


class WorkspaceError(DefenceTimelineError):
    """A workspace file that cannot be read or written; it is left as it was."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """What an analyst added to one event: a star, a note, their own tags, and when."""

    starred: bool = False
    note: str | None = None
    tags: tuple[str, ...] = ()
    updated: str | None = None  # ISO 8601, UTC

    @property
    def is_empty(self) -> bool:
        """True when nothing is left to keep (unstarred, no note, no tag)."""
        return not self.starred and not self.note and not self.tags


@dataclass(frozen=True, slots=True)
class SavedView:
    """A view the analyst comes back to: a filter, the time on screen, the lane mode, the selection."""

    name: str
    event_filter: EventFilter = field(default_factory=EventFilter)
    linked_only: bool = False
    window: tuple[int, int] | None = None  # first and end instants on screen (seconds since 1970, UTC)
    lanes: str | None = None  # one of LANE_MODES
    selection: tuple[str, ...] = ()  # event ids
    saved: str | None = None  # ISO 8601, UTC


@dataclass
class Workspace:
    """The annotations of one database, by event id, and its saved views, by name (in the order saved)."""

    path: Path
    annotations: dict[str, Annotation] = field(default_factory=dict)
    views: dict[str, SavedView] = field(default_factory=dict)

    def save_view(self, view: SavedView, now: datetime | None = None) -> SavedView:
        """Keep ``view`` (replacing one of the same name); ValueError when it cannot be kept."""
        name = _checked_view_name(view.name)
        if name not in self.views and len(self.views) >= MAX_VIEWS:
            raise ValueError(f"a workspace keeps at most {MAX_VIEWS} views: delete one first")
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        kept = _view(name, _view_dict(replace(view, name=name, saved=stamp)))
        self.views[name] = kept
        return kept

    def remove_view(self, name: str) -> bool:
        """Forget the view ``name``; True when there was one."""
        return self.views.pop(name, None) is not None

    def annotation(self, event_id: str) -> Annotation:
        """The event's annotation (an empty one when it has none)."""
        return self.annotations.get(event_id, Annotation())

    def annotate(self, event_id: str, *, starred: bool | None = None, note: str | None = None,
                 tags: Iterable[str] | None = None, now: datetime | None = None) -> Annotation:
        """Change the event's star, note (``""`` removes it) or tags; returns the annotation as it now is."""
        _check_id(event_id, "event id")
        current = self.annotation(event_id)
        changes: dict[str, Any] = {}
        if starred is not None:
            changes["starred"] = starred
        if note is not None:
            changes["note"] = _checked_note(note, event_id) or None
        if tags is not None:
            changes["tags"] = _checked_tags(list(tags), event_id)
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        updated = replace(current, **changes, updated=stamp)
        if updated.is_empty:
            self.annotations.pop(event_id, None)
        else:
            self.annotations[event_id] = updated
        return updated

    def starred(self) -> set[str]:
        """The ids of the starred events."""
        return {event_id for event_id, found in self.annotations.items() if found.starred}

    def with_notes(self) -> set[str]:
        """The ids of the events with a note."""
        return {event_id for event_id, found in self.annotations.items() if found.note}


def workspace_path(database: Path) -> Path:
    """Where the workspace of ``database`` lives: beside it, its name followed by ``.workspace.json``."""
    return database.with_name(database.name + WORKSPACE_SUFFIX)


def load_workspace(database: Path) -> Workspace:
    """The workspace of ``database`` (an empty one when there is no file yet); WorkspaceError when it is damaged."""
    path = workspace_path(database)
    shown = display_path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Workspace(path)
    except OSError as error:
        raise WorkspaceError(f"{shown}: cannot be read ({error.strerror})") from None
    if size > MAX_WORKSPACE_BYTES:
        raise WorkspaceError(f"{shown}: is {size:,} bytes; a workspace may have at most {MAX_WORKSPACE_BYTES:,}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise WorkspaceError(f"{shown}: is not UTF-8 text: it is left as it is") from None
    except OSError as error:
        raise WorkspaceError(f"{shown}: cannot be read ({error.strerror})") from None
    annotations, views = _contents_of(text, shown)
    return Workspace(path, annotations, views)


def _contents_of(text: str, shown: str) -> tuple[dict[str, Annotation], dict[str, SavedView]]:
    members: dict[str, Any] = {}
    try:
        for member in read_members(iter((text,)), shown):
            members[member.key] = member.value if member.index is None else None  # no record lists here
    except DefenceTimelineError as error:  # not strict JSON: the reader says where
        raise WorkspaceError(f"{error} (the file is left as it is)") from None
    if members.get("format") != WORKSPACE_FORMAT:
        raise WorkspaceError(f'{shown}: is not a Defence Timeline workspace (expected "format": "{WORKSPACE_FORMAT}")')
    version = members.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise WorkspaceError(f"{shown}: field 'version': must be a whole number")
    if version > WORKSPACE_VERSION:
        raise WorkspaceError(f"{shown}: was written by a newer Defence Timeline (workspace version {version}); "
                             f"this one reads version {WORKSPACE_VERSION}: the file is left as it is")
    if version < 1:
        raise WorkspaceError(f"{shown}: field 'version': {version} is not a workspace version")
    unknown = set(members) - {"format", "version", "database", "annotations", "views"}
    if unknown:
        raise WorkspaceError(f"{shown}: unknown field {sorted(unknown)[0]!r}")
    found = members.get("annotations", {})
    if not isinstance(found, dict):
        raise WorkspaceError(f"{shown}: field 'annotations': must be an object, event id → annotation")
    if len(found) > MAX_ANNOTATIONS:
        raise WorkspaceError(f"{shown}: holds {len(found):,} annotations; at most {MAX_ANNOTATIONS:,}")
    annotations: dict[str, Annotation] = {}
    for event_id, value in found.items():
        try:
            annotations[event_id] = _annotation(event_id, value)
        except ValueError as error:
            raise WorkspaceError(f"{shown}: annotation of event {event_id[:80]!r}: {error}") from None
    found_views = members.get("views", {})
    if not isinstance(found_views, dict):
        raise WorkspaceError(f"{shown}: field 'views': must be an object, view name → view")
    if len(found_views) > MAX_VIEWS:
        raise WorkspaceError(f"{shown}: holds {len(found_views):,} views; at most {MAX_VIEWS:,}")
    views: dict[str, SavedView] = {}
    for name, value in found_views.items():
        try:
            views[name] = _view(_checked_view_name(name), value)
        except ValueError as error:
            raise WorkspaceError(f"{shown}: view {name[:80]!r}: {error}") from None
    return annotations, views


def _checked_view_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_VIEW_NAME:
        raise ValueError(f"a view's name is text of 1 to {MAX_VIEW_NAME} characters")
    if any(not char.isprintable() for char in name):
        raise ValueError("a view's name holds a control character")
    return name.strip()


def _view(name: str, value: object) -> SavedView:
    """A saved view as the file holds it, every field checked."""
    if not isinstance(value, Mapping):
        raise ValueError("must be an object")
    unknown = set(value) - _VIEW_KEYS
    if unknown:
        raise ValueError(f"field {sorted(unknown)[0]!r}: unknown field")
    try:
        event_filter = filter_from_dict(value.get("filter", {}))
    except ValueError as error:
        raise ValueError(f"field 'filter': {error}") from None
    linked_only = value.get("linked_only", False)
    if not isinstance(linked_only, bool):
        raise ValueError("field 'linked_only': must be true or false")
    window = value.get("window")
    if window is not None:
        if (not isinstance(window, list) or len(window) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) and abs(x) < _INSTANT_BOUND for x in window)
                or window[0] >= window[1]):
            raise ValueError("field 'window': must be [first, end], two instants in seconds, the first before the end")
        window = (window[0], window[1])
    lanes = value.get("lanes")
    if lanes is not None and lanes not in LANE_MODES:
        raise ValueError(f"field 'lanes': must be one of {', '.join(LANE_MODES)}")
    selection = value.get("selection", [])
    if not isinstance(selection, list) or len(selection) > MAX_VIEW_SELECTION:
        raise ValueError(f"field 'selection': must be a list of at most {MAX_VIEW_SELECTION:,} event ids")
    for event_id in selection:
        _check_id(event_id, "field 'selection': an event id")
    saved = value.get("saved")
    if saved is not None and not isinstance(saved, str):
        raise ValueError("field 'saved': must be an ISO 8601 time")
    return SavedView(name, event_filter, linked_only, window, lanes, tuple(dict.fromkeys(selection)), saved)


def _view_dict(view: SavedView) -> dict[str, Any]:
    found: dict[str, Any] = {"filter": filter_to_dict(view.event_filter)}
    if view.linked_only:
        found["linked_only"] = True
    if view.window is not None:
        found["window"] = [int(view.window[0]), int(view.window[1])]
    if view.lanes is not None:
        found["lanes"] = view.lanes
    if view.selection:
        found["selection"] = list(view.selection)
    if view.saved is not None:
        found["saved"] = view.saved
    return found


def _annotation(event_id: str, value: object) -> Annotation:
    _check_id(event_id, "event id")
    if not isinstance(value, Mapping):
        raise ValueError("must be an object")
    unknown = set(value) - _ANNOTATION_KEYS
    if unknown:
        raise ValueError(f"field {sorted(unknown)[0]!r}: unknown field")
    starred = value.get("starred", False)
    if not isinstance(starred, bool):
        raise ValueError("field 'starred': must be true or false")
    note = value.get("note")
    if note is not None and not isinstance(note, str):
        raise ValueError("field 'note': must be text")
    tags = value.get("tags", [])
    if not isinstance(tags, list):
        raise ValueError("field 'tags': must be a list of text")
    updated = value.get("updated")
    if updated is not None:
        if not isinstance(updated, str):
            raise ValueError("field 'updated': must be an ISO 8601 time")
        try:
            datetime.fromisoformat(updated.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"field 'updated': {updated[:40]!r} is not an ISO 8601 time") from None
    return Annotation(starred, _checked_note(note, event_id) or None, _checked_tags(tags, event_id), updated)


def _check_id(event_id: object, what: str) -> None:
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > MAX_ID_LENGTH:
        raise ValueError(f"{what}: must be text of 1 to {MAX_ID_LENGTH} characters")


def _checked_note(note: str | None, event_id: str) -> str:
    if note is None:
        return ""
    if len(note) > MAX_NOTE_LENGTH:
        raise ValueError(f"field 'note': is {len(note):,} characters long; a note may have at most {MAX_NOTE_LENGTH:,}")
    return note.strip()


def _checked_tags(tags: list[object], event_id: str) -> tuple[str, ...]:
    if len(tags) > MAX_ANALYST_TAGS:
        raise ValueError(f"field 'tags': {len(tags)} tags; an event may have at most {MAX_ANALYST_TAGS}")
    result: list[str] = []
    for number, tag in enumerate(tags, start=1):
        if not isinstance(tag, str) or not tag.strip() or len(tag) > MAX_ID_LENGTH:
            raise ValueError(f"field 'tags[{number}]': a tag is text of 1 to {MAX_ID_LENGTH} characters")
        if tag.strip() not in result:
            result.append(tag.strip())
    return tuple(result)


def save_workspace(workspace: Workspace, database: Path) -> None:
    """Write the workspace atomically beside ``database``, keeping the previous file as a backup."""
    path = workspace.path
    shown = display_path(path)
    data = {
        "format": WORKSPACE_FORMAT,
        "version": WORKSPACE_VERSION,
        "database": database.name,
        "annotations": {
            event_id: {key: value for key, value in (
                ("starred", True if found.starred else None), ("note", found.note),
                ("tags", list(found.tags) or None), ("updated", found.updated)) if value is not None}
            for event_id, found in sorted(workspace.annotations.items())
        },
    }
    if workspace.views:
        data["views"] = {name: _view_dict(view) for name, view in workspace.views.items()}
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():  # copied, so that a workspace file is there at every moment
            shutil.copyfile(path, path.with_name(path.name + BACKUP_SUFFIX))
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.errno == errno.ENOSPC:
            raise DiskFullError(f"{shown}: cannot be written: no space left on device") from None
        raise WorkspaceError(f"{shown}: cannot be written ({error.strerror or error}); the workspace is as it was") \
            from None

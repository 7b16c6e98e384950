"""The analyst's own layer beside a database: stars, notes and tags on events, kept in a workspace file.

For ``events.db`` the workspace is ``events.db.workspace.json`` in the same folder: viewing
never modifies the database, and annotations are keyed by event id, so they survive
re-imports (an annotation whose event is gone is kept, and shown again if the event returns).

The file is JSON (``"format": "defence-timeline-workspace"``, ``"version": 1``), read strictly
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
from viewer.store.json_stream import read_members
from viewer.store.validity import MAX_ID_LENGTH

WORKSPACE_FORMAT = "defence-timeline-workspace"
WORKSPACE_VERSION = 1
WORKSPACE_SUFFIX = ".workspace.json"
BACKUP_SUFFIX = ".bak"
MAX_WORKSPACE_BYTES = 64 * 1024 * 1024  # about 100,000 notes of a page each
MAX_ANNOTATIONS = 1_000_000
MAX_NOTE_LENGTH = 20_000
MAX_ANALYST_TAGS = 50
_ANNOTATION_KEYS = frozenset({"starred", "note", "tags", "updated"})


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


@dataclass
class Workspace:
    """The annotations of one database, by event id."""

    path: Path
    annotations: dict[str, Annotation] = field(default_factory=dict)

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
    return Workspace(path, _annotations_of(text, shown))


def _annotations_of(text: str, shown: str) -> dict[str, Annotation]:
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
    unknown = set(members) - {"format", "version", "database", "annotations"}
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
    return annotations


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

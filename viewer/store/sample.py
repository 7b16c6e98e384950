"""The bundled sample dataset: its JSON source and the database built from it on first use."""

from __future__ import annotations

import hashlib
import tempfile
from importlib import resources
from pathlib import Path

import platformdirs

from viewer.store.importer import import_files

SAMPLE_JSON_NAME = "nato-june-2023.json"


def sample_json_path() -> Path:
    """The bundled interchange file: inside the installed package, or in a source checkout."""
    try:
        resource = resources.files("viewer.sample_data") / SAMPLE_JSON_NAME
    except ModuleNotFoundError:  # running from the repository, where it sits at the top level
        return Path(__file__).resolve().parents[2] / "sample_data" / SAMPLE_JSON_NAME
    return Path(str(resource))


def sample_database_path(data_dir: Path | None = None) -> Path:
    """The sample database, built with the project's own import when missing or outdated.

    The file name carries a hash of the JSON, so a changed dataset builds a new file. It lives
    in the user's data folder (or a temporary folder when that cannot be written).
    """
    source = sample_json_path()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    for folder in _candidate_folders(data_dir):
        target = folder / f"sample-{digest}.db"
        if target.is_file():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            import_files([source], target)
        except OSError:
            continue
        return target
    raise OSError("no writable folder for the sample database")


def _candidate_folders(data_dir: Path | None) -> list[Path]:
    if data_dir is not None:
        return [data_dir]
    return [
        Path(platformdirs.user_data_dir("defence-timeline", appauthor=False)),
        Path(tempfile.gettempdir()) / "defence-timeline",
    ]

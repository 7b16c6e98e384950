"""Small file-system helpers shared by import and export."""

from __future__ import annotations

import os
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def give_new_file_permissions(path: Path) -> None:
    """Give a file made by ``mkstemp`` (always 0600) the permissions of an ordinary new file."""
    with _UMASK_LOCK:
        umask = os.umask(0o022)
        os.umask(umask)
    os.chmod(path, 0o666 & ~umask)

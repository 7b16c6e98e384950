"""An installed (non-editable) copy carries the sample data and every package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_contains_the_sample_and_all_modules(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("defence_timeline-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "viewer/sample_data/nato-june-2023.json" in names
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "viewer").rglob("*.py")}
    assert sources <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "defence-timeline = viewer.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

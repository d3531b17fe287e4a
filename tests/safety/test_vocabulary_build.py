"""The committed vocabulary is exactly what ``scripts/build_vocabulary.py`` builds from the public
value sets in ``../shared/data`` (so the data can be refreshed, and nobody edits it by hand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
COMMITTED = REPO / "src" / "ldnderm" / "data" / "safety" / "vocabulary"


def test_the_build_reproduces_the_committed_vocabulary(tmp_path: Path) -> None:
    if not (SHARED / "opioid-valuesets").is_dir():
        pytest.skip(f"the public value sets are not at {SHARED} (they sit beside the repository)")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_vocabulary.py"), str(SHARED),
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name in ("valuesets.yaml", "non_opioids.yaml"):
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), name

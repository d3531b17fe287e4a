"""The knowledge-base version: a release number plus a content hash of every data file.

Every computed result records this string (for example ``2026.11.0+3f9c1a2b4d5e``), so a stored
score or screening can be traced to the exact data it was computed from. The hash covers the
relative path and bytes of every file under ``ldnderm/data/``, so any data change shows.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""``src/ldnderm/data``: every clinical fact the product uses, as YAML."""


def tree_hash(data_dir: Path) -> str:
    """SHA-256 (first 12 hex digits) over every file's path (relative to ``data_dir``) and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


@cache
def content_hash() -> str:
    """SHA-256 (first 12 hex digits) over every data file's relative path and bytes."""
    return tree_hash(DATA_DIR)


@cache
def release() -> str:
    """The human release number of the knowledge base (``data/RELEASE``)."""
    return (DATA_DIR / "RELEASE").read_text(encoding="utf-8").strip()


def knowledge_version() -> str:
    """``<release>+<content hash>``, the string every result records."""
    return f"{release()}+{content_hash()}"

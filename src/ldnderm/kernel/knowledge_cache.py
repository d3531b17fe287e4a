"""A JSON cache of the parsed data files, so that a fresh process need not import and run the
YAML parser for the knowledge it reads.

Entries live in ``<cache dir>/knowledge-<key>/`` where the key is the knowledge content hash
(:func:`ldnderm.kernel.version.content_hash`, over every data file's path and bytes): any change
to any data file gives a new key, so a stale entry is never read. Each entry also records its key
and the file's relative path; an entry that is unreadable, corrupt or for another key is ignored
and the YAML is parsed again. A document that JSON cannot hold exactly (dates, non-string keys)
is never cached. Writes are atomic (temporary file, then rename), and a cache directory that
cannot be written only costs the speed-up.

The directory is ``$LDNDERM_CACHE_DIR`` when set (empty turns the cache off), else
``$XDG_CACHE_HOME/ldnderm``, else ``~/.cache/ldnderm``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1


def default_cache_dir() -> Path | None:
    """Where the cache lives, or None when ``LDNDERM_CACHE_DIR`` is set empty (cache off)."""
    configured = os.environ.get("LDNDERM_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ldnderm"


class KnowledgeCache:
    """Parsed documents of the files under ``data_dir``, cached for one knowledge ``key``."""

    def __init__(self, data_dir: Path, directory: Path, key: str) -> None:
        self.data_dir = data_dir.resolve()
        self.key = key
        self.directory = directory / f"knowledge-{key}"

    def _entry(self, path: Path) -> tuple[str, Path] | None:
        try:
            rel = path.resolve().relative_to(self.data_dir).as_posix()
        except ValueError:
            return None  # not a shipped data file
        return rel, self.directory / (rel.replace("/", "__") + ".json")

    def get(self, path: Path) -> tuple[bool, Any]:
        """``(True, document)`` on a valid hit, else ``(False, None)``."""
        entry = self._entry(path)
        if entry is None:
            return False, None
        rel, file = entry
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False, None
        if (
            not isinstance(record, dict)
            or record.get("format") != FORMAT
            or record.get("key") != self.key
            or record.get("path") != rel
            or "document" not in record
        ):
            return False, None
        return True, record["document"]

    def put(self, path: Path, document: Any) -> bool:
        """Store ``document``; False when it is not cacheable or cannot be written."""
        entry = self._entry(path)
        if entry is None:
            return False
        rel, file = entry
        record = {"format": FORMAT, "key": self.key, "path": rel, "document": document}
        try:
            text = json.dumps(record, ensure_ascii=False)
        except (TypeError, ValueError):
            return False  # e.g. a date: JSON cannot hold it
        if json.loads(text)["document"] != document:
            return False  # e.g. integer mapping keys would come back as strings
        try:
            import tempfile  # only a miss pays for it

            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(tmp, file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return False
        return True

"""A JSON cache of the parsed data files, so that a fresh process need not import and run the
YAML parser for the knowledge it reads.

Entries live in ``<cache dir>/knowledge-<key>/`` where the key is the knowledge content hash
(:func:`ldnderm.kernel.version.content_hash`, over every data file's path and bytes): any change
to any data file gives a new key, so a stale entry is never read. Each entry also records its key
and the file's relative path; an entry that is unreadable, corrupt or for another key is ignored
and the YAML is parsed again. A mapping with non-string keys (``0: "no itch"``) is stored as
``{"$map": [[key, value], ...]}``; a document that still does not come back exactly equal (a
date, say) is never cached. Writes are atomic (temporary file, then rename), and a cache
directory that cannot be written only costs the speed-up.

The directory is ``$LDNDERM_CACHE_DIR`` when set (empty turns the cache off), else
``$XDG_CACHE_HOME/ldnderm``, else ``~/.cache/ldnderm``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FORMAT = 2
_MAP = "$map"


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_MAP: [[k, _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode_object(pairs: dict[str, Any]) -> Any:
    if len(pairs) == 1 and isinstance(pairs.get(_MAP), list):
        return {k: v for k, v in pairs[_MAP]}
    return pairs


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_decode_object)


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
            record = _loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
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
        record = {"format": FORMAT, "key": self.key, "path": rel, "document": _encode(document)}
        try:
            text = json.dumps(record, ensure_ascii=False)
            exact = _loads(text)["document"] == document
        except (TypeError, ValueError):
            return False  # e.g. a date: JSON cannot hold it
        if not exact:
            return False  # e.g. a float key would come back as a string
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

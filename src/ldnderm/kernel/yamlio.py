"""Reading the YAML data files: one safe loader (libyaml's when installed), one error.

Shipped data files (under ``ldnderm/data``) are served from the knowledge cache when it holds
them for the current knowledge hash (see :mod:`ldnderm.kernel.knowledge_cache`); PyYAML is
imported only when a file has to be parsed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.knowledge_cache import KnowledgeCache, default_cache_dir


@cache
def _knowledge_cache() -> KnowledgeCache | None:
    from ldnderm.kernel.version import DATA_DIR, content_hash

    directory = default_cache_dir()
    return None if directory is None else KnowledgeCache(DATA_DIR, directory, content_hash())


def parse_yaml(path: Path) -> Any:
    """The parsed document at ``path``, always from the file itself."""
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeDataError(f"data file {path.name}: {exc}") from exc


def load_yaml(path: Path) -> Any:
    """The parsed document at ``path``; a missing or malformed file is a
    :class:`KnowledgeDataError` naming the file (shipped data is at fault, not the user)."""
    knowledge = _knowledge_cache()
    if knowledge is None:
        return parse_yaml(path)
    hit, document = knowledge.get(path)
    if hit:
        return document
    document = parse_yaml(path)
    knowledge.put(path, document)
    return document

"""Reading the YAML data files: one safe loader (libyaml's when installed), one error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ldnderm.kernel.errors import KnowledgeDataError

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """The parsed document at ``path``; a missing or malformed file is a
    :class:`KnowledgeDataError` naming the file (shipped data is at fault, not the user)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeDataError(f"data file {path.name}: {exc}") from exc

"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ldnderm import __version__


def site(request: HttpRequest) -> dict[str, Any]:
    from ldnderm.kernel.version import knowledge_version

    return {"ldnderm_version": __version__, "knowledge_version": knowledge_version()}

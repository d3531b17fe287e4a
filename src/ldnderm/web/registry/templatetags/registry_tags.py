"""Template helpers of the registry pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """``mapping[key]`` or ``""`` (for posted form values and name look-ups)."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def shown_result(assessment: Any) -> dict[str, Any]:
    """The assessment's result as a page shows it ("cannot be scored: ..." for a stored row that
    no longer scores; :mod:`ldnderm.web.registry.scoring`)."""
    from ldnderm.web.registry import scoring

    return scoring.shown_result(assessment)


@register.filter
def get_list(mapping: Any, key: str) -> list[str]:
    """All posted values of ``key`` (checkboxes), or ``[]``."""
    getlist = getattr(mapping, "getlist", None)
    return list(getlist(key)) if getlist else []

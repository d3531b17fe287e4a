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


ANSWER_WORDS = {"not_relevant": "not relevant"}
"""Answer codes a form shows in words (the code is still what is posted)."""


@register.filter
def answer_label(code: object) -> str:
    """The words for an answer code on a measure's form: ``not_relevant`` -> ``not relevant``."""
    return ANSWER_WORDS.get(str(code), str(code))

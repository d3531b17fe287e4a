"""Safety screening before naltrexone: a patient profile in, cited findings out.

    >>> from ldnderm import safety
    >>> profile = {"as_of": "2026-03-01", "medications": [{"name": "tramadol"}]}
    >>> safety.screen_document(profile).verdict
    'contraindicated'

The rules, the opioid code list and their sources are data under
``data/safety/``; :mod:`ldnderm.safety.triggers` holds the registry of trigger kinds
the rules may use, and :mod:`ldnderm.safety.engine` evaluates every rule for every profile.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ldnderm.kernel.plausible import check_year
from ldnderm.safety.engine import Finding, ScreenResult, screen
from ldnderm.safety.fhir import is_bundle, profile_from_bundle, profile_from_resources
from ldnderm.safety.profile import Profile, read_profile

__all__ = [
    "Finding",
    "Profile",
    "ScreenResult",
    "is_bundle",
    "profile_from_bundle",
    "profile_from_resources",
    "read_profile",
    "screen",
    "screen_document",
]


def screen_document(data: Any, as_of: date | None = None) -> ScreenResult:
    """Screen a parsed JSON document: a FHIR Bundle or a JSON profile, detected automatically.

    ``as_of`` overrides the evaluation date (a Bundle carries none; default today); it must
    lie in the years 1900-2100 like every input date.
    """
    if as_of is not None:
        check_year(as_of, "as_of")
    if is_bundle(data):
        return screen(profile_from_bundle(data, as_of=as_of), profile_source="fhir")
    return screen(read_profile(data, as_of=as_of), profile_source="json")

"""Profile documents shared by the safety tests."""

from __future__ import annotations

from typing import Any

AS_OF = "2026-03-01"

COMPLETE: dict[str, Any] = {
    "as_of": AS_OF,
    "medications": [],
    "allergies": [],
    "hepatic": "normal",
    "renal": "normal",
    "planned_procedures": [],
    "opioid_use_disorder_history": False,
    "planned_dose_mg": 4.5,
    "pregnant": False,
    "breastfeeding": False,
}
"""Every required fact stated, and nothing of note: screens ``ok``."""


def complete(**over: Any) -> dict[str, Any]:
    """:data:`COMPLETE` with ``over`` laid over it; a value of ``None`` removes the key."""
    doc = COMPLETE | over
    return {k: v for k, v in doc.items() if v is not None}

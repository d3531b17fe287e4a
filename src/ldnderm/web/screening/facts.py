"""The required screening facts, asked explicitly (yes / no / not known), and the gate that keeps
a plan away from a ``hold`` or ``contraindicated`` verdict. Shared by the screening page and the
registry's course start.

A fact left at "not known" is left out of the profile document: an absent key means unknown to
``ldnderm.safety``, never "no". Only answered facts are written.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ldnderm.safety import profile

REQUIRED_FACTS = (*profile.REQUIRED_FACTS, *profile.PREGNANCY_FACTS)
"""The required facts, in the order ``ScreenResult.not_checked`` lists them."""

FACT_LABELS = {
    "medications": "current or recent medicines",
    "allergies": "allergies and hypersensitivity",
    "hepatic": "liver status",
    "renal": "kidney status",
    "planned_procedures": "planned procedures (opioid analgesia)",
    "opioid_use_disorder_history": "history of opioid use disorder",
    "planned_dose_mg": "planned naltrexone dose",
    "pregnant": "pregnancy",
    "breastfeeding": "breastfeeding",
}

BLOCKING = frozenset({"hold", "contraindicated"})
"""Verdicts that replace the plan and the prescription with their reasons, in every door."""

YES_NO_UNKNOWN = [("", "not known"), ("yes", "yes"), ("no", "no")]
MEDICATIONS = [
    ("", "not known (not asked)"),
    ("none", "takes no medicines"),
    ("listed", "takes the medicines listed"),
]
ALLERGIES = [
    ("", "not asked"),
    ("none", "none known"),
    ("listed", "the allergies listed"),
]
PROCEDURES = [("", "not known"), ("none", "none planned"), ("listed", "the procedures listed")]
HEPATIC = [
    ("", "not known"),
    ("normal", "normal"),
    ("mild", "mild impairment"),
    ("moderate", "moderate impairment"),
    ("severe", "severe impairment"),
    ("acute_hepatitis", "acute hepatitis"),
    ("liver_failure", "liver failure"),
]
RENAL = [
    ("", "not known"),
    ("normal", "normal"),
    ("mild", "mild impairment"),
    ("moderate", "moderate impairment"),
    ("severe", "severe impairment"),
    ("dialysis", "on dialysis"),
]


def radio(label: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    """A question answered by one radio button; the first choice ("not known") is the default."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        initial=choices[0][0],
        widget=forms.RadioSelect,
        **kwargs,
    )


def tristate(value: str | None) -> bool | None:
    """``"yes"`` -> True, ``"no"`` -> False, anything else (not known) -> None."""
    return {"yes": True, "no": False}.get(value or "")


def not_checked(result: Any, document: Any) -> list[str]:
    """The required facts the screen could not check.

    ``ScreenResult.not_checked`` when the engine gives it; otherwise (an engine from before the
    issue 10 contract) the required keys absent from a JSON ``document``, so a door never
    presents a screen of an empty form as complete.
    """
    given = getattr(result, "not_checked", None)
    if given is not None:
        return list(given)
    if not isinstance(document, dict) or document.get("resourceType") == "Bundle":
        return []
    missing = [k for k in REQUIRED_FACTS if document.get(k) is None]
    if document.get("sex") == "male" or _age_outside(document.get("age")):
        missing = [k for k in missing if k not in ("pregnant", "breastfeeding")]
    return missing


def _age_outside(age: Any) -> bool:
    return isinstance(age, int) and not 12 <= age <= 55


def shown_verdict(verdict: str, unchecked: list[str]) -> str:
    """The verdict a door shows: never ``ok`` while a required fact is unchecked."""
    return "not established" if verdict == "ok" and unchecked else verdict


def plan_allowed(verdict: str) -> bool:
    """Whether a plan, an order or a prescription may follow a screen with this verdict."""
    return verdict not in BLOCKING

"""The registry's port onto the clinical core: conditions (``ldnderm.evidence``), safety
screening (``ldnderm.safety``) and dosing plans (``ldnderm.dosing``).

The registry stores what these return as JSON snapshots; this module is the only place that
knows their Python types, so a change in the core touches one file here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ldnderm.kernel.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ConditionChoice:
    id: str
    name: str
    recommended_measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Screening:
    """A screening run: verdict (ok, caution, hold, contraindicated), findings as JSON."""

    verdict: str
    findings: list[dict[str, Any]]
    profile: dict[str, Any]
    knowledge_version: str
    not_checked: list[str] = field(default_factory=list)
    """The required facts the screen could not check (absent from the profile)."""

    def with_severity(self, *severities: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("severity") in severities]


@dataclass(frozen=True)
class PlanStep:
    starts_on: dt.date
    mg_per_day: Decimal
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """A proposed titration: dated steps in mg/day, the formulation and the protocol id."""

    protocol_id: str
    formulation: str
    steps: list[PlanStep]
    notes: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "protocol_id": self.protocol_id,
            "formulation": self.formulation,
            "steps": [
                {
                    "starts_on": s.starts_on.isoformat(),
                    "mg_per_day": float(s.mg_per_day),
                    "note": s.note,
                }
                for s in self.steps
            ],
            "notes": self.notes,
            "detail": self.detail,
        }


def conditions() -> list[ConditionChoice]:
    """The knowledge base's conditions, in its order."""
    from ldnderm import evidence

    return [
        ConditionChoice(c.id, c.name, tuple(c.recommended_measures)) for c in evidence.conditions()
    ]


def protocols() -> list[tuple[str, str]]:
    """Dosing protocol ids and labels (``data/dosing/protocols.yaml``)."""
    from ldnderm.dosing.data import protocols as load

    return [(p.id, p.label) for p in load().protocols]


def check_condition(condition_id: str) -> None:
    """Raise NotFound unless ``condition_id`` is a knowledge-base condition id."""
    known = {c.id for c in conditions()}
    if condition_id not in known:
        raise NotFound("condition", condition_id, sorted(known)[:3])


def condition_names() -> dict[str, str]:
    return {c.id: c.name for c in conditions()}


def screen(profile: dict[str, Any], as_of: dt.date) -> Screening:
    """Screen a profile document (the JSON ``ldnderm screen`` reads) as of the start date.

    ``Screening.profile`` is the document as given, with ``as_of`` set: absent facts stay absent
    (unknown), so a later re-screen (``ldnderm registry rescreen``) reads the same facts.
    Raises InvalidInput (naming the field) for a malformed profile."""
    from ldnderm import safety

    parsed = safety.read_profile(profile, as_of=as_of)
    result = safety.screen(parsed)
    return Screening(
        verdict=result.verdict,
        findings=[f.model_dump(mode="json") for f in result.findings],
        profile={**profile, "as_of": as_of.isoformat()},
        knowledge_version=result.knowledge_version,
        not_checked=_not_checked(result, profile),
    )


def rescreen(profile: dict[str, Any]) -> Screening:
    """Screen a stored profile again under the current knowledge base (same facts, same
    ``as_of``). Raises InvalidInput when the stored document no longer reads."""
    from ldnderm import safety

    result = safety.screen(safety.read_profile(profile))
    return Screening(
        verdict=result.verdict,
        findings=[f.model_dump(mode="json") for f in result.findings],
        profile=profile,
        knowledge_version=result.knowledge_version,
        not_checked=_not_checked(result, profile),
    )


def severity(verdict: str) -> int:
    """How severe a verdict is (``ldnderm.safety.engine.SEVERITY_ORDER``; unknown text: 0)."""
    from ldnderm.safety.engine import SEVERITY_ORDER

    return SEVERITY_ORDER.get(verdict, 0)


def _not_checked(result: Any, profile: dict[str, Any]) -> list[str]:
    from ldnderm.web.screening.facts import not_checked

    return not_checked(result, profile)


def target_mg(plan: Plan) -> Decimal | None:
    """The plan's target dose in mg/day (the planned dose the start is screened for)."""
    raw = plan.detail.get("target_mg")
    try:
        return None if raw is None else Decimal(str(raw))
    except ArithmeticError:
        return None


def plan(
    condition_id: str,
    protocol_id: str,
    start: dt.date,
    profile: dict[str, Any] | None = None,
) -> Plan:
    """The titration plan of ``ldnderm.dosing`` for a condition (and protocol, when chosen)
    starting on ``start``; the planned procedures of the screening ``profile`` put hold windows
    into it. Raises NotFound or InvalidInput (no dosing evidence for the condition, unknown
    protocol, a malformed profile)."""
    from ldnderm import dosing
    from ldnderm.safety.profile import read_profile

    procedures = read_profile(profile, start).planned_procedures if profile else []
    proposed = dosing.plan(condition_id, start, protocol_id or None, procedures=procedures)
    steps = [
        PlanStep(
            s.start,
            s.dose_mg,
            f"until {s.end.day} {s.end:%b %Y}" if s.end else f"continue ({s.timing})",
        )
        for s in proposed.steps
    ]
    notes = [n for n in (proposed.protocol_label, proposed.note, proposed.labs) if n]
    return Plan(
        protocol_id=proposed.protocol,
        formulation=f"{proposed.target_mg.normalize():f} mg target, {proposed.timing}",
        steps=steps,
        notes=notes,
        detail=proposed.model_dump(mode="json"),
    )


ORDER_FORMS = ("liquid", "capsule")


def compounding_order(
    plan_json: dict[str, Any], days: int, form: str, on: dt.date
) -> dict[str, Any]:
    """The compounding order (``ldnderm.dosing.compound_plan``) for ``days`` days of a stored
    plan (``Plan.as_json()``), from ``on`` or the plan's start if later: steps already over are
    left out. Raises InvalidInput naming ``days`` or ``form``, or ``plan`` for a course without
    a stored plan."""
    from ldnderm import dosing
    from ldnderm.dosing.plan import Plan as DosingPlan

    if form not in ORDER_FORMS:
        raise InvalidInput("form", f"unexpected value {form!r}", " or ".join(ORDER_FORMS))
    try:
        proposed = DosingPlan.model_validate(plan_json["detail"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("plan", "this course has no stored dosing plan") from exc
    start = max(proposed.steps[0].start, on)
    steps = [
        s.model_copy(update={"start": max(s.start, start)})
        for s in proposed.steps
        if s.end is None or s.end >= start
    ]
    current = proposed.model_copy(update={"steps": steps})
    order = dosing.compound_plan(
        current, days, "capsule" if form == "capsule" else "liquid", compounded_on=on
    )
    return order.model_dump(mode="json")

"""The screening engine: every rule of the knowledge base evaluated against one profile.

Output: a :class:`ScreenResult` whose ``verdict`` is the most severe finding
(``contraindicated`` > ``hold`` > ``caution`` > ``ok``), the ``findings`` of every rule that fired
(none stops the others), the ids of all rules evaluated, and the knowledge-base version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar

from pydantic import Field, field_serializer

from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.kernel.version import knowledge_version
from ldnderm.safety.data import RuleDef, Severity, Source, load
from ldnderm.safety.profile import LabResult, Profile
from ldnderm.safety.triggers import evaluate

LAB_NOTE = (
    "Shown without a verdict: no label or guideline seen gives a threshold for starting or "
    "stopping naltrexone on these values."
)


class _HasSeverity(Protocol):
    @property
    def severity(self) -> str: ...


FindingT = TypeVar("FindingT", bound=_HasSeverity)

SEVERITY_ORDER: dict[str, int] = {"ok": 0, "caution": 1, "hold": 2, "contraindicated": 3}
"""How severe each verdict is, least first: the one definition every door sorts by."""


def most_severe_first(findings: Sequence[FindingT]) -> list[FindingT]:
    """``findings`` sorted most severe first (stable: rule order within a severity)."""
    return sorted(findings, key=lambda f: -SEVERITY_ORDER.get(f.severity, 0))


class Finding(_Frozen):
    """One fired rule: what it says, what in the profile fired it, and the sources behind it.

    ``source_quality`` is the rule's own grading (strong, moderate, weak); ``evidence_note``
    explains it, and is repeated at the end of ``message`` so a weak basis is never hidden.
    """

    rule: str
    title: str
    severity: Literal["contraindicated", "hold", "caution"]
    text: str
    """The rule's message alone."""
    message: str
    """``text`` followed by the evidence-quality note, for readers that show one string."""
    patient_message: str
    evidence: list[str]
    sources: list[Source]
    source_quality: Literal["strong", "moderate", "weak"]
    evidence_note: str | None = None


class ScreenResult(_Frozen):
    verdict: Severity
    findings: list[Finding]
    rules_evaluated: list[str]
    as_of: date
    planned_dose_mg: Decimal | None = None
    dose_band: Literal["low", "standard", "unknown"]
    knowledge_version: str
    profile_source: Literal["json", "fhir"] = "json"
    notes: list[str] = Field(default_factory=list)
    not_checked: list[str] = Field(default_factory=list)
    lab_values: list[LabResult] = Field(default_factory=list)
    """Laboratory values as given, shown without a verdict (:data:`LAB_NOTE`)."""
    """Required facts the profile did not state; the verdict is never ``ok`` while any is."""

    @field_serializer("planned_dose_mg")
    def _dose(self, value: Decimal | None) -> Any:
        return None if value is None else float(value)


def screen(profile: Profile, profile_source: Literal["json", "fhir"] = "json") -> ScreenResult:
    """Evaluate every safety rule against ``profile`` (except rules marked unverified: they have
    no primary or secondary source, so they are kept out of computed results).

    Findings keep the order of the rules in ``rules.yaml``; the verdict is the most severe.
    """
    knowledge = load()
    findings = []
    for rule in knowledge.rules.evaluated:
        evidence = evaluate(rule.trigger, profile)
        if evidence:
            findings.append(_finding(rule, evidence, knowledge.cite(rule.sources)))
    verdict: Severity = "ok"
    for f in findings:
        if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[verdict]:
            verdict = f.severity
    return ScreenResult(
        verdict=verdict,
        findings=findings,
        rules_evaluated=[r.id for r in knowledge.rules.evaluated],
        as_of=profile.as_of,
        planned_dose_mg=profile.planned_dose_mg,
        dose_band=profile.dose_band,
        knowledge_version=knowledge_version(),
        profile_source=profile_source,
        not_checked=profile.unstated(),
        lab_values=profile.lab_values,
    )


def _finding(rule: RuleDef, evidence: list[str], sources: list[Source]) -> Finding:
    params = {
        k: (f"{v.normalize():f}" if isinstance(v, Decimal) else v)
        for k, v in rule.trigger.model_dump().items()
        if isinstance(v, int | str | Decimal)
    }
    text = rule.message.format(**params)
    message = text
    if rule.evidence_note:
        message += f" Evidence quality: {rule.source_quality}. {rule.evidence_note}"
    return Finding(
        rule=rule.id,
        title=rule.title,
        severity=rule.severity,
        text=text,
        message=message,
        patient_message=rule.patient_message,
        evidence=evidence,
        sources=sources,
        source_quality=rule.source_quality,
        evidence_note=rule.evidence_note,
    )

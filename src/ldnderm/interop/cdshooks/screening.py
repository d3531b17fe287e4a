"""The ports the card builders use, and their default adapters onto the domain core.

Cards are built from two things: a safety screening (:mod:`ldnderm.safety`) and the evidence
for the patient's conditions (:mod:`ldnderm.evidence`). Both are reached through the small
protocols below, so the card layer can be tested with plain fakes and the core never learns
that it was called from a CDS Hooks door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from ldnderm.interop.cdshooks.patient import ConditionCode, PatientData
from ldnderm.kernel.errors import LdnDermError

if TYPE_CHECKING:
    from ldnderm.evidence.models import Condition
    from ldnderm.evidence.store import KnowledgeBase


class SourceLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def url(self) -> str | None: ...


class FindingLike(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def evidence(self) -> Sequence[str]: ...
    @property
    def sources(self) -> Sequence[SourceLike]: ...


class ScreeningLike(Protocol):
    @property
    def verdict(self) -> str: ...
    @property
    def findings(self) -> Sequence[FindingLike]: ...
    @property
    def rules_evaluated(self) -> Sequence[str]: ...
    @property
    def knowledge_version(self) -> str: ...
    @property
    def notes(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Reference:
    label: str
    url: str


@dataclass(frozen=True)
class ConditionEvidence:
    """What the knowledge base says about naltrexone for one of the patient's conditions.

    ``grade`` is the computed level (``high`` ... ``very_low``, ``none``); ``regimens`` are short
    dose statements from the studies; ``reference`` is the first study link.
    """

    condition_id: str
    name: str
    grade: str
    grade_reason: str
    certainty: str
    """Certainty and direction in one line ("Low certainty; the only trial found no benefit")."""
    summary: str
    regimens: tuple[str, ...]
    reference: Reference | None


class Screener(Protocol):
    def screen(self, patient: PatientData) -> ScreeningLike: ...

    def evidence(self, conditions: Sequence[ConditionCode]) -> list[ConditionEvidence]: ...


class DomainScreener:
    """The production adapter: :mod:`ldnderm.safety` and :mod:`ldnderm.evidence`."""

    def screen(self, patient: PatientData) -> ScreeningLike:
        from ldnderm import safety
        from ldnderm.safety.fhir import facts_from_resources, read_fhir_facts
        from ldnderm.safety.profile import Procedure, read_profile

        if patient.resources is not None:  # validated once already, resource by resource
            facts = facts_from_resources(patient.resources, as_of=patient.as_of)
        else:
            facts = read_fhir_facts(patient.bundle, as_of=patient.as_of)
        profile = read_profile(facts.document, as_of=patient.as_of)
        update: dict[str, object] = {}
        if patient.planned_dose_mg is not None:
            update["planned_dose_mg"] = Decimal(str(patient.planned_dose_mg))
        if patient.procedures:
            update["planned_procedures"] = [
                *profile.planned_procedures,
                *(
                    Procedure(
                        date=p.day,
                        description=p.description,
                        opioid_analgesia_expected=p.opioid_analgesia_expected,
                    )
                    for p in patient.procedures
                ),
            ]
        update["stated"] = _stated(profile.stated, patient)
        profile = profile.model_copy(update=update)
        result = safety.screen(profile, profile_source="fhir")
        # What the FHIR reader could not read goes on the incomplete card.
        screened: ScreeningLike = result.model_copy(update={"notes": [*facts.not_read]})
        return screened

    def evidence(self, conditions: Sequence[ConditionCode]) -> list[ConditionEvidence]:
        from ldnderm import evidence
        from ldnderm.evidence.presenters import certainty_summary

        try:
            kb = evidence.base()
        except LdnDermError:
            return []  # the safety cards do not depend on it; a broken KB is caught in CI
        index = _index(kb)
        known = _EVIDENCE.setdefault(id(kb), {})
        found: dict[str, ConditionEvidence] = {}
        for code in conditions:
            for condition in index.get((code.system, _norm(code.code)), ()):
                if condition.id in found:
                    continue
                item = known.get(condition.id)
                if item is None:  # built once per knowledge base and condition
                    grade = kb.grade_of(condition.id)
                    first_url = None
                    for study_id in condition.studies:
                        first_url = kb.sources.get(study_id).link
                        break
                    item = known[condition.id] = ConditionEvidence(
                        condition_id=condition.id,
                        name=condition.name,
                        grade=grade.level,
                        grade_reason=grade.reason,
                        certainty=certainty_summary(grade),
                        summary=condition.clinician_summary.text,
                        regimens=tuple(f"{r.label}: {r.dose}" for r in condition.regimens),
                        reference=Reference(f"ldnderm evidence: {condition.name}", first_url)
                        if first_url
                        else None,
                    )
                found[condition.id] = item
        return list(found.values())


_LISTS_FROM_PREFETCH = {"allergies": "allergies", "planned_procedures": "plannedProcedures"}
"""Profile lists stated by a prefetch key: present (even as an empty Bundle) means the EHR was
asked and answered; missing means not checked."""


_MEDICATION_KEYS = ("medicationRequests", "medicationStatements")


def _stated(stated: frozenset[str], patient: PatientData) -> frozenset[str]:
    """What the hook's data state: the medicines when their prefetch keys could be read (they
    are required, so a hook without them never reaches the screen; a key fetched but unreadable
    leaves them unknown), the lists whose prefetch key answered, and the planned dose when the
    order gives one. Everything else stays as the FHIR reader found it."""
    unread = {key for key, _ in patient.unreadable} | set(patient.missing)
    facts = set(stated) - set(_LISTS_FROM_PREFETCH) - {"medications"}
    if not unread.intersection(_MEDICATION_KEYS):
        facts.add("medications")
    facts |= {fact for fact, key in _LISTS_FROM_PREFETCH.items() if key not in unread}
    if patient.planned_dose_mg is not None:
        facts.add("planned_dose_mg")
    return frozenset(facts)


def _norm(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").casefold().split())


_INDEXES: dict[int, dict[tuple[str, str], tuple[Condition, ...]]] = {}
_EVIDENCE: dict[int, dict[str, ConditionEvidence]] = {}
"""ConditionEvidence by knowledge base (its id, as ``_INDEXES``) and condition id."""


def _index(kb: KnowledgeBase) -> dict[tuple[str, str], tuple[Condition, ...]]:
    """(system, normalised code or name) -> conditions; exact matches only, built once per KB.

    ICD-10-CM codes shared by several conditions (Q82.8: Hailey-Hailey and Darier) map to all of
    them; free-text conditions match an id, name or synonym exactly, never a near miss.
    """
    cached = _INDEXES.get(id(kb))
    if cached is not None:
        return cached
    index: dict[tuple[str, str], list[Condition]] = {}
    for condition in kb.conditions.values():
        keys = [("icd10cm", _norm(c.code)) for c in condition.icd10cm]
        keys += [("snomed", _norm(s.id)) for s in condition.snomed]
        names = [condition.id, condition.name, *condition.names, *condition.synonyms]
        keys += [("text", _norm(n)) for n in names]
        for key in keys:
            owners = index.setdefault(key, [])
            if condition not in owners:
                owners.append(condition)
    frozen = {k: tuple(v) for k, v in index.items()}
    _INDEXES.clear()
    _INDEXES[id(kb)] = frozen
    _EVIDENCE.clear()  # a new knowledge base: what was built from the old one goes
    return frozen

"""JSON-ready views of the knowledge base, shared by the CLI, the HTTP API and the web pages.

Every view of a condition carries ``knowledge_version`` so an answer can be traced to the data it
came from.
"""

from __future__ import annotations

from typing import Any

from ldnderm.evidence.grading import DESIGN_LABELS, Grade, excluded_because
from ldnderm.evidence.models import Code, Condition, SnomedCode, Sourced, Study
from ldnderm.evidence.store import KnowledgeBase
from ldnderm.kernel.sources import Source, source_view
from ldnderm.kernel.version import knowledge_version

GRADE_LABELS = {
    "high": "High",
    "moderate": "Moderate",
    "low": "Low",
    "very_low": "Very low",
    "none": "No primary study",
}

PLAIN_GRADE = {
    "high": "Well-run trials agree, so we can be fairly sure of the answer.",
    "moderate": "There is trial evidence, but it is small, so the answer could still change.",
    "low": "There is some trial evidence, but it is small or uncontrolled; the answer may change.",
    "very_low": (
        "The evidence is reports of single patients or small groups treated without a "
        "comparison group. Such reports cannot show whether naltrexone itself helped."
    ),
    "none": "No study of naltrexone in this condition has been found.",
}
"""What each grade means for a patient, in plain words."""


def study_view(study: Study, base: KnowledgeBase | None = None) -> dict[str, Any]:
    """One study, its citation and links built from the source registry entry with its id."""
    from ldnderm.kernel.sources import registry

    src = (base.sources if base is not None else registry()).get(study.id)
    view: dict[str, Any] = {
        "id": study.id,
        "label": study.label,
        "citation": src.citation,
        "kind": src.kind,
        "tier": src.tier,
        "design": study.design,
        "design_label": DESIGN_LABELS[study.design],
        "n": study.n,
        "agent": study.agent,
        "route": study.route,
        "dose": study.dose,
        "dose_band": study.dose_band,
        "duration": study.duration,
        "outcome": study.outcome,
        "direction": study.direction,
        "indirect": study.indirect,
        "counted": excluded_because(study) is None,
        "not_counted_because": excluded_because(study),
        "doi": src.doi,
        "pmid": src.pmid,
        "pmcid": src.pmcid,
        "registry": src.registry_id,
        "doi_url": src.doi_url,
        "pubmed_url": src.pubmed_url,
        "urls": [u for u in (src.pmc_url, src.url) if u],
        "link": src.link,
        "source_verification": src.verification,
        "verification": study.verification,
        "verification_note": study.verification_note,
    }
    if base is not None:
        view["conditions"] = [c.id for c in base.conditions.values() if study.id in c.studies]
        view["knowledge_version"] = knowledge_version()
    return view


def grade_view(grade: Grade) -> dict[str, Any]:
    return {
        "grade": grade.level,
        "grade_label": GRADE_LABELS[grade.level],
        "grade_reason": grade.reason,
        "grade_reasons": list(grade.reasons),
        "grade_plain": PLAIN_GRADE[grade.level],
        "best_design": grade.best_design,
        "best_design_label": DESIGN_LABELS[grade.best_design] if grade.best_design else None,
        "direction": grade.direction,
        "counted_studies": list(grade.counted),
    }


def _cited(source: Source, base: KnowledgeBase) -> dict[str, Any]:
    study = base.studies.get(source.id)
    return {**source_view(source), "label": study.label if study else _short(source)}


def _short(source: Source) -> str:
    """A short handle for a non-study source: its citation up to the first full stop."""
    head = source.citation.split(". ")[0]
    return head if len(head) <= 80 else head[:77] + "..."


def sourced_view(statement: Sourced, base: KnowledgeBase) -> dict[str, Any]:
    """A statement with its sources resolved to labels, links, tier and kind. An unverified
    statement (no primary or secondary source left) is withheld: its text is not a claim."""
    if not statement.claim:
        return {
            "text": None,
            "verification": "unverified",
            "withheld_because": "no primary or secondary source was found for this statement",
            "sources": [],
        }
    return {
        "text": statement.text,
        "verification": statement.verification,
        "sources": [_cited(base.sources.get(sid), base) for sid in statement.sources],
    }


OFF_LABEL_SOURCES = ("dailymed-naltrexone-tablets", "menta-2024")
"""Sources of the off-label paragraph on patient pages: the tablet label (licensed uses) and a
review of off-label low-dose use in dermatology."""


def off_label_view(base: KnowledgeBase) -> dict[str, Any]:
    """The sources of the patient pages' off-label paragraph, resolved like any statement."""
    return {
        "text": None,
        "verification": "verified",
        "sources": [_cited(base.sources.get(sid), base) for sid in OFF_LABEL_SOURCES],
    }


def code_view(code: Code | SnomedCode, base: KnowledgeBase) -> dict[str, Any]:
    """An ICD-10-CM or SNOMED CT code with its source (registry view) or ``unverified``."""
    view = code.model_dump(exclude_none=True, exclude={"source"})
    view["source"] = source_view(base.sources.get(code.source)) if code.source else None
    return view


def condition_summary(condition: Condition, base: KnowledgeBase) -> dict[str, Any]:
    """One row of the condition list: id, name, grade, study count, best design."""
    grade = base.grade_of(condition.id)
    return {
        "id": condition.id,
        "name": condition.name,
        "grade": grade.level,
        "grade_label": GRADE_LABELS[grade.level],
        "direction": grade.direction,
        "study_count": len(condition.studies),
        "primary_study_count": len(grade.counted),
        "best_design": grade.best_design,
        "best_design_label": DESIGN_LABELS[grade.best_design] if grade.best_design else None,
        "icd10cm": [c.code for c in condition.icd10cm],
    }


def condition_detail(condition: Condition, base: KnowledgeBase) -> dict[str, Any]:
    """Everything about one condition, with its computed grade and the reasons for it."""
    studies = base.studies_of(condition)
    return {
        "id": condition.id,
        "name": condition.name,
        "names": list(condition.names),
        "synonyms": list(condition.synonyms),
        "icd10cm": [code_view(c, base) for c in condition.icd10cm],
        "icd10cm_note": condition.icd10cm_note,
        "snomed": [code_view(s, base) for s in condition.snomed],
        **grade_view(base.grade_of(condition.id)),
        "about": sourced_view(condition.about, base),
        "clinician_summary": sourced_view(condition.clinician_summary, base),
        "patient_summary": sourced_view(condition.patient_summary, base),
        "searched": condition.searched,
        "notes": [sourced_view(n, base) for n in condition.notes],
        "recommended_measures": list(condition.recommended_measures),
        "regimens": [r.model_dump(exclude_none=True) for r in condition.regimens],
        "studies": [study_view(s) for s in studies],
        "questions": list(condition.questions) + list(base.guidance.questions),
        "safety": [sourced_view(s, base) for s in base.guidance.safety],
        "knowledge_version": knowledge_version(),
    }


def condition_list(base: KnowledgeBase) -> list[dict[str, Any]]:
    return [condition_summary(c, base) for c in base.conditions.values()]


def mechanisms_view(base: KnowledgeBase) -> list[dict[str, Any]]:
    return [{"id": m.id, "name": m.name, **sourced_view(m.summary, base)} for m in base.mechanisms]


def version_view(base: KnowledgeBase) -> dict[str, Any]:
    from ldnderm.kernel.version import content_hash, release

    return {
        "knowledge_version": knowledge_version(),
        "release": release(),
        "content_hash": content_hash(),
        "conditions": len(base.conditions),
        "studies": len(base.studies),
        "mechanisms": len(base.mechanisms),
    }

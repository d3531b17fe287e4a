"""JSON-ready views of the knowledge base, shared by the CLI, the HTTP API and the web pages.

Every view of a condition carries ``knowledge_version`` so an answer can be traced to the data it
came from.
"""

from __future__ import annotations

from typing import Any

from ldnderm.evidence.grading import DESIGN_LABELS, GROUP_OF, DesignGroup, Grade, excluded_because
from ldnderm.evidence.models import Code, Condition, SnomedCode, Sourced, Study
from ldnderm.evidence.store import KnowledgeBase
from ldnderm.kernel.sources import Source, source_view
from ldnderm.kernel.version import knowledge_version

GRADE_LABELS = {
    "high": "High certainty",
    "moderate": "Moderate certainty",
    "low": "Low certainty",
    "very_low": "Very low certainty",
    "none": "No evidence",
}
"""How a level reads on pages and in the CLI; ``none`` means no primary study exists."""

DIRECTION_LABELS = {
    "benefit": "benefit",
    "no_benefit": "no benefit",
    "mixed": "mixed results",
    "harm": "harm",
}

STUDY_DIRECTION_LABELS = {
    "positive": "benefit",
    "null": "no difference",
    "negative": "worse",
    "mixed": "mixed",
}
"""What one study found, in words."""

GROUP_WORDS: dict[DesignGroup, tuple[str, str]] = {
    "rct": ("randomised trial", "randomised trials"),
    "observational": ("study without randomisation", "studies without randomisation"),
    "case_series": ("series of treated patients", "series of treated patients"),
    "case_report": ("report of a single patient", "reports of single patients"),
}
"""Plain names of the design groups, singular and plural."""

PLAIN_LEVEL = {
    "high": "We can be confident in this answer.",
    "moderate": "This answer is probably right, but better studies could change it.",
    "low": "Better studies could well change this answer.",
    "very_low": "We cannot be sure of this answer.",
}


def certainty_summary(grade: Grade) -> str:
    """One line that keeps certainty and direction apart, e.g. ``Low certainty; the only trial
    found no benefit``."""
    if grade.level == "none" or grade.direction is None or grade.best_design is None:
        return "No evidence: no primary study of naltrexone was found"
    n = grade.designs[grade.best_design]
    controlled = grade.best_design == "rct"
    subject = (
        ("the only trial" if n == 1 else "the trials")
        if controlled
        else ("the only study" if n == 1 else "the best studies")
    )
    found = {
        "benefit": "found benefit"
        if controlled
        else ("describes" if n == 1 else "describe") + " improvement, without a comparison group",
        "no_benefit": "found no benefit",
        "mixed": "found mixed results",
        "harm": "found harm",
    }[grade.direction]
    return f"{GRADE_LABELS[grade.level]}; {subject} {found}"


def plain_certainty(grade: Grade, studies: dict[str, Study]) -> str:
    """What the evidence is, for a patient, built from the designs actually present."""
    if grade.level == "none":
        return "No study of naltrexone for this condition has been found."
    parts = []
    for group in ("rct", "observational", "case_series", "case_report"):
        count = grade.designs.get(group, 0)
        if not count:
            continue
        one, many = GROUP_WORDS[group]
        patients = sum(
            studies[s].n or 0 for s in grade.counted if GROUP_OF[studies[s].design] == group
        )
        people = (
            f" ({patients} patients in all)"
            if count > 1 and patients and group != "case_report"
            else ""
        )
        parts.append(f"{'one' if count == 1 else count} {one if count == 1 else many}{people}")
    what = "What we know comes from " + _join(parts) + "."
    if "rct" in grade.designs:
        how = (
            "In a randomised trial, chance decides who gets naltrexone and who gets a comparison, "
            "which is the fairest test."
        )
    else:
        how = (
            "None of these compared naltrexone with another treatment or a dummy pill, so they "
            "cannot show whether naltrexone itself made the difference."
        )
    controlled = "rct" in grade.designs
    found = {
        "benefit": "Patients did better on naltrexone than on the comparison."
        if controlled
        else "Patients improved while taking naltrexone.",
        "no_benefit": "Naltrexone did no better than the comparison.",
        "mixed": "Some patients improved and others did not, or the studies disagree.",
        "harm": "Patients did worse on naltrexone.",
    }[grade.direction or "mixed"]
    return f"{what} {how} {found} {PLAIN_LEVEL[grade.level]}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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
        "direction_label": STUDY_DIRECTION_LABELS[study.direction] if study.direction else None,
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


def grade_view(grade: Grade, base: KnowledgeBase) -> dict[str, Any]:
    """The certainty of a condition's evidence and, separately, its direction."""
    return {
        "grade": grade.level,
        "grade_label": GRADE_LABELS[grade.level],
        "certainty_summary": certainty_summary(grade),
        "key_outcome": grade.key_outcome,
        "grade_reason": grade.reason,
        "grade_reasons": list(grade.reasons),
        "grade_plain": plain_certainty(grade, dict(base.studies)),
        "best_design": grade.best_design,
        "designs": dict(grade.designs),
        "direction": grade.direction,
        "direction_label": DIRECTION_LABELS[grade.direction] if grade.direction else None,
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
        "certainty_summary": certainty_summary(grade),
        "key_outcome": grade.key_outcome,
        "direction": grade.direction,
        "direction_label": DIRECTION_LABELS[grade.direction] if grade.direction else None,
        "study_count": len(condition.studies),
        "primary_study_count": len(grade.counted),
        "best_design": grade.best_design,
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
        **grade_view(base.grade_of(condition.id), base),
        "certainty_question": condition.certainty.question,
        "certainty_scope_note": condition.certainty.scope_note,
        "about": sourced_view(condition.about, base),
        "clinician_summary": sourced_view(condition.clinician_summary, base),
        "patient_summary": sourced_view(condition.patient_summary, base),
        "searched": condition.searched,
        "notes": [sourced_view(n, base) for n in condition.notes],
        "recommended_measures": list(condition.recommended_measures),
        "regimens": [r.model_dump(exclude_none=True) for r in condition.regimens],
        "studies": [_rated(study_view(s), base.grade_of(condition.id)) for s in studies],
        "questions": list(condition.questions) + list(base.guidance.questions),
        "safety": [sourced_view(s, base) for s in base.guidance.safety],
        "knowledge_version": knowledge_version(),
    }


def _rated(view: dict[str, Any], grade: Grade) -> dict[str, Any]:
    """Mark whether the study was rated for this condition's key outcome, and why not."""
    rated = view["id"] in grade.counted
    view["counted"] = rated
    if not rated and view["not_counted_because"] is None:
        view["not_counted_because"] = "does not report the key outcome"
    return view


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

"""Code systems and identifier systems of the FHIR mapping.

No LOINC code was found for the outcome measures scored here. This is a dated search result,
not a claim that none exists: on 2026-12-01 public documentation and FHIR implementation-guide
pages were searched by name (DLQI, PASI, UAS7, itch NRS, with "LOINC") and no LOINC code for any
of them was found; the Taiwan NHI prior-authorisation guide (build.fhir.org/ig/TWNHIFHIR/pas,
ValueSet pat-ast), which uses LOINC where it exists, codes PASI in its own CodeSystem.
ecosystem.md 2.4 records an earlier search. Issue 11 reports that LOINC holds other dermatology
patient-reported-outcome codes (Skindex-29, 96000-5); that code was not confirmed in this search
and is not used. Re-check before relying on this statement.

So scores are coded in a **local CodeSystem** whose codes are the measure ids of
:mod:`ldnderm.measures` (``dlqi``, ``pasi``, ``itch-nrs``...); :func:`measure_code_system` builds
the CodeSystem resource that documents them. Local systems are URNs because the project has no
published canonical URL; when it gets one, only this module changes.

External systems used (ecosystem.md 2.2-2.3): RxNorm
``http://www.nlm.nih.gov/research/umls/rxnorm`` (naltrexone ingredient 7243), ICD-10-CM
``http://hl7.org/fhir/sid/icd-10-cm``, SNOMED CT ``http://snomed.info/sct``, UCUM
``http://unitsofmeasure.org``; and the HL7 R4 systems of required or preferred bindings below
(``http://terminology.hl7.org/CodeSystem/...``).
"""

from __future__ import annotations

from typing import Any

from ldnderm.kernel.codes import ICD10CM, RXNORM, SNOMED, UCUM

__all__ = ["ICD10CM", "RXNORM", "SNOMED", "UCUM"]

MEASURE_SYSTEM = "urn:ldnderm:measure"
"""Local CodeSystem: code = measure id of :mod:`ldnderm.measures`."""
MEASURE_VERSION_EXT = "urn:ldnderm:fhir:measure-version"
RESPONSES_EXT = "urn:ldnderm:fhir:item-responses"
"""Extension (valueString, JSON) with the raw item responses, so the score can be recomputed."""
AE_GRADE_SYSTEM = "urn:ldnderm:ae-grade"
"""Adverse-event grade 1 (mild) to 5 (death), as CTCAE grades are numbered. Read on import from
``severity`` of bundles exported before the R4 severity codes were used; no longer written."""
AE_GRADE_EXT = "urn:ldnderm:fhir:ae-grade"
"""Extension (valueInteger 1-5) with the CTCAE-style grade; ``severity`` carries the R4 code."""
AE_SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
"""R4 AdverseEvent.severity (required binding AdverseEventSeverity: mild | moderate | severe;
hl7.org/fhir/R4/valueset-adverse-event-severity.html)."""
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
"""R4 Observation.category (preferred binding); outcome measures are ``survey``."""
AE_RELATEDNESS_SYSTEM = "urn:ldnderm:ae-relatedness"
AE_ACTION_EXT = "urn:ldnderm:fhir:ae-action-taken"
AE_RESOLVED_EXT = "urn:ldnderm:fhir:ae-resolved"
STOP_REASON_SYSTEM = "urn:ldnderm:course-stop-reason"
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
"""HL7 v2 table 0203 (identifier type), as used by R4 ``Identifier.type``."""
MR = "MR"
"""Identifier type "Medical record number" (v2-0203#MR, as profiled by the AU Base and NHS
medical-record-number identifier profiles)."""
CONDITION_ID_SYSTEM = "urn:ldnderm:condition"
"""Local code: the knowledge-base condition id, sent beside the ICD-10-CM code."""


def ae_severity(grade: int) -> str:
    """The R4 severity code of a CTCAE-style grade: 1 mild, 2 moderate, 3 to 5 severe.

    R4 has only three severity codes, so grades 3 (severe), 4 (life-threatening) and 5 (death)
    all map to ``severe``; the grade itself travels in the :data:`AE_GRADE_EXT` extension.
    """
    if grade <= 1:
        return "mild"
    return "moderate" if grade == 2 else "severe"


# Required bindings (R4 4.0.1) of the elements we read, which fhir.resources does not enforce.
# code elements: the allowed codes; CodeableConcept elements: (system, allowed codes).
# Sources: the official R4 JSON schema (fhir.schema.json enums: Observation.status,
# AdverseEvent.actuality, Patient.gender, Bundle.type) and the R4 element definitions as listed
# in fhir.resources' model metadata (MedicationStatement.status, MedicationRequest.status and
# intent, Condition); AdverseEvent.severity: hl7.org/fhir/R4/valueset-adverse-event-severity.html.
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Bundle", "type"): frozenset(
        {
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        }
    ),
    ("Patient", "gender"): frozenset({"male", "female", "other", "unknown"}),
    ("Observation", "status"): frozenset(
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    ),
    ("MedicationStatement", "status"): frozenset(
        {
            "active",
            "completed",
            "entered-in-error",
            "intended",
            "stopped",
            "on-hold",
            "unknown",
            "not-taken",
        }
    ),
    ("MedicationRequest", "status"): frozenset(
        {
            "active",
            "on-hold",
            "cancelled",
            "completed",
            "entered-in-error",
            "stopped",
            "draft",
            "unknown",
        }
    ),
    ("MedicationRequest", "intent"): frozenset(
        {
            "proposal",
            "plan",
            "order",
            "original-order",
            "reflex-order",
            "filler-order",
            "instance-order",
            "option",
        }
    ),
    ("AdverseEvent", "actuality"): frozenset({"actual", "potential"}),
}
REQUIRED_CONCEPTS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("Condition", "clinicalStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        frozenset({"active", "recurrence", "relapse", "inactive", "remission", "resolved"}),
    ),
    ("Condition", "verificationStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        frozenset(
            {
                "unconfirmed",
                "provisional",
                "differential",
                "confirmed",
                "refuted",
                "entered-in-error",
            }
        ),
    ),
    ("AdverseEvent", "severity"): (AE_SEVERITY_SYSTEM, frozenset({"mild", "moderate", "severe"})),
}


def binding_errors(resource: dict[str, Any], strict: bool = True) -> list[tuple[str, str]]:
    """(element, problem) for each required-binding code of ``resource`` outside its value set.

    A code element must hold one of the allowed codes. A coding of a CodeableConcept element in
    the bound system must hold an allowed code. With ``strict`` (export), the concept must also
    have such a coding (other codings may sit beside it); import is not strict on that point, so
    bundles exported before the R4 severity codes were used (local grade coding only) still read.
    """
    kind = str(resource.get("resourceType"))
    errors: list[tuple[str, str]] = []
    for (rtype, element), allowed in REQUIRED_CODES.items():
        if rtype != kind or element not in resource:
            continue
        value = resource[element]
        if not isinstance(value, str) or value not in allowed:
            errors.append((element, f"{value!r} is not one of {', '.join(sorted(allowed))}"))
    for (rtype, element), (system, codes) in REQUIRED_CONCEPTS.items():
        if rtype != kind or element not in resource:
            continue
        concept = resource[element]
        coding = concept.get("coding") if isinstance(concept, dict) else None
        bound = [c for c in coding or () if isinstance(c, dict) and c.get("system") == system]
        if not bound and strict:
            errors.append((element, f"has no coding in {system}"))
        for c in bound:
            if c.get("code") not in codes:
                errors.append(
                    (element, f"{c.get('code')!r} is not one of {', '.join(sorted(codes))}")
                )
    return errors


def local_system(clinic: str, kind: str) -> str:
    """Identifier system for records made in this registry: ``urn:ldnderm:<clinic>:<kind>``."""
    return f"urn:ldnderm:{clinic}:{kind}"


def measure_code_system() -> dict[str, Any]:
    """The local measure CodeSystem as a FHIR R4 resource (validated by the caller)."""
    from ldnderm import measures
    from ldnderm.kernel.version import knowledge_version

    concepts = []
    for measure in measures.all_measures():
        row = measure.describe()
        concepts.append({"code": row["id"], "display": row["name"]})
    return {
        "resourceType": "CodeSystem",
        "url": MEASURE_SYSTEM,
        "version": knowledge_version(),
        "name": "LdnDermMeasures",
        "title": "ldnderm outcome measures",
        "status": "active",
        "content": "complete",
        "description": (
            "Outcome measures scored by ldnderm. No LOINC code was found for them in a search "
            "made on 2026-12-01; the code is the measure id and the Observation value is the "
            "published total score."
        ),
        "concept": concepts,
    }

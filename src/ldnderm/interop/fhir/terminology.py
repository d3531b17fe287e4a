"""Code systems and identifier systems of the FHIR mapping.

No LOINC codes exist for the outcome measures (ecosystem.md 2.4: DLQI, PASI, UAS7, itch NRS
searched, none found), so scores are coded in a **local CodeSystem** whose codes are the measure
ids of :mod:`ldnderm.measures` (``dlqi``, ``pasi``, ``itch-nrs``...); :func:`measure_code_system`
builds the CodeSystem resource that documents them. Local systems are URNs because the project has
no published canonical URL; when it gets one, only this module changes.

External systems used (all from ecosystem.md 2.2-2.3): RxNorm
``http://www.nlm.nih.gov/research/umls/rxnorm`` (naltrexone ingredient 7243), ICD-10-CM
``http://hl7.org/fhir/sid/icd-10-cm``, SNOMED CT ``http://snomed.info/sct``, UCUM
``http://unitsofmeasure.org``.
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
"""Adverse-event grade 1 (mild) to 5 (death), as CTCAE grades are numbered."""
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
            "Outcome measures scored by ldnderm. No LOINC codes exist for them; the code is the "
            "measure id and the Observation value is the published total score."
        ),
        "concept": concepts,
    }

"""A FHIR R4 Bundle and the equivalent JSON profile give identical findings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ldnderm import safety
from ldnderm.kernel.errors import InvalidInput
from ldnderm.safety.fhir import profile_document, resources_document

RX = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
AS_OF = date(2026, 3, 1)
SUBJECT = {"reference": "Patient/p1"}


def entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"resource": resource}


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [entry(r) for r in resources]}


BUNDLE = bundle(
    {"resourceType": "Patient", "id": "p1", "birthDate": "2009-06-01", "gender": "female"},
    {
        "resourceType": "Condition",
        "subject": SUBJECT,
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E03.9"}],
            "text": "Hypothyroidism",
        },
    },
    {"resourceType": "Condition", "subject": SUBJECT, "code": {"text": "Hailey-Hailey disease"}},
    {
        "resourceType": "MedicationStatement",
        "status": "active",
        "subject": SUBJECT,
        "medicationCodeableConcept": {
            "coding": [{"system": RX, "code": "7804"}],
            "text": "Oxycodone 5 mg",
        },
        "effectivePeriod": {"start": "2026-02-01"},
        "dosage": [{"asNeededBoolean": True}],
    },
    {
        "resourceType": "MedicationStatement",
        "status": "completed",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "A07DA03"}]},
        "effectivePeriod": {"start": "2026-01-01", "end": "2026-02-25"},
    },
    {
        "resourceType": "MedicationStatement",
        "status": "entered-in-error",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"text": "morphine"},
    },
    {
        "resourceType": "MedicationRequest",
        "status": "draft",
        "intent": "proposal",
        "subject": SUBJECT,
        "medicationCodeableConcept": {
            "coding": [{"system": RX, "code": "7243", "display": "naltrexone"}]
        },
        "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {"value": 4.5, "unit": "mg"}}]}],
    },
    {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"text": "levothyroxine 50 mcg"},
        "authoredOn": "2025-12-01",
    },
    {"resourceType": "AllergyIntolerance", "patient": SUBJECT, "code": {"text": "naloxone"}},
    {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
        "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA15173-0"}]},
    },
)

PROFILE = {
    "birth_date": "2009-06-01",
    "sex": "female",
    "pregnant": True,
    "planned_dose_mg": 4.5,
    "conditions": [
        {"code": "E03.9", "system": "icd10cm", "display": "Hypothyroidism"},
        "Hailey-Hailey disease",
    ],
    "medications": [
        {"name": "Oxycodone 5 mg", "rxnorm": "7804", "start": "2026-02-01", "prn": True},
        {"atc": "A07DA03", "start": "2026-01-01", "end": "2026-02-25"},
        {"name": "levothyroxine 50 mcg", "start": "2025-12-01"},
    ],
    "allergies": ["naloxone"],
}


def test_bundle_and_json_profile_give_identical_findings() -> None:
    from_fhir = safety.screen_document(BUNDLE, as_of=AS_OF)
    from_json = safety.screen_document(PROFILE, as_of=AS_OF)
    assert from_fhir.profile_source == "fhir" and from_json.profile_source == "json"
    assert from_fhir.findings == from_json.findings
    assert from_fhir.verdict == "contraindicated"
    assert {f.rule for f in from_fhir.findings} == {
        "opioid-current-or-recent",
        "pregnancy",
        "age-under-18",
        "naloxone-cross-sensitivity",
        "facts-not-checked",
    }


def test_the_bundle_maps_to_the_documented_profile() -> None:
    doc = profile_document(BUNDLE)
    assert doc["planned_dose_mg"] == 4.5 and len(doc["medications"]) == 3


def test_not_pregnant_and_refuted_records() -> None:
    doc = profile_document(
        bundle(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": "http://snomed.info/sct", "code": "60001007"}]
                },
            },
            {
                "resourceType": "AllergyIntolerance",
                "patient": SUBJECT,
                "code": {"text": "naltrexone"},
                "verificationStatus": {"coding": [{"code": "refuted"}]},
            },
        )
    )
    assert doc == {"pregnant": False}


def test_an_invalid_bundle_names_the_fhir_element() -> None:
    with pytest.raises(InvalidInput) as caught:
        safety.screen_document(bundle({"resourceType": "Patient", "birthDate": "soon"}))
    assert caught.value.field == "entry[0].resource.birthDate"


def test_resources_validated_one_by_one_read_like_their_bundle() -> None:
    from fhir.resources.R4B import get_fhir_model_class

    models = [
        get_fhir_model_class(e["resource"]["resourceType"]).model_validate(e["resource"])
        for e in BUNDLE["entry"]
    ]
    assert resources_document(models) == profile_document(BUNDLE)
    assert safety.profile_from_resources(models, as_of=AS_OF) == safety.profile_from_bundle(
        BUNDLE, as_of=AS_OF
    )

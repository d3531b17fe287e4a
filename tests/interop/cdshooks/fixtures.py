"""Hook request builders, shaped after the CDS Hooks 2.0 examples (order-select, order-sign and
patient-view pages of cds-hooks/docs): same ids style, RxNorm system, draft MedicationRequests.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
TODAY = date(2026, 3, 2)
PATIENT_ID = "1288992"

Json = dict[str, Any]


def naltrexone_order(
    rid: str = "smart-MedicationRequest-103", dose_mg: float = 4.5, coded: bool = True
) -> Json:
    concept: Json = {"text": f"naltrexone {dose_mg:g} MG Oral Capsule (compounded)"}
    if coded:
        concept["coding"] = [{"system": RXNORM, "code": "7243", "display": "naltrexone"}]
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": concept,
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "dosageInstruction": [
            {
                "text": f"{dose_mg:g} mg at bedtime",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": dose_mg,
                            "unit": "mg",
                            "system": "http://unitsofmeasure.org",
                            "code": "mg",
                        }
                    }
                ],
            }
        ],
    }


def other_order(rid: str = "smart-MedicationRequest-104") -> Json:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "text": "Acetaminophen 325 MG Oral Tablet",
            "coding": [{"system": RXNORM, "code": "313782", "display": "Acetaminophen 325 MG"}],
        },
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
    }


def bundle(*resources: Json, kind: str = "collection") -> Json:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def searchset(*resources: Json) -> Json | None:
    """A prefetch search result; ``None`` (JSON null) when nothing was found, as the spec says."""
    return bundle(*resources, kind="searchset") if resources else None


def patient(birth: str = "1970-05-01", gender: str = "female") -> Json:
    return {
        "resourceType": "Patient",
        "id": PATIENT_ID,
        "identifier": [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"}],
        "gender": gender,
        "birthDate": birth,
    }


def statement(
    name: str, rxnorm: str | None = None, status: str = "active", end: date | None = None
) -> Json:
    concept: Json = {"text": name}
    if rxnorm:
        concept["coding"] = [{"system": RXNORM, "code": rxnorm, "display": name}]
    res: Json = {
        "resourceType": "MedicationStatement",
        "id": f"ms-{name.split()[0].lower()}",
        "status": status,
        "medicationCodeableConcept": concept,
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "effectivePeriod": {"start": "2025-01-01"},
    }
    if end is not None:
        res["effectivePeriod"]["end"] = end.isoformat()
    return res


def condition(code: str, display: str) -> Json:
    return {
        "resourceType": "Condition",
        "id": f"cond-{code.replace('.', '')}",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [{"system": ICD10CM, "code": code, "display": display}]},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
    }


def surgery(days_ahead: int, text: str = "Laparoscopic cholecystectomy (surgery)") -> Json:
    return {
        "resourceType": "ServiceRequest",
        "id": "surgery-1",
        "status": "active",
        "intent": "order",
        "code": {"text": text},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "occurrenceDateTime": (TODAY + timedelta(days=days_ahead)).isoformat(),
    }


def prefetch(
    statements: list[Json] | None = None,
    conditions: list[Json] | None = None,
    procedures: list[Json] | None = None,
) -> Json:
    return {
        "patient": patient(),
        "medicationRequests": None,
        "medicationStatements": searchset(*(statements or [])),
        "conditions": searchset(*(conditions or [condition("L73.2", "Hidradenitis suppurativa")])),
        "allergies": None,
        "pregnancy": None,
        "plannedProcedures": searchset(*(procedures or [])),
    }


def order_request(
    hook: str = "order-select",
    orders: list[Json] | None = None,
    prefetch_data: Json | None = None,
    selections: list[str] | None = None,
    **extra: Any,
) -> Json:
    drafts = orders if orders is not None else [naltrexone_order()]
    context: Json = {
        "userId": "PractitionerRole/123",
        "patientId": PATIENT_ID,
        "encounterId": "89284",
        "draftOrders": bundle(*drafts),
    }
    if hook == "order-select":
        context["selections"] = (
            selections
            if selections is not None
            else [f"MedicationRequest/{o['id']}" for o in drafts if "id" in o]
        )
    body: Json = {
        "hookInstance": str(uuid.UUID(int=7)),
        "hook": hook,
        "context": context,
        "prefetch": prefetch_data if prefetch_data is not None else prefetch(),
    }
    body.update(extra)
    return body


def patient_view_request(prefetch_data: Json | None = None) -> Json:
    return {
        "hookInstance": str(uuid.UUID(int=8)),
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": PATIENT_ID},
        "prefetch": prefetch_data if prefetch_data is not None else prefetch(),
    }

"""A patient's registry record as a FHIR R4 collection Bundle (validated with fhir.resources R4B).

Resources: Patient; Condition per treated condition (ICD-10-CM code when the knowledge base has
one, plus the local condition id); MedicationStatement per naltrexone course, one ``dosage`` per
dose change (``timing.repeat.boundsPeriod``: when that dose was in effect); Observation per
assessment (code in the local measure CodeSystem, ``valueQuantity`` the total score in UCUM
``{score}``, the raw item responses in an extension); AdverseEvent with its grade, relatedness
and action taken.

Resource ids are UUIDv5 of the natural key, so the same record always gets the same id and a
re-export after an import of the export gives the same resources.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from ldnderm.interop.fhir import terminology as t
from ldnderm.interop.fhir.records import (
    AdverseEventRecord,
    AssessmentRecord,
    ConditionRecord,
    CourseRecord,
    Key,
    PatientExport,
    PatientRecord,
)
from ldnderm.kernel.codes import naltrexone
from ldnderm.kernel.errors import InvalidInput, LdnDermError

Json = dict[str, Any]
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ldnderm:fhir")


def resource_id(kind: str, key: Key) -> str:
    """The stable resource id of a record."""
    return str(uuid.uuid5(_NS, f"{kind}|{key.system}|{key.value}"))


def _ref(kind: str, key: Key) -> Json:
    return {"reference": f"{kind}/{resource_id(kind, key)}"}


def _identifier(key: Key) -> list[Json]:
    return [{"system": key.system, "value": key.value}]


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _patient_identifiers(p: PatientRecord) -> list[Json]:
    """The key first, then the other identifiers; each one exactly the (system, value) it was
    stored with, typed MR only when it was so typed (or is a configured MRN system)."""
    out: list[Json] = []
    for key in dict.fromkeys((p.key, *p.identifiers)):
        identifier: Json = {"system": key.system, "value": key.value}
        if key in p.mr:
            identifier["type"] = {
                "coding": [{"system": t.IDENTIFIER_TYPE_SYSTEM, "code": t.MR}],
                "text": "Medical record number",
            }
        out.append(identifier)
    return out


def patient_resource(p: PatientRecord) -> Json:
    out: Json = {
        "resourceType": "Patient",
        "id": resource_id("Patient", p.key),
        "identifier": _patient_identifiers(p),
        "name": [{"family": p.family_name, "given": [p.given_name]}],
        "gender": p.sex if p.sex in {"female", "male", "other"} else "unknown",
    }
    if p.birth_year:
        out["birthDate"] = f"{p.birth_year:04d}"
    return out


def _snomed_codings(condition_id: str) -> list[Json]:
    """The knowledge base's SNOMED CT codes of a condition that cite a source (not unverified)."""
    from ldnderm import evidence

    try:
        condition = evidence.condition(condition_id)
    except LdnDermError:
        return []
    return [
        {"system": t.SNOMED, "code": s.id, "display": s.label}
        for s in condition.snomed
        if s.source is not None and s.verification != "unverified"
    ]


def condition_resource(c: ConditionRecord, patient: Key) -> Json:
    codings = []
    if c.code and c.system:
        codings.append({"system": c.system, "code": c.code, "display": c.display})
    seen = {(x["system"], x["code"]) for x in codings}
    codings += [x for x in _snomed_codings(c.condition_id) if (x["system"], x["code"]) not in seen]
    codings.append({"system": t.CONDITION_ID_SYSTEM, "code": c.condition_id, "display": c.display})
    return {
        "resourceType": "Condition",
        "id": resource_id("Condition", c.key),
        "identifier": _identifier(c.key),
        "code": {"coding": codings, "text": c.display},
        "subject": _ref("Patient", patient),
    }


def course_resource(c: CourseRecord, patient: Key) -> Json:
    dosages = []
    for i, dose in enumerate(c.doses):
        end = c.doses[i + 1].start if i + 1 < len(c.doses) else c.stopped_on
        bounds: Json = {"start": dose.start.isoformat()}
        if end is not None:
            bounds["end"] = end.isoformat()
        text = f"{_num(dose.mg_per_day)} mg per day"
        if dose.formulation:
            text += f", {dose.formulation}"
        dosages.append(
            {
                "sequence": i + 1,
                "text": text,
                "timing": {
                    "repeat": {
                        "boundsPeriod": bounds,
                        "frequency": 1,
                        "period": 1,
                        "periodUnit": "d",
                    }
                },
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": _num(dose.mg_per_day),
                            "unit": "mg",
                            "system": t.UCUM,
                            "code": "mg",
                        }
                    }
                ],
            }
        )
    period: Json = {"start": c.started_on.isoformat()}
    if c.stopped_on:
        period["end"] = c.stopped_on.isoformat()
    out: Json = {
        "resourceType": "MedicationStatement",
        "id": resource_id("MedicationStatement", c.key),
        "identifier": _identifier(c.key),
        "status": "completed" if c.stopped_on else "active",
        "medicationCodeableConcept": {
            "coding": [
                {"system": t.RXNORM, "code": naltrexone().ingredient_rxcui, "display": "naltrexone"}
            ],
            "text": "naltrexone",
        },
        "subject": _ref("Patient", patient),
        "effectivePeriod": period,
    }
    if c.stop_reason:
        out["statusReason"] = [
            {"coding": [{"system": t.STOP_REASON_SYSTEM, "code": c.stop_reason}]}
        ]
    if c.condition_key is not None:
        out["reasonReference"] = [_ref("Condition", c.condition_key)]
    if dosages:
        out["dosage"] = dosages
    return out


def _measure_name(measure_id: str) -> str:
    from ldnderm import measures

    try:
        return str(measures.get(measure_id).describe()["name"])
    except (LdnDermError, KeyError):
        return measure_id


def observation_resource(a: AssessmentRecord, patient: Key) -> Json:
    name = _measure_name(a.measure_id)
    out: Json = {
        "resourceType": "Observation",
        "id": resource_id("Observation", a.key),
        "identifier": _identifier(a.key),
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": t.OBSERVATION_CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}
                ],
                "text": "Survey",
            }
        ],
        "code": {
            "coding": [{"system": t.MEASURE_SYSTEM, "code": a.measure_id, "display": name}],
            "text": name,
        },
        "subject": _ref("Patient", patient),
        "effectiveDateTime": a.taken_on.isoformat(),
        "extension": [
            {"url": t.MEASURE_VERSION_EXT, "valueString": a.measure_version},
            {"url": t.RESPONSES_EXT, "valueString": json.dumps(a.responses, sort_keys=True)},
        ],
    }
    if a.total is not None:
        out["valueQuantity"] = {
            "value": _num(a.total),
            "unit": "{score}",
            "system": t.UCUM,
            "code": "{score}",
        }
    else:
        out["dataAbsentReason"] = {"text": a.note or "not computable from the responses"}
    if a.course_key is not None:
        out["focus"] = [_ref("MedicationStatement", a.course_key)]
    return out


def adverse_event_resource(e: AdverseEventRecord, patient: Key) -> Json:
    extensions: list[Json] = [
        {"url": t.AE_GRADE_EXT, "valueInteger": e.grade},
        {"url": t.AE_ACTION_EXT, "valueCode": e.action},
    ]
    if e.resolved_on:
        extensions.append({"url": t.AE_RESOLVED_EXT, "valueDate": e.resolved_on.isoformat()})
    severity = t.ae_severity(e.grade)
    out: Json = {
        "resourceType": "AdverseEvent",
        "id": resource_id("AdverseEvent", e.key),
        "identifier": _identifier(e.key)[0],
        "extension": extensions,
        "actuality": "actual",
        "event": {"text": e.term},
        "subject": _ref("Patient", patient),
        "date": e.onset_on.isoformat(),
        "severity": {
            "coding": [
                {
                    "system": t.AE_SEVERITY_SYSTEM,
                    "code": severity,
                    "display": severity.capitalize(),
                }
            ],
            "text": f"{severity.capitalize()} (grade {e.grade})",
        },
    }
    if e.course_key is not None:
        out["suspectEntity"] = [
            {
                "instance": _ref("MedicationStatement", e.course_key),
                "causality": [
                    {
                        "assessment": {
                            "coding": [{"system": t.AE_RELATEDNESS_SYSTEM, "code": e.relatedness}]
                        }
                    }
                ],
            }
        ]
    else:
        extensions.append({"url": t.AE_RELATEDNESS_SYSTEM, "valueCode": e.relatedness})
    return out


def export_bundle(record: PatientExport, timestamp: str | None = None) -> Json:
    """The collection Bundle of one patient, each resource validated with fhir.resources R4B.

    Raises
    ------
    InvalidInput
        When a resource does not validate (a fault in the mapping; the field path is named).
    """
    pk = record.patient.key
    resources = [patient_resource(record.patient)]
    resources += [condition_resource(c, pk) for c in record.conditions]
    resources += [course_resource(c, pk) for c in record.courses]
    resources += [observation_resource(a, pk) for a in record.assessments]
    resources += [adverse_event_resource(e, pk) for e in record.adverse_events]
    bundle: Json = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"{r['resourceType']}/{r['id']}", "resource": r} for r in resources],
    }
    if timestamp:
        bundle["timestamp"] = timestamp
    validate(bundle)
    return bundle


def validate(resource: Json) -> None:
    """Validate a resource (a Bundle and its entries) with fhir.resources R4B, then check the
    required-binding codes fhir.resources leaves unchecked (:func:`.terminology.binding_errors`).
    """
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(str(resource["resourceType"])).model_validate(resource)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"])
        raise InvalidInput(path, f"invalid FHIR R4B: {err['msg']}") from exc
    check_bindings(resource, strict=True)


def check_bindings(resource: Json, strict: bool) -> None:
    """Raise :class:`InvalidInput` naming the first element (``entry.3.resource.status``) whose
    required-binding code is outside its R4 value set."""
    items: list[tuple[str, Any]] = [("", resource)]
    if resource.get("resourceType") == "Bundle":
        items += [
            (f"entry.{i}.resource.", e.get("resource"))
            for i, e in enumerate(resource.get("entry") or ())
            if isinstance(e, dict)
        ]
    for prefix, item in items:
        if not isinstance(item, dict):
            continue
        for element, problem in t.binding_errors(item, strict=strict):
            raise InvalidInput(
                f"{prefix}{element}", f"invalid code for a required binding: {problem}"
            )


def parse_day(value: Any, field: str) -> date:
    """A FHIR date or dateTime as a calendar date; raises :class:`InvalidInput`."""
    from ldnderm.interop.cdshooks.fhirjson import parse_date

    day = parse_date(value)
    if day is None:
        raise InvalidInput(field, f"is not a full date: {value!r}")
    return day

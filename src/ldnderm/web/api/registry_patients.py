"""``/api/v1/patients`` and ``/api/v1/aggregates``: scoped to the caller's clinic, audited."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from ldnderm.web.api.auth import AUTH, patient_scope
from ldnderm.web.api.registry_records import DELETION, VERSIONED, Deletion, expected, tagged
from ldnderm.web.api.registry_schemas import (
    PatientDetail,
    PatientOut,
    PatientPage,
    StorableSchema,
)
from ldnderm.web.registry.access import scope_for
from ldnderm.web.registry.inputs import PatientIn, PatientPatch
from ldnderm.web.registry.models import Patient
from ldnderm.web.registry.routes import declare
from ldnderm.web.registry.services import dashboard
from ldnderm.web.registry.services import patients as service

router = Router(tags=["patients"], auth=AUTH)
aggregates = Router(tags=["aggregates"], auth=AUTH)


class PatientFilters(StorableSchema):
    q: str = ""
    condition_id: str = ""
    active: bool | None = None
    offset: int = 0
    limit: int = 50


@router.get("", response=PatientPage, summary="Search the clinic's patients")
@declare("patient_data")
def list_patients(request: HttpRequest, filters: Query[PatientFilters]) -> dict[str, Any]:
    scope = patient_scope(request)
    rows, count = service.list_patients(scope, **filters.dict())
    return {"items": rows, "count": count}


@router.post("", response={201: PatientOut}, summary="Create a patient")
@declare("patient_data")
def create_patient(request: HttpRequest, payload: PatientIn) -> Status[Patient]:
    return Status(201, service.create_patient(patient_scope(request), payload))


@router.get("/{patient_id}", response=PatientDetail, summary="A patient with their courses")
@declare("patient_data", patient_id=Patient)
def get_patient(request: HttpRequest, patient_id: int, response: HttpResponse) -> Patient:
    scope = patient_scope(request)
    qs = scope.rows(Patient).select_related("clinic")
    qs = qs.prefetch_related("courses__doses", "courses__screening")
    return tagged(response, service.read_patient(scope, scope.get(Patient, patient_id, qs)))


@router.patch(
    "/{patient_id}",
    response=PatientOut,
    summary="Change a patient's details",
    description=VERSIONED,
)
@declare("patient_data", patient_id=Patient)
def update_patient(
    request: HttpRequest, patient_id: int, payload: PatientPatch, response: HttpResponse
) -> Patient:
    scope = patient_scope(request)
    patient = scope.get(Patient, patient_id, scope.rows(Patient).select_related("clinic"))
    version = expected(request, payload.version)
    return tagged(response, service.update_patient(scope, patient, payload, version))


@router.delete(
    "/{patient_id}",
    response={204: None},
    summary="Delete a patient with the whole record",
    description=DELETION,
)
@declare("patient_data", patient_id=Patient)
def delete_patient(request: HttpRequest, patient_id: int, why: Query[Deletion]) -> Status[None]:
    scope = patient_scope(request)
    patient = scope.get(Patient, patient_id)
    service.delete_patient(scope, patient, why.reason, expected(request, why.version))
    return Status(204, None)


@aggregates.get("", summary="De-identified clinic aggregates (researchers admitted)")
@declare("aggregate")
def get_aggregates(request: HttpRequest) -> dict[str, Any]:
    return dashboard.build(scope_for(request, patient_data=False)).as_json()

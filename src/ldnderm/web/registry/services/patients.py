"""Patients: search, create, update, read the whole record, export.

A read of a record appends one ``read`` event; a list or search appends one ``list`` event per
patient returned (IHE BALP PatientQuery), so no listing is silent.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from ldnderm.web.audit.log import Action, record_many
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import PatientIn, PatientPatch
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    Patient,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services import plausible
from ldnderm.web.registry.services.common import (
    audit,
    changes_of,
    delete_record,
    page,
    update_record,
)
from ldnderm.web.registry.versions import Expected


def search(
    scope: Scope, q: str = "", condition_id: str = "", active: bool | None = None
) -> QuerySet[Patient]:
    """The clinic's patients matching a name or MRN fragment, condition and course status."""
    qs = scope.rows(Patient).select_related("clinic")
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(mrn__icontains=q) | Q(given_name__icontains=q) | Q(family_name__icontains=q)
        )
    if condition_id:
        qs = qs.filter(courses__condition_id=condition_id)
    if active is not None:
        qs = qs.filter(courses__stopped_on__isnull=active)
    if condition_id or active is not None:
        qs = qs.distinct()
    active_courses = TreatmentCourse.objects.filter(stopped_on__isnull=True)
    return qs.prefetch_related(Prefetch("courses", queryset=active_courses, to_attr="active"))


SORTS: dict[str, tuple[str, ...]] = {
    "name": ("family_name", "given_name", "id"),
    "mrn": ("mrn", "id"),
    "born": ("birth_year", "family_name", "id"),
    "newest": ("-created_at", "-id"),
}
"""The patient list's orders (``sort=``), name first."""


def list_patients(
    scope: Scope,
    q: str = "",
    condition_id: str = "",
    active: bool | None = None,
    offset: int = 0,
    limit: int = 50,
    sort: str = "name",
    only: set[int] | None = None,
) -> tuple[list[Patient], int]:
    """One audited page of :func:`search`, in the order ``sort`` names (:data:`SORTS`), of the
    patients in ``only`` when given (the worklist's "due" filter)."""
    qs = search(scope, q, condition_id, active).order_by(*SORTS.get(sort, SORTS["name"]))
    if only is not None:
        qs = qs.filter(pk__in=only)
    with transaction.atomic():
        rows, count = page(qs, offset, limit)
        record_many(scope.actor, Action.LIST, "patient", [p.pk for p in rows], q=q[:40])
    return rows, count


def create_patient(scope: Scope, data: PatientIn) -> Patient:
    plausible.birth_year("birth_year", data.birth_year, scope.today())
    with transaction.atomic():
        patient = Patient.objects.create(clinic_id=scope.clinic_id, **data.model_dump())
        audit(scope, Action.CREATE, patient)
    return patient


def update_patient(
    scope: Scope, patient: Patient, data: PatientPatch, expected: Expected | None
) -> Patient:
    """Change the patient's details on the version read (StaleVersion otherwise)."""
    changes = changes_of(data)
    if "birth_year" in changes:
        plausible.birth_year_of_existing(
            "birth_year", changes["birth_year"], patient, scope.today()
        )
    return update_record(scope, patient, changes, expected)


def delete_patient(
    scope: Scope, patient: Patient, reason: str | None, expected: Expected | None
) -> None:
    """Delete a patient with the whole record (:func:`delete_record`: clinicians and
    administrators, with a reason, on the version read)."""
    delete_record(scope, patient, reason, expected)


def read_patient(scope: Scope, patient: Patient) -> Patient:
    """Audit a read of the patient's summary (``GET /api/v1/patients/{id}``)."""
    audit(scope, Action.READ, patient)
    return patient


@dataclass(frozen=True)
class PatientRecord:
    """Everything the patient page shows, loaded in a fixed number of queries."""

    patient: Patient
    courses: list[TreatmentCourse]
    visits: list[Visit]
    adverse_events: list[AdverseEvent]


def load_record(scope: Scope, patient_id: object) -> PatientRecord:
    """The whole record of one patient of the clinic, audited as a read."""
    # The lookup stays outside the transaction: a denied attempt's audit event must survive.
    patient = scope.get(Patient, patient_id)
    with transaction.atomic():
        courses = list(patient.courses.select_related("screening").prefetch_related("doses").all())
        visits = list(
            patient.visits.prefetch_related(
                Prefetch("assessments", queryset=Assessment.objects.order_by("measure_id"))
            )
        )
        adverse_events = list(patient.adverse_events.all())
        audit(scope, Action.READ, patient, view="record")
    return PatientRecord(patient, courses, visits, adverse_events)


EXPORT_FIELDS = ("mrn", "family_name", "given_name", "birth_year", "sex")


def export_csv(scope: Scope) -> str:
    """The clinic's patient list as CSV, cells that a spreadsheet would run as a formula
    neutralised (OWASP ASVS 1.2.10); audited as one ``export`` event per patient."""
    rows = list(scope.rows(Patient).order_by("mrn"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    for p in rows:
        writer.writerow([_cell(getattr(p, f)) for f in EXPORT_FIELDS])
    with transaction.atomic():
        record_many(scope.actor, Action.EXPORT, "patient", [p.pk for p in rows], format="csv")
    return out.getvalue()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text

"""Treatment courses: screen and propose, start (with the screening snapshot), dose, stop.

Starting a course is one transaction: the course, its screening snapshot, the first dose of the
proposed plan and the audit event are saved together or not at all. Screening and the plan come
from the domain (:mod:`ldnderm.web.registry.clinical` wraps ``ldnderm.safety`` and
``ldnderm.dosing``); a ``contraindicated`` verdict blocks the start.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ldnderm.errors import InvalidInput
from ldnderm.web.audit.log import Action
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import CourseIn, CourseStopIn, DoseIn
from ldnderm.web.registry.models import DoseChange, Patient, ScreeningSnapshot, TreatmentCourse
from ldnderm.web.registry.services.common import audit


@dataclass(frozen=True)
class Proposal:
    """What the clinician sees before confirming a start: screening and a dosing plan."""

    patient: Patient
    screening: clinical.Screening
    plan: clinical.Plan

    @property
    def blocked(self) -> bool:
        return self.screening.verdict == "contraindicated"


def propose(scope: Scope, data: CourseIn) -> Proposal:
    """Screen the profile and propose a plan; writes nothing but the audit of the read."""
    patient = scope.get(Patient, data.patient_id)
    clinical.check_condition(data.condition_id)
    screening = clinical.screen(data.profile, data.started_on)
    plan = clinical.plan(data.condition_id, data.protocol_id, data.started_on)
    audit(scope, Action.READ, patient, view="course-proposal")
    return Proposal(patient, screening, plan)


def start_course(scope: Scope, data: CourseIn) -> TreatmentCourse:
    scope.require_prescriber()
    proposal = propose(scope, data)
    if proposal.blocked:
        raise InvalidInput("profile", "screening found a contraindication; the course cannot start")
    with transaction.atomic():
        course = TreatmentCourse.objects.create(
            patient=proposal.patient,
            condition_id=data.condition_id,
            protocol_id=proposal.plan.protocol_id,
            started_on=data.started_on,
            created_by=scope.user,
        )
        ScreeningSnapshot.objects.create(
            course=course,
            profile=proposal.screening.profile,
            verdict=proposal.screening.verdict,
            findings=proposal.screening.findings,
            plan=proposal.plan.as_json(),
            knowledge_version=proposal.screening.knowledge_version,
        )
        first = proposal.plan.steps[0] if proposal.plan.steps else None
        if first is not None:
            DoseChange.objects.create(
                course=course,
                changed_on=first.starts_on,
                mg_per_day=first.mg_per_day,
                formulation=proposal.plan.formulation,
                note="first step of the proposed plan",
            )
        audit(scope, Action.CREATE, course, verdict=proposal.screening.verdict)
    return course


def change_dose(scope: Scope, course: TreatmentCourse, data: DoseIn) -> DoseChange:
    scope.require_prescriber()
    if data.changed_on < course.started_on:
        raise InvalidInput("changed_on", "is before the course started", f">= {course.started_on}")
    with transaction.atomic():
        dose = DoseChange.objects.create(course=course, **data.model_dump())
        audit(scope, Action.CREATE, dose, mg_per_day=float(data.mg_per_day))
    return dose


def stop_course(scope: Scope, course: TreatmentCourse, data: CourseStopIn) -> TreatmentCourse:
    scope.require_prescriber()
    if course.stopped_on is not None:
        raise InvalidInput("stopped_on", "the course has already stopped")
    if data.stopped_on < course.started_on:
        raise InvalidInput("stopped_on", "is before the course started", f">= {course.started_on}")
    with transaction.atomic():
        course.stopped_on = data.stopped_on
        course.stop_reason = data.stop_reason
        course.stop_note = data.stop_note
        course.save(update_fields=["stopped_on", "stop_reason", "stop_note"])
        audit(scope, Action.UPDATE, course, stop_reason=data.stop_reason)
    return course


def delete_course(scope: Scope, course: TreatmentCourse) -> None:
    scope.require_prescriber()
    with transaction.atomic():
        audit(scope, Action.DELETE, course)
        course.delete()

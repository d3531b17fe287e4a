"""Adverse events: recorded, updated (resolution, action taken) and deleted, each audited."""

from __future__ import annotations

from django.db import transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.log import Action
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import AdverseEventIn, AdverseEventPatch
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse
from ldnderm.web.registry.services.common import audit, changed_fields, delete


def record_adverse_event(scope: Scope, data: AdverseEventIn) -> AdverseEvent:
    patient = scope.get(Patient, data.patient_id)
    course = None
    if data.course_id is not None:
        course = scope.get(TreatmentCourse, data.course_id, patient.courses.all())
    fields = data.model_dump(exclude={"patient_id", "course_id"})
    with transaction.atomic():
        event = AdverseEvent.objects.create(patient=patient, course=course, **fields)
        audit(scope, Action.CREATE, event, grade=event.grade)
    return event


def update_adverse_event(
    scope: Scope, event: AdverseEvent, data: AdverseEventPatch
) -> AdverseEvent:
    with transaction.atomic():
        diff = changed_fields(event, data.model_dump(exclude_unset=True))
        if event.resolved_on is not None and event.resolved_on < event.onset_on:
            raise InvalidInput("resolved_on", "is before the onset", f">= {event.onset_on}")
        if diff:
            event.save()
        audit(scope, Action.UPDATE, event, changes=diff)
    return event


def delete_adverse_event(scope: Scope, event: AdverseEvent) -> None:
    delete(scope, event)

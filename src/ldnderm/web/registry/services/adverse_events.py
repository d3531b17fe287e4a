"""Adverse events: recorded, updated (resolution, action taken) and deleted, each audited.

Any role that opens patient records may record an event and raise its grade; lowering the
grade, like deleting the event, is for clinicians and administrators."""

from __future__ import annotations

from django.db import transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.log import Action
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import AdverseEventIn, AdverseEventPatch
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse
from ldnderm.web.registry.services import plausible
from ldnderm.web.registry.services.common import (
    audit,
    changes_of,
    delete_record,
    update_record,
)
from ldnderm.web.registry.versions import Expected, locked


def record_adverse_event(scope: Scope, data: AdverseEventIn) -> AdverseEvent:
    patient = scope.get(Patient, data.patient_id)
    course = None
    if data.course_id is not None:
        course = scope.get(TreatmentCourse, data.course_id, patient.courses.all())
    today = scope.today()
    plausible.event_date("onset_on", data.onset_on, patient, course, today)
    plausible.not_after_tomorrow("resolved_on", data.resolved_on, today)
    fields = data.model_dump(exclude={"patient_id", "course_id"})
    with transaction.atomic():
        event = AdverseEvent.objects.create(patient=patient, course=course, **fields)
        audit(scope, Action.CREATE, event, grade=event.grade)
    return event


def update_adverse_event(
    scope: Scope, event: AdverseEvent, data: AdverseEventPatch, expected: Expected | None
) -> AdverseEvent:
    """Apply ``data`` to the event as it stands in the database, on the version read (the row
    is locked and read again, so a grade raised meanwhile cannot be lowered from a stale copy).
    Lowering the grade is for clinicians and administrators (audited as ``denied`` otherwise)."""
    changes = changes_of(data)
    today = scope.today()

    def check(current: AdverseEvent) -> None:
        if current.resolved_on is not None and current.resolved_on < current.onset_on:
            raise InvalidInput("resolved_on", "is before the onset", f">= {current.onset_on}")
        plausible.not_after_tomorrow("resolved_on", current.resolved_on, today)

    with transaction.atomic():
        current = locked(AdverseEvent, event.pk, expected, changes)
        lowers = changes.get("grade") is not None and changes["grade"] < current.grade
        if not lowers or scope.may_correct:
            return update_record(scope, current, changes, expected, check)
    # Outside the transaction, so that the ``denied`` audit event is kept.
    scope.deny_correction("lower-adverse-event-grade")


def delete_adverse_event(
    scope: Scope, event: AdverseEvent, reason: str | None, expected: Expected | None
) -> None:
    delete_record(scope, event, reason, expected)

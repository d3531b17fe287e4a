"""Who may take clinical information away: staff record and add; deleting a record or lowering
an adverse event's grade is for clinicians and administrators, needs a reason, and is audited.

The rule lives in the services (one implementation for the API, pages and CLI); these tests go
through both the API and the service layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.test import RequestFactory

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.access import AccessDenied, Scope, scope_for
from ldnderm.web.registry.inputs import AdverseEventPatch
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services import adverse_events, courses, visits
from ldnderm.web.registry.services.common import delete_record
from ldnderm.web.registry.versions import Expected
from tests.web.registry.personas import Record, login, user

pytestmark = pytest.mark.db

# (API path, record attribute, model)
RECORDS = [
    ("/api/v1/visits/{}", "visit", Visit),
    ("/api/v1/assessments/{}", "assessment", Assessment),
    ("/api/v1/adverse-events/{}", "adverse_event", AdverseEvent),
    ("/api/v1/courses/{}", "course", TreatmentCourse),
]


def scope(u: User) -> Scope:
    request = RequestFactory().get("/")
    request.user = u
    return scope_for(request)


@pytest.fixture
def adam(clinic_a: Clinic) -> User:
    return user("adam", clinic_a, "admin")


def _row(rec: Record, attr: str) -> models.Model:
    row = getattr(rec, attr)
    assert isinstance(row, models.Model)
    return row


@pytest.mark.parametrize(("path", "attr", "model"), RECORDS)
def test_staff_cannot_delete_a_clinical_record_through_the_api(
    bob: User, mine: Record, path: str, attr: str, model: type[models.Model]
) -> None:
    pk = _row(mine, attr).pk
    response = login(bob).delete(path.format(pk) + "?reason=duplicate")
    assert response.status_code == 403
    assert "clinician or administrator" in response.json()["detail"]
    assert model._default_manager.filter(pk=pk).exists()
    denied = AuditEvent.objects.get(user_id=bob.pk, action="denied")
    assert denied.detail["reason"] == "role staff"


@pytest.mark.parametrize(("path", "attr", "model"), RECORDS)
def test_a_clinician_deletes_with_a_reason_that_the_audit_row_keeps(
    alice: User, mine: Record, path: str, attr: str, model: type[models.Model]
) -> None:
    row = _row(mine, attr)
    query = "?reason=entered+on+the+wrong+patient&version=1"
    response = login(alice).delete(path.format(row.pk) + query)
    assert response.status_code == 204
    assert not model._default_manager.filter(pk=row.pk).exists()
    # attr is the audit name; rows deleted by cascade have their own events (other types).
    event = AuditEvent.objects.get(action="delete", object_type=attr, object_id=str(row.pk))
    assert event.detail["reason"] == "entered on the wrong patient"
    assert event.user_id == alice.pk and event.patient_id == mine.patient.pk


@pytest.mark.parametrize("query", ["", "?reason=", "?reason=%20%20"])
def test_a_deletion_without_a_reason_is_refused_naming_the_field(
    alice: User, mine: Record, query: str
) -> None:
    response = login(alice).delete(f"/api/v1/visits/{mine.visit.pk}{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"
    assert Visit.objects.filter(pk=mine.visit.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()


def _patch_grade(u: User, event: AdverseEvent, grade: int) -> Any:
    version = AdverseEvent.objects.get(pk=event.pk).version  # the version as the user read it
    return login(u).patch(
        f"/api/v1/adverse-events/{event.pk}",
        {"grade": grade},
        content_type="application/json",
        headers={"If-Match": f'"{version}"'},
    )


def test_staff_can_raise_an_adverse_event_grade_but_not_lower_it(bob: User, mine: Record) -> None:
    event = mine.adverse_event
    assert _patch_grade(bob, event, 3).status_code == 200
    lowered = _patch_grade(bob, event, 2)
    assert lowered.status_code == 403
    event.refresh_from_db()
    assert event.grade == 3
    assert AuditEvent.objects.filter(
        user_id=bob.pk, action="denied", object_id="lower-adverse-event-grade"
    ).exists()


@pytest.mark.parametrize("who", ["alice", "adam"])
def test_clinicians_and_administrators_can_lower_a_grade(
    who: str, alice: User, adam: User, mine: Record
) -> None:
    event = mine.adverse_event
    event.grade = 3
    event.save()
    assert _patch_grade({"alice": alice, "adam": adam}[who], event, 1).status_code == 200
    event.refresh_from_db()
    assert event.grade == 1


def test_a_grade_raised_meanwhile_is_not_lowered_from_a_stale_copy(bob: User, mine: Record) -> None:
    stale = AdverseEvent.objects.get(pk=mine.adverse_event.pk)  # grade 1, as bob loaded it
    AdverseEvent.objects.filter(pk=stale.pk).update(grade=5)  # a clinician raised it since
    with pytest.raises(AccessDenied):
        adverse_events.update_adverse_event(
            scope(bob), stale, AdverseEventPatch(grade=3), Expected(stale.version)
        )
    assert AdverseEvent.objects.get(pk=stale.pk).grade == 5


def test_the_services_refuse_staff_whichever_door_calls_them(bob: User, mine: Record) -> None:
    staff = scope(bob)
    calls: list[Callable[[], object]] = [
        lambda: visits.delete_visit(staff, mine.visit, "duplicate", None),
        lambda: visits.delete_assessment(staff, mine.assessment, "duplicate", None),
        lambda: adverse_events.delete_adverse_event(staff, mine.adverse_event, "duplicate", None),
        lambda: courses.delete_course(staff, mine.course, "duplicate", None),
        lambda: delete_record(staff, mine.dose, "duplicate", None),
        lambda: delete_record(staff, mine.patient, "duplicate", None),
        lambda: adverse_events.update_adverse_event(
            staff, mine.adverse_event, AdverseEventPatch(grade=1, notes=""), Expected(1)
        ),
    ]
    mine.adverse_event.grade = 2
    mine.adverse_event.save()
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert AuditEvent.objects.filter(user_id=bob.pk, action="denied").count() == len(calls)
    mine.adverse_event.refresh_from_db()
    assert mine.adverse_event.grade == 2
    assert DoseChange.objects.filter(pk=mine.dose.pk).exists()


def test_an_administrator_deletes_a_course_with_what_belongs_to_it(
    adam: User, mine: Record
) -> None:
    courses.delete_course(scope(adam), mine.course, "  started in error  ", Expected(1))
    assert not TreatmentCourse.objects.exists()
    assert not DoseChange.objects.exists() and not ScreeningSnapshot.objects.exists()
    event = AuditEvent.objects.get(action="delete", object_type="course")
    assert event.detail["reason"] == "started in error"


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501, "nul\x00"])
def test_the_service_names_the_reason_field_when_it_is_missing_or_unusable(
    alice: User, mine: Record, reason: str | None
) -> None:
    with pytest.raises(InvalidInput) as err:
        visits.delete_visit(scope(alice), mine.visit, reason, Expected(1))
    assert err.value.field == "reason"
    assert Visit.objects.filter(pk=mine.visit.pk).exists()

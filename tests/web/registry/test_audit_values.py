"""What the audit trail keeps of registry changes: the old and new value of every field an
update changes, and one row for every row a delete removes or changes by cascade."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.audit.verify import verify
from ldnderm.web.registry.access import Scope, scope_for
from ldnderm.web.registry.inputs import AdverseEventPatch, CourseStopIn, PatientPatch, VisitPatch
from ldnderm.web.registry.models import Assessment
from ldnderm.web.registry.services import adverse_events, courses, patients, visits
from ldnderm.web.registry.versions import Expected
from tests.web.registry.personas import Record

pytestmark = pytest.mark.db


def scope(user: User, ip: str = "203.0.113.9") -> Scope:
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    request.user = user
    return scope_for(request)


def last(action: str, object_type: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, object_type=object_type).latest("seq")


def test_a_patient_update_keeps_old_and_new_values_and_the_client_ip(
    alice: User, mine: Record
) -> None:
    patients.update_patient(
        scope(alice),
        mine.patient,
        PatientPatch(family_name="Newname", birth_year=1980),
        Expected(1),
    )
    event = last("update", "patient")
    # birth_year was already 1980: only what changed is kept.
    assert event.detail["changes"] == {"family_name": ["Ownpatient", "Newname"]}
    assert event.ip == "203.0.113.9" and event.username == "alice"


def test_visit_adverse_event_and_course_updates_keep_values_as_json(
    alice: User, mine: Record
) -> None:
    s = scope(alice)
    visits.update_visit(
        s, mine.visit, VisitPatch(visit_date=dt.date(2026, 1, 9), notes="ok"), Expected(1)
    )
    assert last("update", "visit").detail["changes"] == {
        "visit_date": ["2026-01-05", "2026-01-09"],
        "notes": ["", "ok"],
    }
    adverse_events.update_adverse_event(
        s, mine.adverse_event, AdverseEventPatch(grade=2), Expected(1)
    )
    assert last("update", "adverse_event").detail["changes"] == {"grade": [1, 2]}
    courses.stop_course(
        s,
        mine.course,
        CourseStopIn(stopped_on=dt.date(2026, 2, 1), stop_reason="response"),
        Expected(1),
    )
    assert last("update", "course").detail["changes"] == {
        "stopped_on": [None, "2026-02-01"],
        "stop_reason": ["", "response"],
    }
    visits.update_assessment(s, mine.assessment, {"score": 2}, Expected(1))
    changes = last("update", "assessment").detail["changes"]
    assert changes["responses"] == [{"score": 8}, {"score": 2}]
    assert changes["total"] == [8.0, 2.0]
    assert verify().ok


def test_deleting_a_course_audits_each_row_the_cascade_removes_or_changes(
    alice: User, mine: Record
) -> None:
    course_id, screening_id = mine.course.pk, mine.course.screening.pk
    courses.delete_course(scope(alice), mine.course, "entered in error", Expected(1))
    parent = last("delete", "course")
    assert parent.detail == {"reason": "entered in error"}
    cause = {"object_type": "course", "object_id": str(course_id), "seq": parent.seq}
    children = AuditEvent.objects.filter(detail__cascade_of__seq=parent.seq)
    deleted = {(e.object_type, e.object_id) for e in children if e.action == "delete"}
    assert deleted == {
        ("dose", str(mine.dose.pk)),
        ("screening", str(screening_id)),
    }
    updated = {(e.object_type, e.object_id): e.detail for e in children if e.action == "update"}
    # The visit and the adverse event stay, their course cleared: each an update.
    assert updated == {
        ("visit", str(mine.visit.pk)): {
            "cascade_of": cause,
            "changes": {"course": [course_id, None]},
        },
        ("adverse_event", str(mine.adverse_event.pk)): {
            "cascade_of": cause,
            "changes": {"course": [course_id, None]},
        },
    }
    assert {e.patient_id for e in children} == {mine.patient.pk}
    assert verify().ok


def test_deleting_a_visit_audits_its_assessments(alice: User, mine: Record) -> None:
    assessment_id = mine.assessment.pk
    visits.delete_visit(scope(alice), mine.visit, "entered in error", Expected(1))
    parent = last("delete", "visit")
    rows = AuditEvent.objects.filter(detail__cascade_of__seq=parent.seq)
    assert [(e.action, e.object_type, e.object_id) for e in rows] == [
        ("delete", "assessment", str(assessment_id))
    ]


def test_a_delete_that_cascades_nowhere_writes_one_row(alice: User, mine: Record) -> None:
    before, event_id = AuditEvent.objects.count(), mine.adverse_event.pk
    adverse_events.delete_adverse_event(scope(alice), mine.adverse_event, "duplicate", Expected(1))
    assert AuditEvent.objects.count() == before + 1
    assert last("delete", "adverse_event").object_id == str(event_id)


def test_a_rescore_keeps_what_it_changed(mine: Record) -> None:
    Assessment.objects.filter(pk=mine.assessment.pk).update(result={"stale": True}, total=0)
    visits.rescore()
    event = last("update", "assessment")
    assert event.username == "system:rescore" and event.detail["reason"] == "rescore"
    changes = event.detail["changes"]
    assert changes["total"] == [0.0, 8.0]
    assert changes["result"][0] == {"stale": True} and changes["result"][1]["total"] == 8
    assert verify().ok

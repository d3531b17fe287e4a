"""Optimistic concurrency through the API: every change names the version it was made on.

GET answers ``ETag: "<version>"``; PATCH and DELETE take it as ``If-Match`` (stale: 412) or as a
``version`` field or query parameter (stale: 409); neither is 428. A stale answer carries the
record as it now stands and the fields that differ; nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse, Visit
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db


def patch(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.patch(url, json.dumps(body), content_type="application/json", headers=headers)


ROUTES = [
    ("patients", "patient", {"notes": "changed"}),
    ("courses", "course", {"stopped_on": "2026-03-01", "stop_reason": "other"}),
    ("visits", "visit", {"notes": "changed"}),
    ("assessments", "assessment", {"responses": {"score": 2}}),
    ("adverse-events", "adverse_event", {"grade": 2}),
]


@pytest.mark.parametrize(("route", "attr", "body"), ROUTES)
def test_get_answers_the_version_as_a_strong_etag(
    alice: User, mine: Record, route: str, attr: str, body: dict[str, Any]
) -> None:
    answer = login(alice).get(f"/api/v1/{route}/{getattr(mine, attr).pk}")
    assert answer["ETag"] == '"1"'
    assert answer.json()["version"] == 1


@pytest.mark.parametrize(("route", "attr", "body"), ROUTES)
def test_a_patch_without_a_version_is_428_and_writes_nothing(
    alice: User, mine: Record, route: str, attr: str, body: dict[str, Any]
) -> None:
    row = getattr(mine, attr)
    answer = patch(login(alice), f"/api/v1/{route}/{row.pk}", body)
    assert answer.status_code == 428
    assert "If-Match" in answer.json()["detail"]
    row.refresh_from_db()
    assert row.version == 1
    assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.parametrize(("route", "attr", "body"), ROUTES)
def test_a_patch_on_the_current_version_applies_and_raises_it(
    alice: User, mine: Record, route: str, attr: str, body: dict[str, Any]
) -> None:
    row = getattr(mine, attr)
    answer = patch(login(alice), f"/api/v1/{route}/{row.pk}", body, **{"If-Match": '"1"'})
    assert answer.status_code == 200, answer.content
    assert answer.json()["version"] == 2 and answer["ETag"] == '"2"'
    row.refresh_from_db()
    assert row.version == 2


def test_a_stale_version_field_is_409_with_the_current_state_and_what_differs(
    alice: User, mine: Record
) -> None:
    c = login(alice)
    url = f"/api/v1/patients/{mine.patient.pk}"
    assert patch(c, url, {"notes": "first", "version": 1}).status_code == 200
    answer = patch(c, url, {"notes": "second", "version": 1})
    assert answer.status_code == 409
    body = answer.json()
    assert body["current"]["notes"] == "first" and body["current"]["version"] == 2
    assert body["changed"] == {"notes": {"yours": "second", "current": "first"}}
    assert answer["ETag"] == '"2"'
    assert Patient.objects.get(pk=mine.patient.pk).notes == "first"


def test_a_stale_if_match_is_412(alice: User, mine: Record) -> None:
    c = login(alice)
    url = f"/api/v1/visits/{mine.visit.pk}"
    assert patch(c, url, {"notes": "first"}, **{"If-Match": '"1"'}).status_code == 200
    answer = patch(c, url, {"notes": "second"}, **{"If-Match": '"1"'})
    assert answer.status_code == 412
    assert answer.json()["current"]["notes"] == "first"
    assert Visit.objects.get(pk=mine.visit.pk).notes == "first"


def test_if_match_wins_over_the_version_field(alice: User, mine: Record) -> None:
    url = f"/api/v1/visits/{mine.visit.pk}"
    answer = patch(login(alice), url, {"notes": "x", "version": 7}, **{"If-Match": '"1"'})
    assert answer.status_code == 200


@pytest.mark.parametrize("header", ['W/"1"', "*", '"1", "2"', "1"])
def test_an_if_match_that_names_no_single_strong_version_is_428(
    alice: User, mine: Record, header: str
) -> None:
    answer = patch(
        login(alice), f"/api/v1/visits/{mine.visit.pk}", {"notes": "x"}, **{"If-Match": header}
    )
    assert answer.status_code == 428
    assert Visit.objects.get(pk=mine.visit.pk).notes == ""


def test_a_delete_needs_the_current_version(alice: User, mine: Record) -> None:
    c = login(alice)
    url = f"/api/v1/adverse-events/{mine.adverse_event.pk}?reason=entered+twice"
    assert c.delete(url).status_code == 428
    stale = c.delete(url + "&version=2")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    assert c.delete(url, headers={"If-Match": '"2"'}).status_code == 412
    assert AdverseEvent.objects.filter(pk=mine.adverse_event.pk).exists()
    assert c.delete(url + "&version=1").status_code == 204
    assert not AdverseEvent.objects.filter(pk=mine.adverse_event.pk).exists()


def test_a_patient_is_deleted_with_the_whole_record_by_a_clinician(
    alice: User, bob: User, mine: Record
) -> None:
    url = f"/api/v1/patients/{mine.patient.pk}?reason=registered+twice&version=1"
    assert login(bob).delete(url).status_code == 403
    assert login(alice).delete(url).status_code == 204
    assert not Patient.objects.exists() and not TreatmentCourse.objects.exists()
    event = AuditEvent.objects.get(action="delete", object_type="patient")
    assert event.detail["reason"] == "registered twice"


def test_the_update_audit_keeps_old_and_new_values(alice: User, mine: Record) -> None:
    url = f"/api/v1/adverse-events/{mine.adverse_event.pk}"
    body = {"grade": 3, "notes": "woke at night", "version": 1}
    assert patch(login(alice), url, body).status_code == 200
    event = AuditEvent.objects.get(action="update", object_type="adverse_event")
    assert event.detail["changes"] == {"grade": [1, 3], "notes": ["", "woke at night"]}
    assert event.detail["version"] == 2


def test_an_unchanged_patch_keeps_the_version(alice: User, mine: Record) -> None:
    url = f"/api/v1/visits/{mine.visit.pk}"
    answer = patch(login(alice), url, {"notes": "", "version": 1})
    assert answer.status_code == 200 and answer.json()["version"] == 1


def test_a_second_stop_on_the_same_version_is_409(alice: User, mine: Record) -> None:
    c = login(alice)
    url = f"/api/v1/courses/{mine.course.pk}"
    body = {"stopped_on": "2026-03-01", "stop_reason": "response", "version": 1}
    assert patch(c, url, body).status_code == 200
    again = patch(c, url, body)
    assert again.status_code == 409
    assert again.json()["current"]["stopped_on"] == "2026-03-01"


def test_another_clinics_record_is_404_before_the_version_is_looked_at(
    alice: User, canary: Record
) -> None:
    answer = patch(login(alice), f"/api/v1/patients/{canary.patient.pk}", {"notes": "x"})
    assert answer.status_code == 404

"""The registry API end to end: create, read, update, delete, paginate, with validation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_a_clinician_runs_a_course_through_the_api(alice: User, mine: Record) -> None:
    c = login(alice)
    patient = send(
        c, "POST", "/api/v1/patients", {"mrn": "A-2", "given_name": "I", "family_name": "J"}
    )
    assert patient.status_code == 201
    pid = patient.json()["id"]
    course = send(
        c,
        "POST",
        "/api/v1/courses",
        {"patient_id": pid, "condition_id": "psoriasis", "started_on": "2026-02-02"},
    )
    assert course.status_code == 201, course.content
    cid = course.json()["id"]
    assert course.json()["screening"]["verdict"] == "ok"
    visit = send(
        c,
        "POST",
        "/api/v1/visits",
        {
            "patient_id": pid,
            "course_id": cid,
            "visit_date": "2026-02-02",
            "assessments": {"itch-nrs": {"score": 7}},
        },
    )
    assert visit.status_code == 201
    vid = visit.json()["id"]
    added = send(
        c,
        "POST",
        "/api/v1/assessments",
        {"visit_id": vid, "measure_id": "dlqi", "responses": {f"q{i}": 1 for i in range(1, 11)}},
    )
    assert added.status_code == 201 and added.json()["result"]["total"] == 10
    changed = send(
        c,
        "PATCH",
        f"/api/v1/assessments/{added.json()['id']}",
        {"responses": {f"q{i}": 0 for i in range(1, 11)}},
    )
    assert changed.json()["result"]["total"] == 0
    dose = send(
        c, "POST", f"/api/v1/courses/{cid}/doses", {"changed_on": "2026-03-01", "mg_per_day": 4.5}
    )
    assert dose.status_code == 201
    ae = send(
        c,
        "POST",
        "/api/v1/adverse-events",
        {
            "patient_id": pid,
            "course_id": cid,
            "term": "Insomnia",
            "grade": 2,
            "onset_on": "2026-02-10",
            "relatedness": "probable",
        },
    )
    assert ae.status_code == 201
    assert (
        send(
            c, "PATCH", f"/api/v1/adverse-events/{ae.json()['id']}", {"resolved_on": "2026-02-20"}
        ).status_code
        == 200
    )
    stopped = send(
        c,
        "PATCH",
        f"/api/v1/courses/{cid}",
        {"stopped_on": "2026-05-01", "stop_reason": "response"},
    )
    assert stopped.json()["stopped_on"] == "2026-05-01"
    page = c.get(f"/api/v1/visits?patient_id={pid}&limit=1").json()
    assert page["count"] == 1 and len(page["items"]) == 1
    assert c.delete(f"/api/v1/visits/{vid}").status_code == 204
    assert c.get(f"/api/v1/visits/{vid}").status_code == 404


def test_invalid_input_answers_422_with_the_field(alice: User, mine: Record) -> None:
    c = login(alice)
    bad = send(
        c,
        "POST",
        "/api/v1/visits",
        {
            "patient_id": mine.patient.pk,
            "visit_date": "2026-02-02",
            "assessments": {"itch-nrs": {"score": 12}},
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "assessments", "itch-nrs", "score"]
    grade = send(
        c,
        "POST",
        "/api/v1/adverse-events",
        {
            "patient_id": mine.patient.pk,
            "term": "x",
            "grade": 6,
            "onset_on": "2026-02-10",
            "relatedness": "possible",
        },
    )
    assert grade.status_code == 422


def test_a_duplicate_mrn_is_a_conflict(alice: User, mine: Record) -> None:
    body = {"mrn": "A-001", "given_name": "x", "family_name": "y"}
    assert send(login(alice), "POST", "/api/v1/patients", body).status_code == 409


def test_clinic_and_ownership_fields_cannot_be_written(
    alice: User, mine: Record, canary: Record
) -> None:
    body = {
        "mrn": "A-9",
        "given_name": "x",
        "family_name": "y",
        "clinic_id": canary.patient.clinic_id,
    }
    assert send(login(alice), "POST", "/api/v1/patients", body).status_code == 422

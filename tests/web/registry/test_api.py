"""The registry API end to end: create, read, update, delete, paginate, with validation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.models import Patient
from tests.safety.profiles import complete
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
        {
            "patient_id": pid,
            "condition_id": "psoriasis",
            "started_on": "2026-02-02",
            "profile": complete(as_of=None),
        },
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
        {"responses": {f"q{i}": 0 for i in range(1, 11)}, "version": added.json()["version"]},
    )
    assert changed.json()["result"]["total"] == 0
    assert changed.json()["version"] == 2 and changed["ETag"] == '"2"'
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
            c,
            "PATCH",
            f"/api/v1/adverse-events/{ae.json()['id']}",
            {"resolved_on": "2026-02-20", "version": 1},
        ).status_code
        == 200
    )
    stopped = send(
        c,
        "PATCH",
        f"/api/v1/courses/{cid}",
        {"stopped_on": "2026-05-01", "stop_reason": "response", "version": 1},
    )
    assert stopped.json()["stopped_on"] == "2026-05-01"
    page = c.get(f"/api/v1/visits?patient_id={pid}&limit=1").json()
    assert page["count"] == 1 and len(page["items"]) == 1
    etag = c.get(f"/api/v1/visits/{vid}")["ETag"]
    gone = c.delete(f"/api/v1/visits/{vid}?reason=entered+twice", headers={"If-Match": etag})
    assert gone.status_code == 204
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


# -- found by the schema fuzzer (tests/web/test_api_fuzz.py) ---------------------------------

HUGE = 2**70  # past the 64-bit integers SQLite and PostgreSQL hold


@pytest.mark.parametrize(
    ("route", "field"),
    [
        ("/api/v1/assessments", "visit_id"),
        ("/api/v1/assessments", "patient_id"),
        ("/api/v1/courses", "patient_id"),
        ("/api/v1/visits", "course_id"),
        ("/api/v1/adverse-events", "course_id"),
    ],
)
def test_an_id_filter_too_large_for_the_database_is_a_422(
    alice: User, mine: Record, route: str, field: str
) -> None:
    # Was a 500: the foreign-key lookup raised OverflowError on SQLite.
    answer = login(alice).get(f"{route}?{field}={HUGE}")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", field]


@pytest.mark.parametrize("route", ["/api/v1/patients", "/api/v1/visits", "/api/v1/courses"])
def test_an_offset_past_any_table_is_an_empty_page(alice: User, mine: Record, route: str) -> None:
    # Was a 500: OFFSET beyond 64 bits raised OverflowError on SQLite.
    answer = login(alice).get(f"{route}?offset={HUGE}")
    assert answer.status_code == 200
    assert answer.json()["items"] == [] and answer.json()["count"] >= 1


def test_a_body_id_too_large_for_the_database_is_a_422(alice: User, mine: Record) -> None:
    body = {"patient_id": HUGE, "visit_date": "2026-02-02"}
    answer = send(login(alice), "POST", "/api/v1/visits", body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "payload", "patient_id"]


def test_a_path_id_too_large_for_the_database_is_not_found(alice: User, mine: Record) -> None:
    c = login(alice)
    for route in ("patients", "courses", "visits", "assessments", "adverse-events"):
        assert c.get(f"/api/v1/{route}/{HUGE}").status_code == 404


def test_a_nul_in_text_is_a_422_naming_the_field(alice: User, mine: Record) -> None:
    # Was a 500 on PostgreSQL, which refuses NUL in text (DataError).
    body = {"mrn": "A-\x00-1", "given_name": "x", "family_name": "y"}
    answer = send(login(alice), "POST", "/api/v1/patients", body)
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["body", "payload", "mrn"] and "NUL character" in detail["msg"]
    assert not Patient.objects.filter(given_name="x").exists()


def test_a_nul_in_a_search_is_a_422_naming_the_field(alice: User, mine: Record) -> None:
    # Was a 500 on PostgreSQL: the search and its audit event carried the NUL.
    answer = login(alice).get("/api/v1/patients", {"q": "Own\x00"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "q"]


@pytest.mark.parametrize(
    ("text", "what"), [("\x00", "NUL character"), ("\ud800", "unpaired surrogate")]
)
def test_unstorable_text_nested_in_responses_is_a_422_naming_the_item(
    alice: User, mine: Record, text: str, what: str
) -> None:
    # Free-form JSON (``responses: Any``) was stored as sent: a 500 on PostgreSQL for NUL, on
    # both databases for a lone surrogate (not UTF-8). Typed text fields already refused those.
    url = f"/api/v1/assessments/{mine.assessment.pk}"
    answer = send(login(alice), "PATCH", url, {"responses": {"score": 3, "note": ["ok", text]}})
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["body", "payload", "responses"]
    assert "note.1" in detail["msg"] and what in detail["msg"]
    mine.assessment.refresh_from_db()
    assert mine.assessment.responses == {"score": 8}  # unchanged


@pytest.mark.parametrize(
    ("route", "field"),
    [("patients", "given_name"), ("visits", "notes"), ("adverse-events", "term")],
)
def test_a_patch_cannot_null_a_required_field(
    alice: User, mine: Record, route: str, field: str
) -> None:
    # Was a 409 "conflicts with an existing record": the NOT NULL constraint refused the save.
    ids = {
        "patients": mine.patient.pk,
        "visits": mine.visit.pk,
        "adverse-events": mine.adverse_event.pk,
    }
    answer = send(login(alice), "PATCH", f"/api/v1/{route}/{ids[route]}", {field: None})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "payload", field]
    mine.adverse_event.refresh_from_db()
    mine.patient.refresh_from_db()
    assert mine.adverse_event.term == "Vivid dreams" and mine.patient.given_name == "Test"

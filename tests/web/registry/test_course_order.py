"""One flow from screening to prescription: the screening at the course start carries a planned
operation's hold window into the plan, and the prescription and compounding order print from
the course (clinicians only, scoped to the clinic, audited)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import TreatmentCourse
from tests.safety.profiles import complete
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db

START = "2026-02-02"
OPERATION = {"date": "2026-03-20", "description": "hip replacement"}
PROFILE = complete(as_of=None, planned_dose_mg=None, sex="female", age=46) | {
    "planned_procedures": [OPERATION]
}


def _course(client: Client, record: Record, profile: dict[str, Any]) -> Any:
    body = {
        "patient_id": record.patient.pk,
        "condition_id": "psoriasis",
        "started_on": START,
        "profile": profile,
    }
    return client.post("/api/v1/courses", json.dumps(body), content_type="application/json")


def _started(alice: User, mine: Record) -> tuple[Client, int]:
    c = login(alice)
    started = _course(c, mine, PROFILE)
    assert started.status_code == 201, started.content
    return c, int(started.json()["id"])


def test_a_planned_operation_puts_its_hold_window_into_the_stored_plan(
    alice: User, mine: Record
) -> None:
    _, course_id = _started(alice, mine)
    course = TreatmentCourse.objects.get(pk=course_id)
    (hold,) = course.screening.plan["detail"]["holds"]
    assert (hold["procedure_on"], hold["hold_from"]) == ("2026-03-20", "2026-03-17")
    assert hold["rule"] in {f["rule"] for f in course.screening.findings}


def test_the_course_start_page_shows_the_hold_window(alice: User, mine: Record) -> None:
    c = login(alice)
    body = {
        "condition_id": "psoriasis",
        "started_on": START,
        "preview": "1",
        "medications_status": "none",
        "allergies_status": "none",
        "procedures_status": "listed",
        "planned_procedures": "2026-03-20 | hip replacement | yes",
        "hepatic": "normal",
        "renal": "normal",
        "opioid_use_disorder_history": "no",
        "pregnant": "no",
        "breastfeeding": "no",
    }
    text = c.post(f"/registry/patients/{mine.patient.pk}/courses/new/", body).content.decode()
    assert 'id="hold-windows"' in text and "2026-03-17" in text


def test_the_order_prints_from_the_course_and_is_audited(alice: User, mine: Record) -> None:
    c, course_id = _started(alice, mine)
    response = c.get(f"/registry/courses/{course_id}/order/", {"days": "28", "form": "capsule"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="rx"' in text and "capsule" in text.lower()
    assert 'id="hold-windows"' in text and "hip replacement" in text
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(object_type="course", object_id=str(course_id), action="read")
    assert event.detail["view"] == "course-order" and event.detail["days"] == 28


@pytest.mark.parametrize(
    ("query", "field"), [({"days": "0"}, "days"), ({"days": "x"}, "days"), ({"form": "x"}, "form")]
)
def test_bad_options_name_the_field(
    alice: User, mine: Record, query: dict[str, str], field: str
) -> None:
    c, course_id = _started(alice, mine)
    response = c.get(f"/registry/courses/{course_id}/order/", query)
    assert response.status_code == 400 and f"{field}:" in response.content.decode()


def test_a_course_without_a_stored_plan_prints_no_order(alice: User, mine: Record) -> None:
    response = login(alice).get(f"/registry/courses/{mine.course.pk}/order/")
    assert response.status_code == 400
    assert "no stored dosing plan" in response.content.decode()


def test_a_course_without_a_stored_screening_prints_no_order(alice: User, mine: Record) -> None:
    mine.course.screening.delete()
    response = login(alice).get(f"/registry/courses/{mine.course.pk}/order/")
    assert response.status_code == 400
    assert "no screening was stored" in response.content.decode()


def test_a_stopped_course_prints_no_order(alice: User, mine: Record) -> None:
    c, course_id = _started(alice, mine)
    TreatmentCourse.objects.filter(pk=course_id).update(stopped_on="2026-03-01")
    response = c.get(f"/registry/courses/{course_id}/order/")
    assert response.status_code == 400 and "stopped" in response.content.decode()


def test_staff_may_not_print_a_prescription(alice: User, bob: User, mine: Record) -> None:
    _, course_id = _started(alice, mine)
    assert login(bob).get(f"/registry/courses/{course_id}/order/").status_code == 403


def test_another_clinic_gets_404(alice: User, carol: User, mine: Record) -> None:
    _, course_id = _started(alice, mine)
    assert login(carol).get(f"/registry/courses/{course_id}/order/").status_code == 404

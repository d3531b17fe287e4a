"""Plausible dates, enforced by the services for every door (issue 13 scope 3): the cases the
issue found accepted now answer 422 naming the field, and nothing is stored.

Nothing happens before the patient's birth year or (under a course) before the course start;
visits, doses and adverse events are dated by tomorrow at the clinic; a course may start up to
90 days ahead; a birth year is not in the future.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.test.client import RequestFactory

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.models import User
from ldnderm.web.registry.access import scope_for
from ldnderm.web.registry.inputs import CoursePatch, PatientPatch, VisitIn
from ldnderm.web.registry.models import (
    AdverseEvent,
    DoseChange,
    Patient,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services import courses, patients, visits
from ldnderm.web.registry.versions import Expected
from tests.web.registry.personas import Record, login
from tests.web.registry.test_course_gate import COMPLETE

pytestmark = pytest.mark.db


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


def refused(answer: Any, field: str) -> str:
    assert answer.status_code == 422, answer.content
    detail = answer.json()["detail"][0]
    assert detail["loc"][-1] == field
    return str(detail["msg"])


def today(u: User) -> dt.date:
    assert u.clinic is not None
    return clinic_today(u.clinic)


@pytest.mark.parametrize(
    ("started_on", "reason"),
    [
        ("1850-01-01", "years 1900-2100"),  # the case: out of range before anything else
        ("1950-01-01", "birth year 1980"),  # in range, but before the patient was born
    ],
)
def test_a_course_starting_before_a_patient_born_in_1980_is_refused(
    alice: User, mine: Record, started_on: str, reason: str
) -> None:
    body = {
        "patient_id": mine.patient.pk,
        "condition_id": "psoriasis",
        "started_on": started_on,
        "profile": COMPLETE,
    }
    msg = refused(post(login(alice), "/api/v1/courses", body), "started_on")
    assert reason in msg
    assert TreatmentCourse.objects.count() == 1


def test_a_visit_in_1849_is_refused(alice: User, mine: Record) -> None:
    body = {"patient_id": mine.patient.pk, "visit_date": "1849-06-01"}
    refused(post(login(alice), "/api/v1/visits", body), "visit_date")
    assert Visit.objects.count() == 1


def test_a_visit_in_2099_is_refused(alice: User, mine: Record) -> None:
    body = {"patient_id": mine.patient.pk, "visit_date": "2099-06-01"}
    msg = refused(post(login(alice), "/api/v1/visits", body), "visit_date")
    assert "in the future" in msg
    assert Visit.objects.count() == 1


def test_a_dose_in_2099_is_refused(alice: User, mine: Record) -> None:
    url = f"/api/v1/courses/{mine.course.pk}/doses"
    refused(post(login(alice), url, {"changed_on": "2099-01-01", "mg_per_day": 3}), "changed_on")
    assert DoseChange.objects.count() == 1


def test_an_adverse_event_in_2099_is_refused(alice: User, mine: Record) -> None:
    body = {
        "patient_id": mine.patient.pk,
        "term": "Headache",
        "grade": 1,
        "onset_on": "2099-01-01",
        "relatedness": "possible",
    }
    refused(post(login(alice), "/api/v1/adverse-events", body), "onset_on")
    assert AdverseEvent.objects.count() == 1


def test_birth_year_2099_is_refused(alice: User) -> None:
    body = {"mrn": "N-1", "given_name": "N", "family_name": "N", "birth_year": 2099}
    msg = refused(post(login(alice), "/api/v1/patients", body), "birth_year")
    assert f"a year up to {today(alice).year}" in msg
    assert not Patient.objects.exists()


def test_tomorrow_at_the_clinic_is_the_latest_visit_date(alice: User, mine: Record) -> None:
    c = login(alice)
    tomorrow = today(alice) + dt.timedelta(days=1)
    ok = post(c, "/api/v1/visits", {"patient_id": mine.patient.pk, "visit_date": str(tomorrow)})
    assert ok.status_code == 201
    later = str(tomorrow + dt.timedelta(days=1))
    refused(
        post(c, "/api/v1/visits", {"patient_id": mine.patient.pk, "visit_date": later}),
        "visit_date",
    )


def test_a_course_may_start_up_to_90_days_ahead(alice: User, mine: Record) -> None:
    c = login(alice)
    body = {"patient_id": mine.patient.pk, "condition_id": "psoriasis", "profile": COMPLETE}
    latest = today(alice) + dt.timedelta(days=90)
    too_late = post(
        c, "/api/v1/courses", {**body, "started_on": str(latest + dt.timedelta(days=1))}
    )
    assert "90 days ahead" in refused(too_late, "started_on")
    assert (
        post(c, "/api/v1/courses/preview", {**body, "started_on": str(latest)}).status_code == 200
    )


def test_a_visit_under_a_course_is_not_before_its_start(alice: User, mine: Record) -> None:
    body = {"patient_id": mine.patient.pk, "course_id": mine.course.pk, "visit_date": "2026-01-04"}
    assert "before the course started" in refused(
        post(login(alice), "/api/v1/visits", body), "visit_date"
    )


def test_a_visit_moved_into_the_future_is_refused(alice: User, mine: Record) -> None:
    url = f"/api/v1/visits/{mine.visit.pk}"
    answer = login(alice).patch(
        url, json.dumps({"visit_date": "2099-01-01", "version": 1}), content_type="application/json"
    )
    refused(answer, "visit_date")
    mine.visit.refresh_from_db()
    assert mine.visit.visit_date == dt.date(2026, 1, 5) and mine.visit.version == 1


def _scope(u: User) -> Any:
    request = RequestFactory().get("/")
    request.user = u
    return scope_for(request)


def test_a_birth_year_after_the_patients_first_record_is_refused(alice: User, mine: Record) -> None:
    Visit.objects.create(patient=mine.patient, visit_date=dt.date(2020, 3, 1))
    with pytest.raises(InvalidInput) as err:
        patients.update_patient(
            _scope(alice), mine.patient, PatientPatch(birth_year=2021), Expected(1)
        )
    assert err.value.field == "birth_year" and "first record (2020)" in err.value.problem
    assert Patient.objects.get(pk=mine.patient.pk).birth_year == 1980


def test_a_course_start_moved_after_its_first_dose_is_refused(alice: User, mine: Record) -> None:
    with pytest.raises(InvalidInput) as err:
        courses.update_course(
            _scope(alice), mine.course, CoursePatch(started_on=dt.date(2026, 1, 6)), Expected(1)
        )
    assert err.value.field == "started_on" and "first record" in err.value.problem


def test_the_service_refuses_for_every_door(alice: User, mine: Record) -> None:
    with pytest.raises(InvalidInput) as err:
        visits.record_visit(
            _scope(alice), VisitIn(patient_id=mine.patient.pk, visit_date=dt.date(2099, 1, 1))
        )
    assert err.value.field == "visit_date"

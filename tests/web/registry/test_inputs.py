"""Registry input dates lie in the years 1900-2100, at the API (422 naming the field) and on
the pages (the form error on the field); nothing is saved otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.models import AdverseEvent, DoseChange, TreatmentCourse, Visit
from tests.safety.profiles import complete
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db

YEARS = "year {year} is out of range (allowed: a date in the years 1900-2100)"


def send(user: User, method: str, url: str, body: dict[str, Any]) -> Any:
    return login(user).generic(method, url, json.dumps(body), content_type="application/json")


def cases(mine: Record) -> list[tuple[str, str, dict[str, Any], str]]:
    p, c, v = mine.patient.pk, mine.course.pk, mine.visit.pk
    return [
        ("POST", "/api/v1/visits", {"patient_id": p, "visit_date": "1849-06-01"}, "visit_date"),
        ("PATCH", f"/api/v1/visits/{v}", {"visit_date": "9999-12-31"}, "visit_date"),
        (
            "POST",
            "/api/v1/courses",
            {
                "patient_id": p,
                "condition_id": "psoriasis",
                "started_on": "9999-12-30",
                "profile": complete(as_of=None),
            },
            "started_on",
        ),
        (
            "POST",
            f"/api/v1/courses/{c}/doses",
            {"changed_on": "2101-01-01", "mg_per_day": 3},
            "changed_on",
        ),
        (
            "PATCH",
            f"/api/v1/courses/{c}",
            {"stopped_on": "0001-01-01", "stop_reason": "completed"},
            "stopped_on",
        ),
        (
            "POST",
            "/api/v1/adverse-events",
            {
                "patient_id": p,
                "term": "Headache",
                "grade": 1,
                "onset_on": "2099-01-01",
                "resolved_on": "2199-01-01",
                "relatedness": "possible",
            },
            "resolved_on",
        ),
    ]


def snapshot() -> tuple[object, ...]:
    return (
        list(Visit.objects.values()),
        list(TreatmentCourse.objects.values()),
        list(DoseChange.objects.values()),
        list(AdverseEvent.objects.values()),
    )


def test_the_api_refuses_dates_outside_the_years_naming_the_field(
    alice: User, mine: Record
) -> None:
    before = snapshot()
    for method, url, body, field in cases(mine):
        response = send(alice, method, url, body)
        assert response.status_code == 422, (url, response.content)
        detail = response.json()["detail"][0]
        assert detail["loc"][-1] == field, (url, detail)
        assert "is out of range (allowed: a date in the years 1900-2100)" in detail["msg"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("page", "data", "year"),
    [
        ("visits/new/", {"visit_date": "9999-12-31"}, 9999),
        ("adverse-events/new/", {"term": "Rash", "grade": "1", "onset_on": "1849-01-01"}, 1849),
    ],
)
def test_a_page_shows_the_error_on_the_field_and_saves_nothing(
    alice: User, mine: Record, page: str, data: dict[str, str], year: int
) -> None:
    before = snapshot()
    form = {"relatedness": "possible", "action": "none", **data}
    response = login(alice).post(f"/registry/patients/{mine.patient.pk}/{page}", form)
    assert response.status_code == 200
    assert YEARS.format(year=year) in response.content.decode()
    assert snapshot() == before


def test_starting_a_course_on_9999_12_31_shows_the_error_not_a_500(
    alice: User, mine: Record
) -> None:
    response = login(alice).post(
        f"/registry/patients/{mine.patient.pk}/courses/new/",
        {"condition_id": "psoriasis", "started_on": "9999-12-31", "confirm": "1"},
    )
    assert response.status_code == 200
    assert YEARS.format(year=9999) in response.content.decode()


@pytest.mark.parametrize(("path", "field"), [("stop/", "stopped_on"), ("dose/", "changed_on")])
def test_course_changes_refuse_them_too(alice: User, mine: Record, path: str, field: str) -> None:
    form = {field: "2101-03-04", "stop_reason": "completed", "mg_per_day": "3"}
    response = login(alice).post(f"/registry/courses/{mine.course.pk}/{path}", form)
    assert response.status_code == 200
    assert YEARS.format(year=2101) in response.content.decode()

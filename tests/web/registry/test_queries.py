"""Query counts are bounded: the list and the patient page do not grow with the data (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.models import DoseChange, Patient, TreatmentCourse, Visit
from tests.web.registry.personas import Record, assessment, login, record

pytestmark = pytest.mark.db


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200
    return len(ctx.captured_queries)


def test_a_patient_with_100_visits_renders_in_a_bounded_number_of_queries(
    alice: User, mine: Record
) -> None:
    client = login(alice)
    url = f"/registry/patients/{mine.patient.pk}/"
    small = _queries(client, url)
    start = dt.date(2025, 1, 1)
    for i in range(100):
        visit = Visit.objects.create(
            patient=mine.patient, course=mine.course, visit_date=start + dt.timedelta(days=7 * i)
        )
        assessment(visit, "itch-nrs", {"score": i % 11})
        assessment(visit, "dlqi", {f"q{n}": i % 3 for n in range(1, 11)})
    DoseChange.objects.create(course=mine.course, changed_on=start, mg_per_day=3)
    large = _queries(client, url)
    assert large == small
    # Includes the session save that renews the idle timeout, the user's clinic (its time zone
    # and demo flag), the audit append (the audit row, and locking then moving the hash
    # chain's head: ldnderm.web.audit.chain), and the clinic's clinicians (the
    # responsible-clinician picker).
    assert large <= 19


def test_the_patient_list_is_bounded(alice: User, mine: Record) -> None:
    assert alice.clinic is not None
    client = login(alice)
    small = _queries(client, "/registry/patients/")
    for i in range(30):
        p = record(alice.clinic, f"Family{i}", f"A-{100 + i}").patient
        TreatmentCourse.objects.create(
            patient=p, condition_id="psoriasis", started_on=dt.date(2026, 2, 1)
        )
    assert Patient.objects.count() == 31
    assert _queries(client, "/registry/patients/") == small


def test_the_api_list_is_bounded(alice: User, mine: Record) -> None:
    assert alice.clinic is not None
    client = login(alice)
    small = _queries(client, "/api/v1/visits")
    for i in range(20):
        record(alice.clinic, f"Family{i}", f"A-{200 + i}")
    assert _queries(client, "/api/v1/visits") == small
    assert _queries(client, "/api/v1/courses") == _queries(client, "/api/v1/courses?limit=1")

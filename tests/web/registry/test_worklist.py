"""The dashboard's worklist: due and overdue visits from the plan, titration steps due, stale
screens and open adverse events, per responsible clinician, in the clinic's time zone, in a
bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import (
    AdverseEvent,
    DoseChange,
    Patient,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services.worklist import day
from tests.web.registry.personas import login, user

pytestmark = pytest.mark.db


def _patient(clinic: Clinic, name: str, responsible: User | None, started_days_ago: int) -> Patient:
    """An active psoriasis course started ``started_days_ago``, with a plan of visits at weeks
    0, 4 and 12 and steps of 1.5 mg (day 0) and 3 mg (day 14), the first dose recorded."""
    today = clinic_today(clinic)
    start = today - dt.timedelta(days=started_days_ago)
    patient = Patient.objects.create(
        clinic=clinic, mrn=f"M-{name}", given_name="Test", family_name=name, responsible=responsible
    )
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="psoriasis", started_on=start
    )
    plan = {
        "steps": [
            {"starts_on": start.isoformat(), "mg_per_day": 1.5},
            {"starts_on": (start + dt.timedelta(days=14)).isoformat(), "mg_per_day": 3},
        ],
        "detail": {
            "visits": [
                {"date": (start + dt.timedelta(weeks=w)).isoformat(), "week": w} for w in (0, 4, 12)
            ]
        },
    }
    ScreeningSnapshot.objects.create(
        course=course, verdict="ok", findings=[], plan=plan, knowledge_version="test"
    )
    DoseChange.objects.create(course=course, changed_on=start, mg_per_day=Decimal("1.5"))
    Visit.objects.create(patient=patient, course=course, visit_date=start)
    return patient


def _items(page: str) -> str:
    return page.split('id="work-items"')[1].split("</table>")[0]


def test_a_visit_due_this_week_is_listed_with_the_condition_and_week(alice: User) -> None:
    assert alice.clinic is not None
    _patient(alice.clinic, "Duesoon", alice, started_days_ago=26)
    page = login(alice).get("/registry/").content.decode()
    assert "Worklist" in page
    assert "Duesoon, Test" in page
    assert "Psoriasis: week 4" in _items(page)
    planned = clinic_today(alice.clinic) + dt.timedelta(days=2)
    assert day(planned) in page


def test_a_missed_visit_is_overdue_and_a_kept_one_is_not_listed(alice: User) -> None:
    assert alice.clinic is not None
    missed = _patient(alice.clinic, "Missed", alice, started_days_ago=50)
    kept = _patient(alice.clinic, "Kept", alice, started_days_ago=50)
    Visit.objects.create(
        patient=kept,
        visit_date=clinic_today(alice.clinic) - dt.timedelta(days=20),
    )
    page = login(alice).get("/registry/").content.decode()
    rows = [r for r in page.split("<tr") if "work-visit" in r]
    assert any("Missed" in r and "overdue" in r for r in rows)
    assert not any("Kept" in r for r in rows)
    assert missed.pk


def test_a_titration_step_whose_date_came_is_due_until_its_dose_is_recorded(alice: User) -> None:
    assert alice.clinic is not None
    p = _patient(alice.clinic, "Stepper", alice, started_days_ago=20)
    client = login(alice)
    assert "3 mg a day" in client.get("/registry/").content.decode()
    course = p.courses.get()
    DoseChange.objects.create(
        course=course, changed_on=clinic_today(alice.clinic), mg_per_day=Decimal(3)
    )
    assert "3 mg a day" not in client.get("/registry/").content.decode()


def test_a_screen_older_than_90_days_and_an_open_adverse_event_are_listed(alice: User) -> None:
    assert alice.clinic is not None
    p = _patient(alice.clinic, "Oldscreen", alice, started_days_ago=10)
    ScreeningSnapshot.objects.filter(course__patient=p).update(
        taken_at=timezone.now() - dt.timedelta(days=91)
    )
    AdverseEvent.objects.create(
        patient=p,
        term="Vivid dreams",
        grade=1,
        onset_on=clinic_today(alice.clinic),
        relatedness="possible",
    )
    AdverseEvent.objects.create(
        patient=p,
        term="Headache",
        grade=1,
        onset_on=clinic_today(alice.clinic),
        resolved_on=clinic_today(alice.clinic),
        relatedness="possible",
    )
    page = login(alice).get("/registry/").content.decode()
    assert "Screen again" in page and "screened" in page
    assert "Vivid dreams (grade 1)" in page
    assert "Headache" not in page


def test_each_clinician_sees_their_own_items_and_the_whole_clinic(
    alice: User, clinic_a: Clinic
) -> None:
    dora = user("dora", clinic_a, "clinician")
    _patient(clinic_a, "Alicesown", alice, started_days_ago=26)
    _patient(clinic_a, "Dorasown", dora, started_days_ago=26)
    _patient(clinic_a, "Nobodys", None, started_days_ago=26)
    client = login(alice)
    whole = client.get("/registry/").content.decode()
    assert all(n in whole for n in ("Alicesown", "Dorasown", "Nobodys"))
    mine = client.get(f"/registry/?clinician={alice.pk}").content.decode()
    items = _items(mine)
    assert "Alicesown" in items and "Dorasown" not in items and "Nobodys" not in items
    unassigned = client.get("/registry/?clinician=unassigned").content.decode()
    assert "Nobodys" in _items(unassigned) and "Alicesown" not in _items(unassigned)
    # An unknown filter value shows the whole clinic, never an error.
    assert client.get("/registry/?clinician=x'--").status_code == 200


def test_another_clinics_patients_never_appear(alice: User, carol: User) -> None:
    assert carol.clinic is not None
    _patient(carol.clinic, "Zanzibarcanary", carol, started_days_ago=26)
    assert "Zanzibarcanary" not in login(alice).get("/registry/").content.decode()


def test_listed_patients_are_audited_and_researchers_get_no_worklist(
    alice: User, rita: User
) -> None:
    assert alice.clinic is not None
    p = _patient(alice.clinic, "Audited", alice, started_days_ago=26)
    login(alice).get("/registry/")
    assert AuditEvent.objects.filter(action="list", patient_id=p.pk).exists()
    page = login(rita).get("/registry/").content.decode()
    assert "Worklist" not in page and "Audited" not in page


def test_the_worklist_uses_a_bounded_number_of_queries(alice: User) -> None:
    assert alice.clinic is not None
    client = login(alice)
    _patient(alice.clinic, "First", alice, started_days_ago=26)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/registry/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(15):
        p = _patient(alice.clinic, f"More{i}", alice if i % 2 else None, started_days_ago=26)
        AdverseEvent.objects.create(
            patient=p,
            term="Nausea",
            grade=1,
            onset_on=p.courses.get().started_on,
            relatedness="possible",
        )
    assert count() == small


def test_today_is_the_clinics_date(alice: User, clinic_a: Clinic) -> None:
    """Planned for the clinic's tomorrow-in-Auckland: a week ahead there is still listed."""
    clinic_a.time_zone = "Pacific/Auckland"
    clinic_a.save()
    alice.refresh_from_db()
    _patient(clinic_a, "Kiwi", alice, started_days_ago=21)
    page = login(alice).get("/registry/").content.decode()
    assert day(clinic_today(clinic_a)) in page
    assert "Kiwi" in page


def test_the_demo_shares_its_patients_between_clinicians_and_leaves_some_unassigned() -> None:
    from ldnderm.web.registry import demo

    demo.load(seed=1)
    clinic = Clinic.objects.get(slug="northside")
    owners = {p.responsible.username if p.responsible else None for p in clinic.patients.all()}
    assert owners == {"clinician-northside", "admin-northside", None}

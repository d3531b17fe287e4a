"""A small clinic for the browser tests: a clinician, and a patient with an active course whose
plan has a visit due in two days, three DLQI and itch scores and two doses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group

from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import (
    DoseChange,
    Patient,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)
from tests.web.registry.personas import assessment

PASSWORD = "a long enough passphrase"


def clinician_with_a_patient() -> tuple[User, Patient]:
    clinic = Clinic.objects.create(name="Browser clinic", slug="browser")
    user = User.objects.create_user("dana", password=PASSWORD, clinic=clinic)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    start = clinic_today(clinic) - dt.timedelta(days=26)
    patient = Patient.objects.create(
        clinic=clinic, mrn="B-1", given_name="Ada", family_name="Duesoon", responsible=user
    )
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="psoriasis", protocol_id="ldn-titration", started_on=start
    )
    plan = {
        "steps": [{"starts_on": start.isoformat(), "mg_per_day": 1.5}],
        "detail": {
            "visits": [
                {"date": (start + dt.timedelta(weeks=w)).isoformat(), "week": w} for w in (0, 4)
            ]
        },
    }
    ScreeningSnapshot.objects.create(
        course=course, verdict="ok", findings=[], plan=plan, knowledge_version="test"
    )
    DoseChange.objects.create(course=course, changed_on=start, mg_per_day=Decimal("1.5"))
    DoseChange.objects.create(
        course=course, changed_on=start + dt.timedelta(days=14), mg_per_day=Decimal(3)
    )
    for days, dlqi, itch in ((0, 2, 8), (6, 1, 6), (12, 1, 3)):
        visit = Visit.objects.create(
            patient=patient, course=course, visit_date=start + dt.timedelta(days=days)
        )
        assessment(visit, "dlqi", {f"q{n}": dlqi for n in range(1, 11)})
        assessment(visit, "itch-nrs", {"score": itch})
    return user, patient


def log_in(page: Any, base: str, username: str = "dana") -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

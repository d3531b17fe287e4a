"""Plain builders for registry tests: two clinics, a user of each role, one full record each.

Clinic B's patient is the *canary*: its name and MRN must never appear in anything a clinic A
user receives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.test import Client

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services.visits import score

PASSWORD = "correct horse battery staple"
CANARY = "Zanzibarcanary"
START = dt.date(2026, 1, 5)


@dataclass
class Record:
    patient: Patient
    course: TreatmentCourse
    dose: DoseChange
    visit: Visit
    assessment: Assessment
    adverse_event: AdverseEvent


def user(username: str, clinic: Clinic | None, role: str | None) -> User:
    u = User.objects.create_user(username, password=PASSWORD, clinic=clinic)
    if role:
        u.groups.add(Group.objects.get_or_create(name=role)[0])
    return u


def login(u: User) -> Client:
    c = Client()
    c.force_login(u)
    return c


def assessment(visit: Visit, measure_id: str, responses: dict[str, object]) -> Assessment:
    result = score(measure_id, responses)
    return Assessment.objects.create(
        visit=visit,
        measure_id=measure_id,
        responses=responses,
        result=result.model_dump(mode="json"),
        total=Decimal(result.total) if result.total is not None else None,
        measure_version=result.version,
        knowledge_version=result.knowledge_version,
    )


def record(clinic: Clinic, family_name: str, mrn: str) -> Record:
    patient = Patient.objects.create(
        clinic=clinic, mrn=mrn, given_name="Test", family_name=family_name, birth_year=1980
    )
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="psoriasis", protocol_id="ldn-titration", started_on=START
    )
    ScreeningSnapshot.objects.create(
        course=course, verdict="ok", findings=[], plan={}, knowledge_version="test"
    )
    dose = DoseChange.objects.create(course=course, changed_on=START, mg_per_day=Decimal("1.5"))
    visit = Visit.objects.create(patient=patient, course=course, visit_date=START)
    a = assessment(visit, "itch-nrs", {"score": 8})
    event = AdverseEvent.objects.create(
        patient=patient,
        course=course,
        term="Vivid dreams",
        grade=1,
        onset_on=START,
        relatedness="possible",
    )
    return Record(patient, course, dose, visit, a, event)

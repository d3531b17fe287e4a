"""Synthetic demonstration data: two demo clinics, a user of each role in each, about 50 patients.

Idempotent: clinics, groups and users are created once, each new user with a random password
(printed once, never stored in clear, so no default credential exists); patients are generated
only for a demo clinic that has none. An existing user is left as it is: its password changes
only with ``reset_passwords`` (``ldnderm demo --reset-passwords``, the way to get the log-ins
back). The clinics are flagged ``demo`` (every page of theirs says so); a clinic or user of the
same name that is not part of a demo clinic is never touched: the run is refused instead.
Trajectories follow a simple model: a baseline severity, a response that builds over 12 weeks
for about 60% of courses, and noise. Answers are produced from each measure's generated form
(``measure_forms``) and scored by ``ldnderm.measures`` like any other assessment. Everything
here is synthetic; no real person is described.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.models import ADMIN, ROLES, Clinic, User
from ldnderm.web.audit.log import Action, Actor, bulk_record
from ldnderm.web.registry import clinical
from ldnderm.web.registry.measure_forms import form_for, scorable
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

CLINICS = (("Northside Dermatology", "northside"), ("Riverside Skin Clinic", "riverside"))
PATIENTS_PER_CLINIC = 25
CONDITIONS = (
    "psoriasis",
    "prurigo-nodularis",
    "hidradenitis-suppurativa",
    "chronic-urticaria",
    "hailey-hailey-disease",
    "lichen-planopilaris",
)
GIVEN = ("Ada", "Bram", "Cleo", "Dev", "Elin", "Femi", "Goran", "Hana", "Ivo", "Jun", "Kaia", "Lev")
FAMILY = ("Archer", "Brook", "Castell", "Dunmore", "Ellery", "Fairlie", "Garrow", "Holt", "Ives")
AE_TERMS = ("Vivid dreams", "Insomnia", "Headache", "Nausea", "Fatigue", "Anxiety")
WEEKS = (0, 4, 8, 12, 24)
SYSTEM = Actor(user_id=None, username="system:demo", clinic_id=None)


@dataclass(frozen=True)
class Credential:
    """A demo account; ``password`` only when this run set it (a new user, or a reset)."""

    username: str
    password: str | None
    role: str
    clinic: str
    created: bool


def has_data() -> bool:
    return Patient.objects.exists()


def load(
    seed: int = 20261125, today: dt.date | None = None, *, reset_passwords: bool = False
) -> list[Credential]:
    """Create what is missing of the demo clinics, users and patients; return the accounts,
    with the passwords set by this run. Raises InvalidInput naming ``clinic`` or ``user`` when
    a demo name is taken by a clinic that is not a demo clinic (nothing is written then)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not a secret
    credentials = []
    with transaction.atomic():
        for name, slug in CLINICS:
            clinic = _clinic(name, slug)
            for role in ROLES:
                credentials.append(_user(clinic, role, reset_passwords))
            if not clinic.patients.exists():
                day = today or clinic_today(clinic)
                for n in range(PATIENTS_PER_CLINIC):
                    _patient(clinic, n, rng, day)
                _assign(clinic)
    return credentials


def _assign(clinic: Clinic) -> None:
    """Share the patients between the clinic's clinician and administrator, every fourth left
    unassigned, so each worklist has something to show."""
    clinician = User.objects.filter(clinic=clinic, username=f"clinician-{clinic.slug}").first()
    admin = User.objects.filter(clinic=clinic, username=f"{ADMIN}-{clinic.slug}").first()
    for n, patient in enumerate(clinic.patients.order_by("mrn")):
        patient.responsible = [clinician, admin, clinician, None][n % 4]
        patient.save(update_fields=["responsible"])


def _clinic(name: str, slug: str) -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(slug=slug, defaults={"name": name, "demo": True})
    if not clinic.demo:
        raise InvalidInput(
            "clinic",
            f"{slug} is a real clinic (not a demo clinic); demo data is never added to it",
        )
    return clinic


def _user(clinic: Clinic, role: str, reset_password: bool) -> Credential:
    username = f"{role}-{clinic.slug}"
    user = User.objects.filter(username=username).select_related("clinic").first()
    if user is not None:
        if user.clinic_id != clinic.pk:
            raise InvalidInput(
                "user", f"{username} exists outside the demo clinic {clinic.slug}; not touched"
            )
        if not reset_password:
            return Credential(username, None, role, clinic.slug, created=False)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        return Credential(username, password, role, clinic.slug, created=False)
    password = secrets.token_urlsafe(12)
    # The clinic administrator may read the audit trail in the admin (their clinic's only).
    user = User(username=username, clinic=clinic, is_staff=role == ADMIN)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    if role == ADMIN:
        user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    return Credential(username, password, role, clinic.slug, created=True)


def _patient(clinic: Clinic, n: int, rng: random.Random, today: dt.date) -> None:
    patient = Patient.objects.create(
        clinic=clinic,
        mrn=f"{clinic.slug[:2].upper()}{1000 + n}",
        given_name=rng.choice(GIVEN),
        family_name=rng.choice(FAMILY),
        birth_year=rng.randint(1950, 2004),
        sex=rng.choice(("female", "male")),
    )
    condition_id = CONDITIONS[n % len(CONDITIONS)]
    start = today - dt.timedelta(days=rng.randint(20, 300))
    profile = {
        "sex": patient.sex,
        "age": start.year - (patient.birth_year or 1980),
        # Every required fact stated (synthetic): an absent fact would screen as unknown.
        "medications": [],
        "allergies": [],
        "hepatic": "normal",
        "renal": "normal",
        "planned_procedures": [],
        "opioid_use_disorder_history": False,
        "planned_dose_mg": 4.5,
    }
    if patient.sex == "female":
        profile |= {"pregnant": False, "breastfeeding": False}
    screening = clinical.screen(profile, start)
    plan = clinical.plan(condition_id, "ldn-titration", start)
    responder = rng.random() < 0.6
    stopped_on, reason = _stop(rng, start, today, responder)
    course = TreatmentCourse.objects.create(
        patient=patient,
        condition_id=condition_id,
        protocol_id=plan.protocol_id,
        started_on=start,
        stopped_on=stopped_on,
        stop_reason=reason,
    )
    ScreeningSnapshot.objects.create(
        course=course,
        profile=screening.profile,
        verdict=screening.verdict,
        findings=screening.findings,
        plan=plan.as_json(),
        knowledge_version=screening.knowledge_version,
    )
    end = stopped_on or today
    DoseChange.objects.bulk_create(
        DoseChange(
            course=course, changed_on=s.starts_on, mg_per_day=s.mg_per_day, formulation="capsule"
        )
        for s in plan.steps
        if s.starts_on <= end
    )
    _visits(patient, course, rng, start, end, responder)
    _adverse_events(patient, course, rng, start, end)
    bulk_record(SYSTEM, Action.CREATE, [("patient", patient.pk, patient.pk)], source="demo")


def _stop(
    rng: random.Random, start: dt.date, today: dt.date, responder: bool
) -> tuple[dt.date | None, str]:
    if (today - start).days < 120 or rng.random() < 0.6:
        return None, ""
    reason = "response" if responder else rng.choice(("no_response", "adverse_event"))
    return start + dt.timedelta(days=rng.randint(100, (today - start).days)), reason


def _visits(
    patient: Patient,
    course: TreatmentCourse,
    rng: random.Random,
    start: dt.date,
    end: dt.date,
    responder: bool,
) -> None:
    measure_ids = [m for m in _measures(course.condition_id) if m in scorable()]
    baseline = rng.uniform(0.5, 0.9)
    effect = rng.uniform(0.5, 0.85) if responder else rng.uniform(0.0, 0.25)
    rows = []
    for week in WEEKS:
        day = start + dt.timedelta(days=7 * week + rng.randint(-2, 3) * (week > 0))
        if day > end:
            break
        visit = Visit.objects.create(patient=patient, course=course, visit_date=day)
        severity = baseline * (1 - effect * min(1.0, week / 12)) + rng.uniform(-0.05, 0.05)
        for measure_id in measure_ids:
            responses = _answers(measure_id, max(0.0, min(1.0, severity)), rng)
            result = score(measure_id, responses)
            rows.append(
                Assessment(
                    visit=visit,
                    measure_id=measure_id,
                    responses=responses,
                    result=result.model_dump(mode="json"),
                    total=Decimal(result.total) if result.total is not None else None,
                    measure_version=result.version,
                    knowledge_version=result.knowledge_version,
                )
            )
    Assessment.objects.bulk_create(rows)


def _measures(condition_id: str) -> list[str]:
    for c in clinical.conditions():
        if c.id == condition_id:
            return list(c.recommended_measures)
    return ["dlqi", "itch-nrs"]


def _answers(measure_id: str, severity: float, rng: random.Random) -> Any:
    form = form_for(measure_id)
    if form.grids:  # the seven-day UAS7 diary, once daily
        level = round(severity * 3)
        return {
            "days": [
                {"wheals": _clip(level + rng.randint(-1, 1), 3), "itch": _clip(level, 3)}
                for _ in range(7)
            ]
        }
    better_high = form_for(measure_id).measure_id == "uct"
    s = 1 - severity if better_high else severity
    answers: dict[str, Any] = {}
    for f in form.fields:
        if f.minimum is None:  # word answers and body sites are left unanswered
            continue
        low = f.minimum
        high = f.maximum if f.maximum is not None else 12
        value = _clip(round(low + s * (high - low) + rng.choice((-1, 0, 0, 1))), high, low)
        target = answers
        for key in f.path[:-1]:
            target = target.setdefault(key, {})
        target[f.path[-1]] = value
    return answers


def _clip(value: int, high: int, low: int = 0) -> int:
    return max(low, min(high, value))


def _adverse_events(
    patient: Patient, course: TreatmentCourse, rng: random.Random, start: dt.date, end: dt.date
) -> None:
    if rng.random() > 0.35:
        return
    onset = start + dt.timedelta(days=rng.randint(1, max(1, min(30, (end - start).days))))
    grade = 3 if rng.random() < 0.05 else rng.choice((1, 1, 2))
    AdverseEvent.objects.create(
        patient=patient,
        course=course,
        term=rng.choice(AE_TERMS),
        grade=grade,
        onset_on=onset,
        resolved_on=onset + dt.timedelta(days=rng.randint(3, 21)) if rng.random() < 0.8 else None,
        relatedness=rng.choice(("possible", "probable", "unlikely")),
        action="dose_reduced" if grade >= 2 else "none",
    )

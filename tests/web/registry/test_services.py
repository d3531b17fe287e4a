"""Registry use cases: visits scored through ldnderm.measures, courses started with screening
and a plan, invariants held by the database, re-scoring from raw responses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.access import Scope, scope_for
from ldnderm.web.registry.inputs import CourseIn, VisitIn
from ldnderm.web.registry.models import AdverseEvent, Assessment, Patient, Visit
from ldnderm.web.registry.services import courses, visits
from tests.safety.profiles import complete
from tests.web.registry.personas import Record

pytestmark = pytest.mark.db
DLQI = {f"q{i}": 2 for i in range(1, 11)}


def scope(user: User) -> Scope:
    request = RequestFactory().get("/")
    request.user = user
    return scope_for(request)


def test_a_visit_with_several_measures_is_scored_and_audited(alice: User, mine: Record) -> None:
    data = VisitIn(
        patient_id=mine.patient.pk,
        course_id=mine.course.pk,
        visit_date=dt.date(2026, 3, 30),
        assessments={"dlqi": DLQI, "itch-nrs": {"score": 3}},
    )
    visit = visits.record_visit(scope(alice), data)
    rows = {a.measure_id: a for a in visit.assessments.all()}
    assert rows["dlqi"].total == 20 and rows["dlqi"].result["band"] == "very_large"
    assert rows["itch-nrs"].total == 3
    assert rows["dlqi"].measure_version == "1994" and rows["dlqi"].knowledge_version
    assert AuditEvent.objects.filter(action="create", object_type="visit").count() == 1


def test_an_invalid_answer_saves_nothing_and_names_the_field(alice: User, mine: Record) -> None:
    data = VisitIn(
        patient_id=mine.patient.pk,
        visit_date=dt.date(2026, 3, 30),
        assessments={"dlqi": DLQI, "itch-nrs": {"score": 11}},
    )
    with pytest.raises(InvalidInput) as err:
        visits.record_visit(scope(alice), data)
    assert err.value.field == "assessments.itch-nrs.score"
    assert Visit.objects.count() == 1  # only the fixture's


def test_starting_a_course_snapshots_screening_and_doses_the_first_step(
    alice: User, mine: Record
) -> None:
    data = CourseIn(
        patient_id=mine.patient.pk,
        condition_id="hailey-hailey-disease",
        started_on=dt.date(2026, 4, 1),
        profile=complete(as_of=None, age=45, sex="female"),
    )
    course = courses.start_course(scope(alice), data)
    assert course.screening.verdict == "ok"
    assert course.screening.plan["steps"]
    first = course.doses.get()
    assert first.changed_on == dt.date(2026, 4, 1)
    assert float(first.mg_per_day) == course.screening.plan["steps"][0]["mg_per_day"]


def test_a_contraindication_blocks_the_start(alice: User, mine: Record) -> None:
    data = CourseIn(
        patient_id=mine.patient.pk,
        condition_id="psoriasis",
        started_on=dt.date(2026, 4, 1),
        profile={"medications": [{"name": "tramadol"}]},
    )
    proposal = courses.propose(scope(alice), data)
    assert proposal.blocked and proposal.screening.findings
    with pytest.raises(InvalidInput):
        courses.start_course(scope(alice), data)
    assert mine.patient.courses.count() == 1


def test_staff_cannot_start_a_course(bob: User, mine: Record) -> None:
    from ldnderm.web.registry.access import AccessDenied

    data = CourseIn(
        patient_id=mine.patient.pk, condition_id="psoriasis", started_on=dt.date(2026, 4, 1)
    )
    with pytest.raises(AccessDenied):
        courses.start_course(scope(bob), data)


def test_the_database_refuses_a_grade_outside_1_to_5(mine: Record) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AdverseEvent.objects.create(
            patient=mine.patient,
            term="x",
            grade=6,
            onset_on=dt.date(2026, 1, 1),
            relatedness="possible",
        )


def test_the_mrn_is_unique_per_clinic_only(mine: Record, canary: Record) -> None:
    Patient.objects.create(
        clinic=canary.patient.clinic, mrn="A-001", given_name="a", family_name="b"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(
            clinic=mine.patient.clinic, mrn="A-001", given_name="a", family_name="b"
        )


def test_rescore_recomputes_from_raw_responses(mine: Record) -> None:
    Assessment.objects.filter(pk=mine.assessment.pk).update(result={"stale": True}, total=0)
    assert visits.rescore() == visits.Rescored(seen=1, changed=1, failed=[])
    mine.assessment.refresh_from_db()
    assert mine.assessment.total == 8
    assert AuditEvent.objects.filter(username="system:rescore", action="update").count() == 1
    assert visits.rescore() == visits.Rescored(seen=1, changed=0, failed=[])

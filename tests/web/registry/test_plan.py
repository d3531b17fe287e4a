"""Starting a course keeps the whole titration plan: the first step is recorded as a dose, the
later ones stay in the screening snapshot and are shown beside the recorded doses on the patient
page (recorded / due / planned); the dose form proposes the next step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.inputs import CourseIn, DoseIn
from ldnderm.web.registry.models import DoseChange, TreatmentCourse
from ldnderm.web.registry.services import courses
from tests.safety.profiles import complete
from tests.web.registry.personas import Record, login
from tests.web.registry.test_services import scope

pytestmark = pytest.mark.db
START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def course(alice: User, mine: Record) -> TreatmentCourse:
    data = CourseIn(
        patient_id=mine.patient.pk,
        condition_id="psoriasis",
        started_on=START,
        profile=complete(as_of=None),
    )
    return courses.start_course(scope(alice), data)


def _fresh(course: TreatmentCourse) -> TreatmentCourse:
    qs = TreatmentCourse.objects.select_related("screening").prefetch_related("doses")
    return qs.get(pk=course.pk)


def test_the_whole_plan_is_saved_and_only_the_first_step_is_a_dose(
    course: TreatmentCourse,
) -> None:
    steps = courses.planned_steps(_fresh(course), today=START)
    assert len(steps) >= 2
    assert steps[0].recorded and not steps[0].due
    assert not any(s.recorded for s in steps[1:])
    assert DoseChange.objects.filter(course=course).count() == 1


def test_steps_become_due_when_their_date_comes_and_recorded_when_dosed(
    alice: User, course: TreatmentCourse
) -> None:
    second = courses.planned_steps(_fresh(course), today=START)[1]
    later = second.starts_on + dt.timedelta(days=1)
    assert courses.planned_steps(_fresh(course), today=later)[1].due
    dose = DoseIn(changed_on=later, mg_per_day=second.mg_per_day)
    courses.change_dose(scope(alice), _fresh(course), dose)
    after = courses.planned_steps(_fresh(course), today=later)[1]
    assert after.recorded and not after.due


def test_a_course_without_a_snapshot_has_no_plan(mine: Record) -> None:
    bare = TreatmentCourse.objects.create(
        patient=mine.patient, condition_id="psoriasis", started_on=START
    )
    assert courses.planned_steps(_fresh(bare), TODAY) == []
    assert courses.next_planned_step(_fresh(bare), TODAY) is None


def test_the_patient_page_shows_the_plan_and_the_dose_form_proposes_the_next_step(
    alice: User, course: TreatmentCourse
) -> None:
    client = login(alice)
    page = client.get(f"/registry/patients/{course.patient_id}/").content.decode()
    assert "Titration plan proposed at the start" in page
    steps = courses.planned_steps(_fresh(course), TODAY)
    assert page.count('<li class="plan-step ') == len(steps)
    form = client.get(f"/registry/courses/{course.pk}/dose/").content.decode()
    nxt = courses.next_planned_step(_fresh(course), TODAY)
    assert nxt is not None
    assert f'value="{nxt.mg_per_day.normalize():f}' in form or f'value="{nxt.mg_per_day}' in form
    assert f'value="{nxt.starts_on.isoformat()}"' in form


def test_a_stopped_course_proposes_nothing(alice: User, course: TreatmentCourse) -> None:
    TreatmentCourse.objects.filter(pk=course.pk).update(stopped_on=START + dt.timedelta(days=3))
    stopped = _fresh(course)
    assert courses.next_planned_step(stopped, TODAY) is None
    assert not any(s.due for s in courses.planned_steps(stopped, today=dt.date(2027, 1, 1)))
    assert Decimal(0) <= courses.planned_steps(stopped, TODAY)[0].mg_per_day


def test_a_plan_steps_end_date_reads_like_every_other_date_shown() -> None:
    """Pages show dates as "5 Apr 2026" ("j M Y"), with no zero-padded day."""
    from ldnderm.web.registry.clinical import plan

    steps = plan("hailey-hailey-disease", "", dt.date(2026, 3, 23)).steps
    assert steps[0].note == "until 5 Apr 2026"

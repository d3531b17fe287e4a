"""The registry's "today" is the clinic's: forms propose the clinic's date, plan steps fall due
on the clinic's calendar, and pages show stored instants in the clinic's time zone.

23:30 UTC on 15 January 2026 is 00:30 on the 16th in Berlin and still the 15th in London.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.inputs import CourseIn
from ldnderm.web.registry.models import TreatmentCourse
from ldnderm.web.registry.services import courses
from tests.safety.profiles import complete
from tests.web.registry.personas import Record, login
from tests.web.registry.test_services import scope

pytestmark = pytest.mark.db

LATE_EVENING_UTC = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)


def _in_zone(user: User, zone: str) -> None:
    Clinic.objects.filter(users=user).update(time_zone=zone)


@pytest.fixture
def late(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)
    return LATE_EVENING_UTC


@pytest.mark.parametrize(("zone", "day"), [("Europe/Berlin", "16"), ("Europe/London", "15")])
def test_the_visit_and_adverse_event_forms_propose_the_clinics_date(
    alice: User, mine: Record, late: dt.datetime, zone: str, day: str
) -> None:
    _in_zone(alice, zone)
    client = login(alice)
    for url in ("visits/new/", "adverse-events/new/"):
        page = client.get(f"/registry/patients/{mine.patient.pk}/{url}").content.decode()
        assert f'value="2026-01-{day}"' in page, url


@pytest.mark.parametrize(("zone", "day"), [("Europe/Berlin", 16), ("Europe/London", 15)])
def test_the_scope_knows_the_clinics_today(
    alice: User, late: dt.datetime, zone: str, day: int
) -> None:
    _in_zone(alice, zone)
    alice.refresh_from_db()
    assert scope(alice).today() == dt.date(2026, 1, day)


@pytest.mark.parametrize(("zone", "due"), [("Europe/Berlin", True), ("Europe/London", False)])
def test_a_plan_step_falls_due_on_the_clinics_calendar(
    alice: User, mine: Record, monkeypatch: pytest.MonkeyPatch, zone: str, due: bool
) -> None:
    _in_zone(alice, zone)
    alice.refresh_from_db()
    data = CourseIn(
        patient_id=mine.patient.pk,
        condition_id="psoriasis",
        started_on=dt.date(2026, 1, 5),
        profile=complete(as_of=None),
    )
    course = courses.start_course(scope(alice), data)
    fresh = TreatmentCourse.objects.select_related("screening").prefetch_related("doses")
    second = courses.planned_steps(fresh.get(pk=course.pk), dt.date(2026, 1, 5))[1]
    # 23:30 UTC on the evening before the second step starts.
    evening = dt.datetime.combine(second.starts_on, dt.time(23, 30), tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening - dt.timedelta(days=1))
    page = login(alice).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
    assert ("due, not recorded" in page) is due


def test_pages_render_stored_instants_in_the_clinics_zone(alice: User, mine: Record) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    from ldnderm.web.accounts.clinic_time import ClinicTimeZoneMiddleware

    _in_zone(alice, "Asia/Tokyo")
    alice.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = alice
    shown: list[str] = []

    def view(_request: object) -> object:
        template = Template('{{ at|date:"Y-m-d H:i" }}')
        shown.append(template.render(Context({"at": LATE_EVENING_UTC})))
        return None

    ClinicTimeZoneMiddleware(view)(request)  # type: ignore[arg-type]
    assert shown == ["2026-01-16 08:30"]
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the request

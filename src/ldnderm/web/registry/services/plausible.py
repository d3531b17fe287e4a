"""Plausible dates, checked by the services so that every door (pages, API, CLI) refuses the
same records with an InvalidInput naming the field:

* nothing happens before the patient's birth year, nor (for what belongs to a course) before
  the course started;
* visits, doses and adverse events are dated no later than tomorrow at the clinic (its time
  zone: :meth:`Scope.today`), which leaves room for a clinic a day ahead of the server;
* a course may be started up to :data:`COURSE_LEAD_DAYS` days ahead (a planned start);
* a birth year is not after the clinic's current year.
"""

from __future__ import annotations

import datetime as dt

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.registry.models import Patient, TreatmentCourse

COURSE_LEAD_DAYS = 90
"""How far ahead of the clinic's today a course may start."""


def birth_year(field: str, year: int | None, today: dt.date) -> None:
    if year is not None and year > today.year:
        raise InvalidInput(field, f"{year} is in the future", f"a year up to {today.year}")


def after_birth(field: str, day: dt.date | None, patient: Patient) -> None:
    born = patient.birth_year
    if day is not None and born is not None and day.year < born:
        raise InvalidInput(
            field, f"{day} is before the patient's birth year {born}", f"a date in {born} or later"
        )


def after_start(field: str, day: dt.date | None, course: TreatmentCourse | None) -> None:
    if day is not None and course is not None and day < course.started_on:
        raise InvalidInput(
            field, f"{day} is before the course started", f"{course.started_on} or later"
        )


def not_after_tomorrow(field: str, day: dt.date | None, today: dt.date) -> None:
    tomorrow = today + dt.timedelta(days=1)
    if day is not None and day > tomorrow:
        raise InvalidInput(field, f"{day} is in the future", f"a date up to {tomorrow}")


def course_start(field: str, day: dt.date, today: dt.date) -> None:
    latest = today + dt.timedelta(days=COURSE_LEAD_DAYS)
    if day > latest:
        raise InvalidInput(
            field,
            f"{day} is more than {COURSE_LEAD_DAYS} days ahead",
            f"a date up to {latest}",
        )


def event_date(
    field: str,
    day: dt.date | None,
    patient: Patient,
    course: TreatmentCourse | None,
    today: dt.date,
) -> None:
    """A visit, dose or adverse event date: after birth and the course start, by tomorrow."""
    after_birth(field, day, patient)
    after_start(field, day, course)
    not_after_tomorrow(field, day, today)


def earliest_year(patient: Patient) -> int | None:
    """The year of the patient's earliest dated record (course start, visit, adverse event)."""
    days = [
        *patient.courses.values_list("started_on", flat=True),
        *patient.visits.values_list("visit_date", flat=True),
        *patient.adverse_events.values_list("onset_on", flat=True),
    ]
    return min(days).year if days else None


def birth_year_of_existing(field: str, year: int | None, patient: Patient, today: dt.date) -> None:
    """A birth year given to an existing patient: not in the future, and not after any of the
    patient's records."""
    birth_year(field, year, today)
    first = earliest_year(patient)
    if year is not None and first is not None and year > first:
        raise InvalidInput(
            field, f"{year} is after the patient's first record ({first})", f"a year up to {first}"
        )

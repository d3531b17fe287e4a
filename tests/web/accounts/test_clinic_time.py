"""A clinic's calendar: its IANA time zone decides what "today" is.

Real cases: at 23:30 UTC on 15 January it is already the 16th in Berlin (CET, UTC+1) but still
the 15th in London (GMT) and New York (EST, UTC-5); at 11:30 UTC it is already the 16th in
Auckland (NZDT, UTC+13); London's summer time starts at 01:00 UTC on 29 March 2026, so 23:30 UTC
that evening is 00:30 on the 30th there, while the evening before it is still the 28th.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError
from django.test import override_settings

from ldnderm.web.accounts.clinic_time import clinic_date, clinic_today, validate_time_zone
from ldnderm.web.accounts.models import Clinic
from ldnderm.web.config import from_env

UTC = dt.UTC


def _at(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def _clinic(zone: str) -> Clinic:
    return Clinic(name=zone, slug=zone.lower().replace("/", "-"), time_zone=zone)


@pytest.mark.parametrize(
    ("zone", "instant", "expected"),
    [
        ("Europe/Berlin", _at(2026, 1, 15, 23, 30), dt.date(2026, 1, 16)),
        ("Europe/London", _at(2026, 1, 15, 23, 30), dt.date(2026, 1, 15)),
        ("America/New_York", _at(2026, 1, 15, 23, 30), dt.date(2026, 1, 15)),
        ("America/New_York", _at(2026, 1, 16, 3, 0), dt.date(2026, 1, 15)),
        ("Pacific/Auckland", _at(2026, 1, 15, 11, 30), dt.date(2026, 1, 16)),
        ("Europe/London", _at(2026, 3, 28, 23, 30), dt.date(2026, 3, 28)),
        ("Europe/London", _at(2026, 3, 29, 23, 30), dt.date(2026, 3, 30)),
        ("UTC", _at(2026, 1, 15, 23, 59), dt.date(2026, 1, 15)),
    ],
)
def test_today_is_the_clinics_date(zone: str, instant: dt.datetime, expected: dt.date) -> None:
    assert clinic_today(_clinic(zone), now=instant) == expected
    assert clinic_date(_clinic(zone), instant) == expected


@override_settings(LDNDERM_DEFAULT_TIME_ZONE="Europe/Berlin")
def test_without_a_clinic_the_default_zone_decides() -> None:
    assert clinic_today(None, now=_at(2026, 1, 15, 23, 30)) == dt.date(2026, 1, 16)


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"])
def test_iana_names_are_accepted(name: str) -> None:
    validate_time_zone(name)


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus_Mons", " Europe/Berlin", "../etc/passwd", "/etc/localtime", "+01:00"]
)
def test_anything_else_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="IANA time zone"):
        validate_time_zone(name)


@pytest.mark.db
@override_settings(LDNDERM_DEFAULT_TIME_ZONE="America/New_York")
def test_a_new_clinic_takes_the_default_zone_and_holds_real_patients(db: None) -> None:
    clinic = Clinic.objects.create(name="New clinic", slug="new")
    assert clinic.time_zone == "America/New_York"
    assert clinic.demo is False


@pytest.mark.db
def test_a_bad_zone_is_named_on_validation_and_an_empty_one_refused_by_the_database(
    db: None,
) -> None:
    clinic = Clinic(name="Bad zone", slug="bad", time_zone="Europe/Atlantis")
    with pytest.raises(ValidationError) as err:
        clinic.full_clean()
    assert "time_zone" in err.value.message_dict
    clinic.time_zone = ""
    with pytest.raises(IntegrityError):
        clinic.save()


def test_the_default_zone_comes_from_the_environment_and_is_checked() -> None:
    assert from_env({}).default_time_zone == "Europe/London"
    assert from_env({"LDNDERM_DEFAULT_TIME_ZONE": "Asia/Tokyo"}).default_time_zone == "Asia/Tokyo"
    with pytest.raises(ImproperlyConfigured, match="LDNDERM_DEFAULT_TIME_ZONE"):
        from_env({"LDNDERM_DEFAULT_TIME_ZONE": "Mars/Olympus_Mons"})

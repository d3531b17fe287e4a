"""A clinic's own calendar: its IANA time zone, and the date it is there now.

"Today" and every date a page or service derives from an instant are the clinic's: 23:30 UTC on
31 March is already 1 April in Berlin and in London (summer time) and still 31 March in New York.
Every registry use of "today" goes through :func:`clinic_today`; pages also render stored
instants in the clinic's zone (:class:`ClinicTimeZoneMiddleware`). A user with no clinic gets
``settings.LDNDERM_DEFAULT_TIME_ZONE`` (``LDNDERM_DEFAULT_TIME_ZONE``, "Europe/London" unless
set), which is also the zone of a new clinic.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ldnderm.web.config import time_zone_problem


class Clinic(Protocol):
    """What this module needs of a clinic (``accounts.models.Clinic``)."""

    time_zone: str


def validate_time_zone(name: str) -> None:
    """Model field validator: an IANA name known to this system's tz database."""
    problem = time_zone_problem(name)
    if problem is not None:
        raise ValidationError(f"{problem} (for example Europe/London or America/New_York)")


def default_time_zone() -> str:
    """The zone of a new clinic: ``settings.LDNDERM_DEFAULT_TIME_ZONE``."""
    return str(getattr(settings, "LDNDERM_DEFAULT_TIME_ZONE", "Europe/London"))


def zone_of(clinic: Clinic | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(clinic.time_zone if clinic is not None else default_time_zone())


def clinic_date(clinic: Clinic | None, instant: dt.datetime) -> dt.date:
    """The calendar date of the aware ``instant`` in the clinic's zone."""
    return instant.astimezone(zone_of(clinic)).date()


def clinic_today(clinic: Clinic | None, now: dt.datetime | None = None) -> dt.date:
    """Today's date at the clinic (``now`` defaults to the current instant)."""
    return clinic_date(clinic, now or timezone.now())


class ClinicTimeZoneMiddleware:
    """Render each page's instants in the signed-in user's clinic zone (Django's current time
    zone), and in the default zone for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user is not None else None
        timezone.activate(zone_of(clinic))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

"""The date a hook call is answered as of: the mapped clinic's, else UTC's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ldnderm.web.accounts.models import Clinic
from ldnderm.web.cds.service_date import hook_today
from tests.web.cds.conftest import freeze_hook_clock

LATE_EVENING_UTC = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
"""00:30 on 2 March in Berlin, 18:30 on 1 March in New York."""


@pytest.fixture(autouse=True)
def late_evening(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_hook_clock(monkeypatch, LATE_EVENING_UTC)


@pytest.mark.django_db
class TestHookToday:
    def test_a_mapped_clinic_east_of_utc_is_already_on_the_next_day(self) -> None:
        Clinic.objects.create(name="Berlin", slug="berlin", time_zone="Europe/Berlin")
        assert hook_today("berlin") == dt.date(2026, 3, 2)

    def test_a_mapped_clinic_west_of_utc_is_on_its_own_day(self) -> None:
        Clinic.objects.create(name="New York", slug="nyc", time_zone="America/New_York")
        assert hook_today("nyc") == dt.date(2026, 3, 1)

    def test_an_unmapped_issuer_gets_the_utc_date_not_the_default_clinic_zone(
        self, settings: Any
    ) -> None:
        settings.LDNDERM_DEFAULT_TIME_ZONE = "Europe/Berlin"
        assert hook_today(None) == dt.date(2026, 3, 1)

    def test_a_mapping_to_a_missing_clinic_is_answered_as_unmapped(self) -> None:
        assert hook_today("no-such-clinic") == dt.date(2026, 3, 1)

"""A clinician enters a UAS7 week in the seven-day grid, once daily and twice daily, and the
stored score is the one of the published rule's worked examples (tests/measures/test_uas7.py:
U1, a once-daily week of 16, and U4, twice-daily days of (1+2 + 2+1) / 2 = 3, a week of 21)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import Assessment, Patient
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"
U1 = [(1, 1), (2, 1), (0, 0), (1, 2), (3, 3), (0, 1), (1, 0)]
U1_TOTAL = sum(w + i for w, i in U1)  # 16: the once-daily day is wheals + itch, the week a sum
U4_DAY = (1, 2, 2, 1)  # morning wheals, morning itch, evening wheals, evening itch
U4_TOTAL = 7 * (sum(U4_DAY) // 2)  # 21: the twice-daily day is the mean of its two sums


def _log_in(page: Any, live_server: Any) -> Patient:
    clinic = Clinic.objects.create(name="Grid clinic", slug="grid")
    user = User.objects.create_user("gale", password=PASSWORD, clinic=clinic)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    patient = Patient.objects.create(
        clinic=clinic, mrn="G-1", given_name="Uma", family_name="Week", birth_year=1980
    )
    page.goto(live_server.url + "/accounts/login/?next=/registry/")
    page.fill("#id_username", "gale")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return patient


def _open_grid(page: Any, live_server: Any, patient: Patient, date: str) -> None:
    page.goto(f"{live_server.url}/registry/patients/{patient.pk}/visits/new/?measures=uas7")
    page.wait_for_selector("#measure-uas7 table.diary")
    page.fill("#id_visit_date", date)


def test_a_once_daily_week_entered_in_the_grid_scores_u1(live_server: Any, page: Any) -> None:
    patient = _log_in(page, live_server)
    _open_grid(page, live_server, patient, "2026-01-12")
    assert page.locator("table.diary-twice_daily").is_hidden()
    for day, (wheals, itch) in enumerate(U1, start=1):
        page.select_option(f"select[name=uas7__once_daily__d{day}__wheals]", str(wheals))
        page.select_option(f"select[name=uas7__once_daily__d{day}__itch]", str(itch))
    screenshot(page, "uas7-grid-once-daily")
    page.click("text=Save visit")
    page.wait_for_selector("ul.scores")
    assert (
        f"Urticaria Activity Score over 7 days (UAS7): {U1_TOTAL} (Moderate urticaria activity)"
        in page.inner_text("ul.scores")
    )
    stored = Assessment.objects.get(visit__patient=patient, measure_id="uas7")
    assert stored.responses["days"][4] == {"wheals": 3, "itch": 3}


def test_a_twice_daily_week_entered_in_the_grid_scores_u4(live_server: Any, page: Any) -> None:
    patient = _log_in(page, live_server)
    _open_grid(page, live_server, patient, "2026-01-12")
    page.click("#measure-uas7 input[name=uas7__mode][value=twice_daily] + span")
    assert page.locator("table.diary-once_daily").is_hidden()
    cells = ("am__wheals", "am__itch", "pm__wheals", "pm__itch")
    for day in range(1, 8):
        for cell, value in zip(cells, U4_DAY, strict=True):
            page.select_option(f"select[name=uas7__twice_daily__d{day}__{cell}]", str(value))
    page.click("text=Save visit")
    page.wait_for_selector("ul.scores")
    assert f"Urticaria Activity Score over 7 days (UAS7): {U4_TOTAL}" in page.inner_text(
        "ul.scores"
    )
    stored = Assessment.objects.get(visit__patient=patient, measure_id="uas7")
    assert stored.responses["days"][0] == {
        "am": {"wheals": 1, "itch": 2},
        "pm": {"wheals": 2, "itch": 1},
    }

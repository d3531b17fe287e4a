"""A clinician logs in, lands on the dashboard and finds the visit that is due on the worklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ldnderm.web.accounts.clinic_time import clinic_today
from tests.browser.clinic import clinician_with_a_patient, log_in
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worklist_shows_a_visit_that_is_due(live_server: Any, page: Any) -> None:
    user, patient = clinician_with_a_patient()
    log_in(page, live_server.url)
    assert page.url == live_server.url + "/registry/"
    row = page.locator("#work-items tr.work-visit")
    assert row.count() == 1
    text = row.inner_text()
    due = clinic_today(user.clinic) + dt.timedelta(days=2)
    assert "Duesoon, Ada" in text and "Psoriasis: week 4" in text
    assert f"{due.day} {due:%b %Y}" in text and "overdue" not in text
    page.click(f"#work-by-clinician a:text('{user.get_username()}')")
    assert page.locator("#work-items tr.work-visit").count() == 1
    screenshot(page, "worklist")
    row = page.locator("#work-items tr.work-visit")
    row.locator("a").click()
    page.wait_for_url(f"**/registry/patients/{patient.pk}/")

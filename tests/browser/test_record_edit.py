"""Two pages open on the same visit: the first save wins, the second is told what changed
(issue 13: editing with a stale version shows the 409 message)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import Patient, Visit
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def test_saving_over_a_change_made_in_another_page_shows_the_conflict(
    live_server: Any, page: Any
) -> None:
    clinic = Clinic.objects.create(name="Browser clinic", slug="browser")
    user = User.objects.create_user("dana", password=PASSWORD, clinic=clinic)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    patient = Patient.objects.create(
        clinic=clinic, mrn="BR-2", given_name="Robin", family_name="Tester", birth_year=1980
    )
    visit = Visit.objects.create(patient=patient, visit_date=dt.date(2026, 1, 5))

    page.goto(live_server.url + "/accounts/login/?next=/registry/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/registry/")
    other = page.context.new_page()  # a second tab of the same signed-in user
    url = f"{live_server.url}/registry/visits/{visit.pk}/edit/"
    page.goto(url)
    other.goto(url)

    other.fill("#id_notes", "seen by the nurse")
    other.click("button:has-text('Save')")
    other.wait_for_selector("h1:has-text('Tester, Robin')")

    page.fill("#id_notes", "itch better")
    page.click("button:has-text('Save')")
    conflict = page.locator("#conflict")
    conflict.wait_for()
    assert "someone else changed this visit" in conflict.inner_text()
    row = conflict.locator("tbody tr")
    assert row.locator("th").inner_text() == "Notes"
    assert [c.inner_text() for c in row.locator("td").all()] == [
        "itch better",
        "seen by the nurse",
    ]
    screenshot(page, "record-edit-conflict")
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.notes, stored.version) == ("seen by the nurse", 2)

    page.click("button:has-text('Save')")  # saving again, knowingly, on the current version
    page.wait_for_selector("h1:has-text('Tester, Robin')")
    assert Visit.objects.get(pk=visit.pk).notes == "itch better"

"""A clinician logs in, creates a patient, starts a course (screening shown), records a visit
with DLQI and itch NRS, and sees the charts update; the patient page is saved as a screenshot."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from ldnderm.web.accounts.models import Clinic, User
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def _visit(page: Any, date: str, dlqi: int, itch: int) -> None:
    page.click("text=Record a visit")
    for measure in ("dlqi", "itch-nrs"):
        box = page.locator(f"input[type=checkbox][name=measures][value={measure}]")
        if not box.is_checked():
            box.check()
            page.wait_for_selector(f"#measure-{measure}")
    page.fill("#id_visit_date", date)
    for i in range(1, 11):
        page.click(f"#measure-dlqi input[name=dlqi__q{i}][value='{dlqi}'] + span")
    page.click(f"#measure-itch-nrs input[name=itch-nrs__score][value='{itch}'] + span")
    page.click("text=Save visit")
    page.wait_for_selector("#chart-dlqi")


def test_a_clinician_records_a_course_and_sees_the_chart(live_server: Any, page: Any) -> None:
    clinic = Clinic.objects.create(name="Browser clinic", slug="browser")
    user = User.objects.create_user("dana", password=PASSWORD, clinic=clinic)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    external: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url)
    )
    csp: list[str] = []  # the Content-Security-Policy must not block anything on the way
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else 0)

    page.goto(live_server.url + "/accounts/login/?next=/registry/patients/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("text=New patient")
    page.fill("#id_mrn", "BR-1")
    page.fill("#id_given_name", "Robin")
    page.fill("#id_family_name", "Tester")
    page.fill("#id_birth_year", "1980")
    page.click("text=Create patient")
    page.wait_for_selector("h1:has-text('Tester, Robin')")

    page.click("text=Start a course")
    page.select_option("#id_condition_id", "hailey-hailey-disease")
    page.fill("#id_started_on", "2026-01-05")
    # Every required fact answered (the form defaults to "not known", which holds the start).
    for radio in (
        "medications_status_1",
        "allergies_status_1",
        "procedures_status_1",
        "opioid_use_disorder_history_2",
        "pregnant_2",
        "breastfeeding_2",
    ):
        page.check(f"#id_{radio}")
    page.select_option("#id_hepatic", "normal")
    page.select_option("#id_renal", "normal")
    page.click("text=Screen and propose a plan")
    page.wait_for_selector("#proposal h2:has-text('Screening')")
    assert "Proposed plan" in page.inner_text("#proposal")
    page.click("text=Start this course")
    page.wait_for_selector("text=Screening at start")

    _visit(page, "2026-01-05", dlqi=2, itch=8)
    assert page.locator("#chart-dlqi circle.point").count() == 1
    _visit(page, "2026-03-30", dlqi=1, itch=3)
    assert page.locator("#chart-dlqi circle.point").count() == 2
    assert page.locator("#chart-itch-nrs circle.point").count() == 2
    assert page.locator("#chart-itch-nrs .threshold line").count() >= 1
    assert page.locator("#chart-dlqi .dose line").count() >= 1
    assert external == []
    assert csp == []
    assert screenshot(page, "registry-patient").stat().st_size > 0

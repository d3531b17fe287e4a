"""The screening page in a browser: an empty form never says OK (it lists the facts not checked),
and a contraindicated verdict (oxycodone taken now) shows no plan and no compounding order.
Screenshots: test-output/screening-empty.png, test-output/screening-contraindicated.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_empty_form_does_not_say_ok(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/screening/")
    page.click("button[name=screen]")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict").strip().lower() != "ok"
    listed = page.inner_text("#not-checked")
    assert "current or recent medicines: not checked" in listed
    assert "liver status: not checked" in listed
    assert screenshot(page, "screening-empty").stat().st_size > 0


def test_a_contraindication_shows_no_plan_or_compounding_order(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/screening/")
    page.select_option("#id_sex", "female")
    page.check("#id_medications_status_2")  # takes the medicines listed
    page.fill("#id_med-0-name", "oxycodone")
    page.check("#id_allergies_status_1")
    page.select_option("#id_hepatic", "normal")
    page.select_option("#id_renal", "normal")
    page.check("#id_procedures_status_1")
    page.check("#id_opioid_use_disorder_history_2")
    page.check("#id_pregnant_2")
    page.check("#id_breastfeeding_2")
    page.fill("#id_planned_dose_mg", "4.5")
    page.fill("#id_condition", "psoriasis")
    page.fill("#id_start", "2026-03-02")
    page.fill("#id_supply_days", "30")
    page.click("button[name=screen]")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict").strip().lower() == "contraindicated"
    assert "withheld until the findings" in page.inner_text("#plan-withheld")
    assert page.locator("#plan").count() == 0 and page.locator("#order").count() == 0
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "Compounding order" not in body and "Dispense" not in body
    assert screenshot(page, "screening-contraindicated").stat().st_size > 0


def test_add_a_medicine_row_without_javascript_state_loss(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/screening/")
    rows = page.locator("tr.med-row").count()
    page.fill("#id_med-0-name", "metformin")
    page.click("button[name=add_medication]")
    page.wait_for_selector(f"#id_med-{rows}-name")
    assert page.input_value("#id_med-0-name") == "metformin"

"""Medicines are picked from the safety vocabulary as they are typed: a pick fills the name and
its codes; a name the vocabulary does not know stays as typed and is flagged as unrecognised.
Screenshot: test-output/screening-medicine-lookup.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_picked_medicine_fills_its_codes(live_server: Any, page: Any) -> None:
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else 0)
    page.goto(live_server.url + "/screening/")
    page.locator("#id_med-0-name").press_sequentially("oxycod", delay=30)
    pick = page.locator("button.med-pick[data-name=oxycodone]")
    pick.wait_for()
    screenshot(page, "screening-medicine-lookup")
    pick.click()
    assert page.input_value("#id_med-0-name") == "oxycodone"
    assert page.input_value("#id_med-0-rxnorm") == "7804"
    assert page.input_value("#id_med-0-atc") == "N02AA05"
    assert page.locator("button.med-pick").count() == 0
    assert csp == []


def test_an_unknown_medicine_is_flagged_and_kept(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/screening/")
    page.locator("#id_med-1-name").press_sequentially("zzqq tonic", delay=30)
    page.wait_for_selector(".med-unrecognised")
    assert "unrecognised" in page.inner_text(".med-unrecognised")
    assert page.input_value("#id_med-1-name") == "zzqq tonic"

"""A reader opens the condition pages in a real browser: grades, citations, plain words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_clinician_page_shows_the_grade_and_linked_citations(
    live_server: Any, page: Any
) -> None:
    external: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url)
    )
    page.goto(live_server.url + "/conditions/")
    page.click("text=Lichen planopilaris")
    page.wait_for_url("**/conditions/lichen-planopilaris/")
    main = page.inner_text("main")
    assert "Low" in main  # the computed grade, with its reasons
    assert page.locator("a[href^='https://doi.org/']").count() > 0
    assert page.locator("a[href^='https://pubmed.ncbi.nlm.nih.gov/']").count() > 0
    assert external == []  # nothing loaded from outside: the page works offline
    assert screenshot(page, "condition-lichen-planopilaris").stat().st_size > 0


def test_the_patient_page_gives_the_honest_answer_for_hidradenitis(
    live_server: Any, page: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(live_server.url + "/conditions/hidradenitis-suppurativa/patient")
    text = page.inner_text("main").lower()
    assert "no" in text and "study" in text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # readable on a phone: no sideways scrolling
    assert screenshot(page, "condition-hs-patient-phone").stat().st_size > 0

"""Chart text is readable where it is drawn: its rendered height (getBoundingClientRect, which
includes the view box's scaling) is at least 12 px on a desktop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.clinic import clinician_with_a_patient, log_in
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

HEIGHTS = """() => Array.from(document.querySelectorAll('.chart svg text')).map(t => {
  const r = t.getBoundingClientRect(); return [t.textContent, r.height, r.width]; })"""


@pytest.mark.parametrize("width", [1366, 390])
def test_chart_text_renders_at_least_12_px_high(
    live_server: Any, chromium_browser: Any, width: int
) -> None:
    _, patient = clinician_with_a_patient()
    context = chromium_browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/registry/patients/{patient.pk}/")
        page.wait_for_selector("#chart-dlqi")
        texts = page.evaluate(HEIGHTS)
        assert len(texts) >= 10
        small = [(t, round(h, 1)) for t, h, w in texts if h < 12]
        assert small == [], f"chart text under 12 px at {width} px: {small}"
        y_labels = page.locator("#chart-dlqi .axis text.y").evaluate_all(
            "els => els.map(e => e.textContent)"
        )
        assert y_labels[0] == "0" and y_labels[-1] == "30"
        page.click("#chart-dlqi summary")
        assert page.locator("#chart-dlqi table caption").is_visible()
        screenshot(page, f"patient-charts-{width}")
    finally:
        context.close()

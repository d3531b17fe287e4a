"""axe-core finds no serious or critical violation on the project's own pages (the Django admin
and the API docs' Swagger UI are third-party pages and left out).

axe-core comes from the npm registry at test set-up (``scripts/test-all`` unpacks it into
``var/axe-core/``) and is injected from that file; nothing is fetched at run time. The pages are
opened with the content security policy bypassed only so that the injected script may run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldnderm.web.accounts.models import User
from tests.browser.clinic import clinician_with_a_patient, log_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "var" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture
def axe_page(chromium_browser: Any) -> Any:
    if not AXE.exists():
        pytest.skip(f"axe-core is not unpacked at {AXE} (scripts/test-all fetches it from npm)")
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def _violations(page: Any, url: str) -> list[dict[str, Any]]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN)
    return [v for v in found if v["impact"] in BLOCKING]


def test_no_serious_violations_on_public_pages(live_server: Any, axe_page: Any) -> None:
    base = live_server.url
    paths = [
        "/",
        "/conditions/",
        "/conditions/psoriasis/",
        "/screening/",
        "/accounts/login/",
        "/accounts/password-reset/",
        "/no-such-page/",
    ]
    found = {p: _violations(axe_page, base + p) for p in paths}
    assert {p: v for p, v in found.items() if v} == {}


def test_no_serious_violations_on_registry_pages(live_server: Any, axe_page: Any) -> None:
    user, patient = clinician_with_a_patient()
    assert isinstance(user, User)
    course = patient.courses.get()
    base = live_server.url
    log_in(axe_page, base)
    paths = [
        "/registry/",
        "/registry/patients/",
        "/registry/patients/new/",
        f"/registry/patients/{patient.pk}/",
        f"/registry/patients/{patient.pk}/visits/new/",
        f"/registry/patients/{patient.pk}/courses/new/",
        f"/registry/patients/{patient.pk}/adverse-events/new/",
        f"/registry/courses/{course.pk}/dose/",
        f"/registry/courses/{course.pk}/stop/",
    ]
    found = {p: _violations(axe_page, base + p) for p in paths}
    assert {p: v for p, v in found.items() if v} == {}

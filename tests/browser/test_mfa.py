"""A clinician's first log-in with MFA required: enrols an authenticator app from the QR page
(the test plays the app, reading the key printed for manual entry), keeps the recovery codes,
logs out, logs in again with a code, and sees the patient list. Nothing is loaded from elsewhere
and the Content-Security-Policy blocks nothing on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import Patient
from tests.browser.conftest import authenticator_code as _app_code
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def _log_in(page: Any, base: str) -> None:
    page.goto(base + "/accounts/login/?next=/registry/patients/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_clinician_enrols_logs_out_and_logs_in_with_a_code(
    live_server: Any, page: Any, settings: Settings
) -> None:
    settings.LDNDERM_REQUIRE_MFA = True
    clinic = Clinic.objects.create(name="Browser clinic", slug="browser")
    user = User.objects.create_user("dana", password=PASSWORD, clinic=clinic)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    Patient.objects.create(clinic=clinic, mrn="BR-9", given_name="Robin", family_name="Tester")
    external: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url)
    )
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else 0)

    _log_in(page, live_server.url)
    page.wait_for_selector("h1:has-text('Set up an authenticator app')")
    assert page.locator("#mfa-qr > svg path").count() == 1
    assert page.locator("img").count() == 0
    screenshot(page, "mfa-enrol")
    secret = page.inner_text("#mfa-secret")
    page.fill("#id_code", "000000" if _app_code(secret) != "000000" else "111111")
    page.click("button:has-text('Confirm')")
    assert "does not match" in page.inner_text("#code-error")
    assert page.inner_text("#mfa-secret") == secret
    page.wait_for_timeout(1100)  # django-otp holds a device 1 s after a wrong code
    page.fill("#id_code", _app_code(secret))
    page.click("button:has-text('Confirm')")
    page.wait_for_selector("h1:has-text('Your recovery codes')")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("text=I have kept them: continue")
    page.wait_for_selector("text=Tester")

    page.click("text=Log out")
    page.wait_for_selector("text=Log in")
    _log_in(page, live_server.url)
    page.wait_for_selector("h1:has-text('Enter your code')")
    assert page.locator("text=Tester").count() == 0
    last_step = TOTPDevice.objects.get(user=user, confirmed=True).last_t
    page.fill("#id_code", _app_code(secret, not_before_step=last_step))
    page.click("button:has-text('Verify')")
    page.wait_for_selector("text=Tester")
    assert page.url == live_server.url + "/registry/patients/"
    screenshot(page, "mfa-signed-in")
    assert external == []
    assert csp == []

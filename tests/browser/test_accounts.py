"""Issue 12's whole path, with MFA required (``LDNDERM_REQUIRE_MFA``): a clinic administrator
invites a clinician on the Users page; the invitation email arrives (Django's in-memory outbox:
the live server runs in this process); the clinician opens the link, sets a password, logs in,
is sent to enrol an authenticator app (a QR code drawn as inline SVG), confirms a code, logs out,
logs in again with a code, and sees the patient list. Nothing is loaded from elsewhere and the
Content-Security-Policy blocks nothing on the way.

The invitee's path is a list of steps, each a function of the :class:`Journey`, so a new step is
one more entry in ``INVITEE_STEPS``. The test plays the authenticator app, reading the key the
enrol page prints for manual entry.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.accounts.services import assign_role
from ldnderm.web.registry.models import Patient
from tests.browser.conftest import authenticator_code, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PASSWORD = "the administrator's long passphrase"
NEW_PASSWORD = "nina's own long passphrase"


@dataclass
class Journey:
    """One person's browser on the live site, and the key of their authenticator app."""

    page: Any
    base: str
    username: str
    password: str = ""
    secret: str = ""

    def last_step(self) -> int:
        """The TOTP time step of the last accepted code (the next code must be later)."""
        return int(TOTPDevice.objects.get(user__username=self.username, confirmed=True).last_t)


def log_in(journey: Journey, next_path: str) -> None:
    page = journey.page
    page.goto(f"{journey.base}/accounts/login/?next={next_path}")
    page.fill("#id_username", journey.username)
    page.fill("#id_password", journey.password)
    page.click("button[type=submit]")


def give_the_code(journey: Journey) -> None:
    page = journey.page
    page.wait_for_selector("h1:has-text('Enter your code')")
    code = authenticator_code(journey.secret, not_before_step=journey.last_step())
    page.fill("#id_code", code)
    page.click("button:has-text('Verify')")


def invite(admin: Journey) -> None:
    page = admin.page
    log_in(admin, "/clinic/users/")
    give_the_code(admin)
    page.wait_for_selector("h1:has-text('Users of Browser clinic')")
    page.click("text=Invite a user")
    page.fill("#id_username", "nina")
    page.fill("#id_email", "nina@example.org")
    page.select_option("#id_role", "clinician")
    assert screenshot(page, "accounts-invite").stat().st_size > 0
    page.click("text=Send invitation")
    page.wait_for_selector("text=Invitation sent to nina@example.org.")
    assert "invited, no password yet" in page.inner_text("table.users")
    assert screenshot(page, "accounts-clinic-users").stat().st_size > 0


def open_the_link(nina: Journey) -> None:
    (message,) = mail.outbox
    assert message.to == ["nina@example.org"]
    (link,) = re.findall(r"^https?://\S+/accounts/set-password/\S+/$", str(message.body), re.M)
    assert link.startswith(nina.base)
    nina.page.goto(link)
    nina.page.wait_for_selector("h1:has-text('Set your password')")


def set_the_password(nina: Journey) -> None:
    page = nina.page
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("text=Set password")
    page.wait_for_selector("h1:has-text('Your password is set')")
    nina.password = NEW_PASSWORD


def log_in_and_be_sent_to_enrol(nina: Journey) -> None:
    page = nina.page
    page.click("main >> text=Log in")
    page.fill("#id_username", "nina")
    page.fill("#id_password", nina.password)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Set up an authenticator app')")
    assert page.locator("#mfa-qr > svg path").count() == 1
    assert page.locator("img").count() == 0
    assert page.locator("text=Robin").count() == 0
    nina.secret = page.inner_text("#mfa-secret")
    assert screenshot(page, "accounts-invitee-enrol").stat().st_size > 0


def confirm_a_code_and_keep_the_recovery_codes(nina: Journey) -> None:
    page = nina.page
    page.fill("#id_code", authenticator_code(nina.secret))
    page.click("button:has-text('Confirm')")
    page.wait_for_selector("h1:has-text('Your recovery codes')")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("text=I have kept them: continue")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.goto(nina.base + "/registry/patients/")
    page.wait_for_selector("text=Tester")


def log_out(nina: Journey) -> None:
    nina.page.click("text=Log out")
    nina.page.wait_for_selector("text=Log in")


def log_in_with_a_code_and_see_the_patients(nina: Journey) -> None:
    page = nina.page
    log_in(nina, "/registry/patients/")
    assert page.locator("text=Tester").count() == 0
    give_the_code(nina)
    page.wait_for_selector("h1:has-text('Patients')")
    assert page.url == nina.base + "/registry/patients/"
    assert page.inner_text(".who") == "nina"
    assert "Tester" in page.inner_text("main")


INVITEE_STEPS: list[Callable[[Journey], None]] = [
    open_the_link,
    set_the_password,
    log_in_and_be_sent_to_enrol,
    confirm_a_code_and_keep_the_recovery_codes,
    log_out,
    log_in_with_a_code_and_see_the_patients,
]


def test_an_invited_clinician_sets_a_password_enrols_in_mfa_and_sees_the_patients(
    live_server: Any, chromium_browser: Any, page: Any, settings: Settings
) -> None:
    # The live server runs in this process, so the settings fixture reaches its requests.
    settings.LDNDERM_REQUIRE_MFA = True
    clinic = Clinic.objects.create(name="Browser clinic", slug="browser")
    ada = User.objects.create_user("ada", password=ADMIN_PASSWORD, clinic=clinic)
    assign_role(ada, "admin")
    key = secrets.token_bytes(20)
    TOTPDevice.objects.create(user=ada, name="ada's phone", key=key.hex(), confirmed=True)
    Patient.objects.create(clinic=clinic, mrn="BR-1", given_name="Robin", family_name="Tester")
    base = live_server.url
    external: list[str] = []
    csp: list[str] = []

    def watch(p: Any) -> None:
        p.on("request", lambda r: None if r.url.startswith(base) else external.append(r.url))
        p.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else 0)

    watch(page)
    invite(Journey(page, base, "ada", ADMIN_PASSWORD, base64.b32encode(key).decode()))
    invitee = chromium_browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        nina_page = invitee.new_page()
        watch(nina_page)
        nina = Journey(nina_page, base, "nina")
        for step in INVITEE_STEPS:
            step(nina)
        assert screenshot(nina_page, "accounts-invitee-patients").stat().st_size > 0
    finally:
        invitee.close()
    nina_user = User.objects.get(username="nina")
    assert (nina_user.clinic_id, nina_user.role, nina_user.has_usable_password()) == (
        clinic.pk,
        "clinician",
        True,
    )
    assert TOTPDevice.objects.filter(user=nina_user, confirmed=True).count() == 1
    assert external == [] and csp == []

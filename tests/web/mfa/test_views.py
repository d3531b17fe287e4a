"""The log-in with a second factor, page by page: enrolment (QR code inline, secret shown,
recovery codes once), verification with a code or a recovery code, wrong codes and lockout."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.mfa import devices
from ldnderm.web.mfa.qr import qr_svg
from ldnderm.web.mfa.session import KEY, VERIFIED
from tests.web.mfa.helpers import Clock, code, enrolled, password_login, waited
from tests.web.registry.personas import Record

pytestmark = pytest.mark.db

ENROL, VERIFY, PATIENTS = "/accounts/mfa/enrol/", "/accounts/mfa/verify/", "/registry/patients/"


def _wrong(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


def _secret_on(page: str) -> str:
    found = re.search(r'id="mfa-secret">([A-Z2-7=]+)<', page)
    assert found, "the secret is shown for manual entry"
    return found.group(1)


class TestEnrolment:
    def test_a_clinician_without_a_device_is_sent_to_enrol_after_the_password(
        self, require_mfa: None, alice: User, mine: Record
    ) -> None:
        client = password_login("alice", next_url=PATIENTS)
        response = client.get(PATIENTS)
        assert response.status_code == 302
        assert response["Location"] == f"{ENROL}?next=%2Fregistry%2Fpatients%2F"
        assert "Ownpatient" not in client.get(response["Location"]).content.decode()

    def test_the_page_draws_the_qr_code_inline_and_shows_the_devices_secret(
        self, require_mfa: None, alice: User
    ) -> None:
        response = password_login("alice").get(ENROL)
        page = response.content.decode()
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        inline_svg = r'<div id="mfa-qr">(<svg role="img" [^>]*class="mfa-qr"[^>]*>.*?</svg>)'
        qr = re.search(inline_svg, page)
        assert qr, "an inline <svg> element"
        assert "<path" in qr.group(1) and "<img" not in page and "data:image" not in page
        assert not re.search(r'(src|href)="(https?:)?//', page), "nothing loaded from elsewhere"
        device = TOTPDevice.objects.get(user=alice, confirmed=False)
        assert _secret_on(page) == devices.secret_of(device)
        # the drawing is the one segno makes of the device's otpauth:// URI (secret included)
        assert qr.group(1) == qr_svg(device.config_url)
        assert device.config_url.startswith("otpauth://totp/ldnderm%3Aalice?secret=")

    def test_a_wrong_code_is_refused_and_the_same_secret_shown_again(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        client = password_login("alice")
        secret = _secret_on(client.get(ENROL).content.decode())
        device = TOTPDevice.objects.get(user=alice)
        response = client.post(ENROL, {"code": _wrong(code(device, clock))})
        assert response.status_code == 200
        assert "does not match" in response.content.decode()
        assert _secret_on(response.content.decode()) == secret
        assert client.get(PATIENTS).status_code == 302

    def test_a_current_code_confirms_shows_recovery_codes_once_and_lets_the_user_in(
        self, require_mfa: None, alice: User, mine: Record, clock: Clock
    ) -> None:
        client = password_login("alice")
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=alice)
        before = client.session.session_key
        response = client.post(ENROL, {"code": code(device, clock), "next": PATIENTS})
        page = response.content.decode()
        shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
        assert len(shown) == 10
        assert set(shown) == set(StaticToken.objects.values_list("token", flat=True))
        assert "no-store" in response["Cache-Control"]
        assert f'href="{PATIENTS}"' in page
        assert client.session[KEY] == VERIFIED
        assert client.session.session_key != before, "a new session id after the second factor"
        assert "Ownpatient" in client.get(PATIENTS).content.decode()
        assert AuditEvent.objects.filter(action="create", object_type="mfa_device").exists()
        for code_shown in shown:
            assert code_shown not in client.get(ENROL, follow=True).content.decode()

    def test_an_enrolled_user_is_sent_from_enrolment_to_verification(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        enrolled(alice, clock)
        response = password_login("alice").get(ENROL + "?next=/registry/")
        assert response["Location"] == f"{VERIFY}?next=%2Fregistry%2F"

    def test_while_the_log_in_waits_for_enrolment_the_menu_offers_only_log_out(
        self, require_mfa: None, alice: User
    ) -> None:
        page = password_login("alice").get(ENROL).content.decode()
        assert 'href="/registry/patients/"' not in page and 'href="/conditions/"' not in page
        assert ">Log out</button>" in page

    def test_an_exempt_user_enrolling_by_choice_keeps_the_menu(
        self, require_mfa: None, rita: User
    ) -> None:
        page = password_login("rita").get(ENROL).content.decode()
        # a researcher's menu has the dashboard, never the patient list
        assert 'href="/registry/"' in page and 'href="/conditions/"' in page
        assert 'href="/registry/patients/"' not in page

    def test_enrolment_needs_a_log_in(self, db: None) -> None:
        assert Client().get(ENROL)["Location"].startswith("/accounts/login/")


class TestVerification:
    def test_an_enrolled_clinician_enters_a_code_after_the_password(
        self, require_mfa: None, alice: User, mine: Record, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice", next_url=PATIENTS)
        held = client.get(PATIENTS)
        assert held["Location"] == f"{VERIFY}?next=%2Fregistry%2Fpatients%2F"
        assert client.get(held["Location"]).status_code == 200
        response = client.post(VERIFY, {"code": code(device, clock), "next": PATIENTS})
        assert response.status_code == 302 and response["Location"] == PATIENTS
        assert "Ownpatient" in client.get(PATIENTS).content.decode()
        event = AuditEvent.objects.filter(action="login", object_type="mfa").get()
        assert event.detail == {"factor": "totp"}

    def test_while_the_log_in_waits_for_a_code_the_menu_offers_only_log_out(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        enrolled(alice, clock)
        page = password_login("alice").get(VERIFY).content.decode()
        assert 'href="/registry/patients/"' not in page and 'href="/conditions/"' not in page
        assert ">Log out</button>" in page

    def test_a_wrong_code_is_refused_and_counted_as_a_failed_log_in(
        self, require_mfa: None, alice: User, mine: Record, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice")
        response = client.post(VERIFY, {"code": _wrong(code(device, clock))})
        assert response.status_code == 200
        assert "not right, or it was already used" in unescape(response.content.decode())
        assert AuditEvent.objects.filter(action="login_fail", username="alice").exists()
        assert client.get(PATIENTS).status_code == 302

    def test_a_quick_second_try_is_told_to_wait(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice")
        client.post(VERIFY, {"code": _wrong(code(device, clock))})
        response = client.post(VERIFY, {"code": code(device, clock)})
        assert "Too many wrong codes: wait 1 second and try again." in response.content.decode()

    def test_a_code_used_once_does_not_open_a_second_session(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        now = code(device, clock)
        assert password_login("alice").post(VERIFY, {"code": now}).status_code == 302
        second = password_login("alice")
        assert second.post(VERIFY, {"code": now}).status_code == 200
        assert second.get(PATIENTS).status_code == 302

    def test_a_recovery_code_signs_in_once(
        self, require_mfa: None, alice: User, mine: Record, clock: Clock
    ) -> None:
        _, codes = enrolled(alice, clock)
        client = password_login("alice")
        response = client.post(VERIFY, {"code": codes[3], "next": PATIENTS}, follow=True)
        assert "You used a recovery code: 9 left." in response.content.decode()
        assert "Ownpatient" in response.content.decode()
        waited(alice)
        again = password_login("alice")
        assert again.post(VERIFY, {"code": codes[3]}).status_code == 200
        assert again.get(PATIENTS).status_code == 302

    def test_five_wrong_codes_lock_the_account_out_like_wrong_passwords(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice")
        statuses = []
        for _ in range(5):
            waited(alice)
            statuses.append(client.post(VERIFY, {"code": _wrong(code(device, clock))}).status_code)
        assert statuses == [200, 200, 200, 200, 429]
        waited(alice)
        locked = client.post(VERIFY, {"code": code(device, clock)})
        assert locked.status_code == 429 and client.get(PATIENTS).status_code == 302
        relogin = Client().post("/accounts/login/", {"username": "alice", "password": "x"})
        assert relogin.status_code == 429

    def test_a_foreign_next_is_not_followed(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice")
        response = client.post(VERIFY, {"code": code(device, clock), "next": "https://evil.test/"})
        assert response["Location"] == "/registry/"  # the dashboard, where log-ins land

    def test_without_a_device_verification_sends_to_enrolment(
        self, require_mfa: None, alice: User
    ) -> None:
        response = password_login("alice").get(VERIFY + "?next=/registry/")
        assert response["Location"] == f"{ENROL}?next=%2Fregistry%2F"

    def test_a_verified_or_exempt_session_has_nothing_to_verify(
        self, require_mfa: None, rita: User
    ) -> None:
        assert password_login("rita").get(VERIFY)["Location"] == "/registry/"


class TestOptionalUse:
    def test_without_the_requirement_nobody_is_held(self, alice: User, mine: Record) -> None:
        assert "Ownpatient" in password_login("alice").get(PATIENTS).content.decode()

    def test_an_exempt_user_may_enrol_and_then_must_verify(
        self, require_mfa: None, rita: User, clock: Clock
    ) -> None:
        client = password_login("rita")
        assert client.get("/registry/").status_code == 200
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=rita)
        assert client.post(ENROL, {"code": code(device, clock)}).status_code == 200
        clock.tick()
        later = password_login("rita")
        assert later.get("/registry/")["Location"].startswith(VERIFY)
        assert later.post(VERIFY, {"code": code(device, clock)}).status_code == 302
        assert later.get("/registry/").status_code == 200

    def test_an_enrolled_user_is_told_so_on_the_enrolment_page(
        self, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice")
        client.post(VERIFY, {"code": code(device, clock)})
        response = client.get(ENROL, follow=True)
        assert "already has an authenticator app" in response.content.decode()

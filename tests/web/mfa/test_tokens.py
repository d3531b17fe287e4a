"""``POST /api/v1/auth/token`` with a second factor: the ``totp`` field, its errors, its
throttling, and a token for a session that already passed the second factor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import ApiToken, User
from ldnderm.web.audit.models import AuditEvent
from tests.web.mfa.helpers import Clock, code, enrolled, password_login, waited
from tests.web.registry.personas import PASSWORD, Record

pytestmark = pytest.mark.db

URL = "/api/v1/auth/token"


def _token(client: Client | None = None, headers: dict[str, str] | None = None, **body: Any) -> Any:
    payload = {"username": "alice", "password": PASSWORD, **body}
    return (client or Client()).post(URL, payload, content_type="application/json", headers=headers)


def _wrong(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


class TestTheTotpField:
    def test_a_required_account_without_a_code_gets_401_naming_totp(
        self, require_mfa: None, alice: User
    ) -> None:
        response = _token()
        assert response.status_code == 401
        assert response.json()["detail"].startswith("totp: ")
        assert "totp field" in response.json()["detail"]
        assert not ApiToken.objects.exists()

    def test_an_enrolled_account_without_a_code_gets_401_too(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        enrolled(alice, clock)
        assert _token().status_code == 401
        assert _token(totp="").status_code == 401

    def test_a_wrong_code_gets_401_naming_totp_and_is_a_failed_log_in(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        response = _token(totp=_wrong(code(device, clock)))
        assert response.status_code == 401
        assert response.json() == {"detail": "totp: the code is wrong or was already used"}
        assert AuditEvent.objects.filter(action="login_fail", username="alice").exists()

    def test_the_current_code_gets_a_token_that_works(
        self, require_mfa: None, alice: User, mine: Record, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        response = _token(totp=code(device, clock))
        assert response.status_code == 200
        bearer = {"Authorization": f"Bearer {response.json()['token']}"}
        assert "Ownpatient" in Client().get("/api/v1/patients", headers=bearer).content.decode()

    def test_a_code_is_not_accepted_twice(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        now = code(device, clock)
        assert _token(totp=now).status_code == 200
        assert _token(totp=now).status_code == 401

    def test_a_recovery_code_gets_one_token(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        _, codes = enrolled(alice, clock)
        assert _token(totp=codes[0]).status_code == 200
        waited(alice)
        assert _token(totp=codes[0]).status_code == 401

    def test_the_wrong_password_is_refused_before_any_code_is_looked_at(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        response = _token(password="wrong", totp=code(device, clock))
        assert response.json() == {"detail": "invalid credentials"}
        assert _token(totp=code(device, clock)).status_code == 200, "the code was not used up"

    def test_an_exempt_researcher_needs_no_code(self, require_mfa: None, rita: User) -> None:
        assert _token(username="rita").status_code == 200

    def test_without_the_requirement_a_clinician_needs_no_code(self, alice: User) -> None:
        assert _token().status_code == 200


class TestThrottling:
    def test_five_missing_or_wrong_codes_lock_the_account_out_in_json(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        statuses = [_token().status_code for _ in range(2)]
        for _ in range(3):
            waited(alice)
            statuses.append(_token(totp=_wrong(code(device, clock))).status_code)
        assert statuses == [401, 401, 401, 401, 429]
        waited(alice)
        locked = _token(totp=code(device, clock))
        assert locked.status_code == 429 and "token" not in locked.json()

    def test_codes_and_passwords_count_together(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        for _ in range(3):
            _token(password="wrong")
        _token(totp=_wrong(code(device, clock)))
        waited(alice)
        assert _token(totp=_wrong(code(device, clock))).status_code == 429

    def test_the_device_throttles_quick_guesses(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        _token(totp=_wrong(code(device, clock)))
        held = _token(totp=code(device, clock))
        assert held.status_code == 401
        assert held.json()["detail"] == "totp: too many wrong codes; try again in 1 second"


class TestFromAVerifiedSession:
    def test_a_verified_session_gets_a_token_without_a_code(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = password_login("alice")
        client.post("/accounts/mfa/verify/", {"code": code(device, clock)})
        assert _token(client).status_code == 200

    def test_but_only_with_its_csrf_token(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        client.get("/accounts/mfa/verify/")
        csrf = client.cookies["csrftoken"].value
        client.post("/accounts/mfa/verify/", {"code": code(device, clock)}, HTTP_X_CSRFTOKEN=csrf)
        assert _token(client).status_code == 401
        assert _token(client, headers={"X-CSRFToken": csrf}).status_code == 200

    def test_a_held_session_is_no_substitute_for_the_code(
        self, require_mfa: None, alice: User, clock: Clock
    ) -> None:
        enrolled(alice, clock)
        assert _token(password_login("alice")).status_code == 401

    def test_another_users_verified_session_does_not_count(
        self, require_mfa: None, alice: User, rita: User, clock: Clock
    ) -> None:
        client = password_login("rita")
        assert _token(client).status_code == 401

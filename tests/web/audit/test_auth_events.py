"""Log-ins, log-outs and failed log-ins are in the audit trail; no password ever is."""

from __future__ import annotations

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent

pytestmark = pytest.mark.db
PASSWORD = "a long enough passphrase"


@pytest.fixture
def erin() -> User:
    return User.objects.create_user("erin", password=PASSWORD)


def actions() -> list[tuple[str, str]]:
    return [(e.action, e.username) for e in AuditEvent.objects.order_by("id")]


def test_a_log_in_and_a_log_out_are_audited(client: Client, erin: User) -> None:
    client.post("/accounts/login/", {"username": "erin", "password": PASSWORD})
    client.post("/accounts/logout/")
    assert actions() == [("login", "erin"), ("logout", "erin")]
    assert all(e.user_id == erin.pk for e in AuditEvent.objects.all())


def test_a_failed_log_in_keeps_the_username_but_never_the_password(
    client: Client, erin: User
) -> None:
    client.post("/accounts/login/", {"username": "erin", "password": "not-the-password"})
    event = AuditEvent.objects.get()
    assert (event.action, event.username, event.user_id) == ("login_fail", "erin", None)
    assert "not-the-password" not in str(event.detail)


def test_a_failed_token_request_is_audited(client: Client, erin: User) -> None:
    client.post(
        "/api/v1/auth/token",
        {"username": "erin", "password": "wrong"},
        content_type="application/json",
    )
    assert ("login_fail", "erin") in actions()

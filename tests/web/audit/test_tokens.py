"""Issuing and revoking API tokens is audited, with the client address; the token is not."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts import services
from ldnderm.web.accounts.models import ApiToken, User
from ldnderm.web.audit.hashing import timestamp
from ldnderm.web.audit.log import Actor
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.audit.verify import verify

pytestmark = pytest.mark.db
PASSWORD = "a long enough passphrase"


@pytest.fixture
def erin() -> User:
    return User.objects.create_user("erin", password=PASSWORD)


def issue(client: Client) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "erin", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


def test_issuing_and_revoking_a_token_are_audited(client: Client, erin: User) -> None:
    raw = issue(client)
    row = ApiToken.objects.get()
    issued = AuditEvent.objects.get(action="create", object_type="api_token")
    assert (issued.username, issued.object_id, issued.ip) == ("erin", str(row.pk), "198.51.100.7")
    assert issued.detail["holder_id"] == erin.pk and issued.detail["via"] == "api"
    assert raw not in str(issued.detail) and row.digest not in str(issued.detail)

    response = client.delete(
        "/api/v1/auth/token", headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR="::1"
    )
    assert response.status_code == 204
    revoked = AuditEvent.objects.get(action="update", object_type="api_token")
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert revoked.username == "erin" and revoked.ip == "::1"
    assert revoked.detail["changes"]["revoked_at"] == [None, timestamp(row.revoked_at)]
    assert verify().ok


def test_a_password_change_revokes_every_live_token_one_event_each(
    client: Client, erin: User
) -> None:
    issue(client)
    issue(client)
    erin.set_password("another long passphrase")
    erin.save()
    events = AuditEvent.objects.filter(action="update", object_type="api_token")
    assert sorted(int(e.object_id) for e in events) == sorted(
        ApiToken.objects.values_list("pk", flat=True)
    )
    assert {e.detail["reason"] for e in events} == {"password changed"}
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


def test_a_log_in_records_the_client_address(client: Client, erin: User) -> None:
    client.post(
        "/accounts/login/",
        {"username": "erin", "password": PASSWORD},
        REMOTE_ADDR="2001:0db8:0000::0001",
    )
    assert AuditEvent.objects.get(action="login").ip == "2001:db8::1"


def test_revoking_in_the_admin_is_audited_as_the_administrator(client: Client, erin: User) -> None:
    issue(client)
    admin = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    token = ApiToken.objects.get()
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [str(token.pk)]},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="api_token")
    assert (event.username, event.ip, event.object_id) == ("root", "192.0.2.1", str(token.pk))
    assert event.detail["reason"] == "revoked in the admin"


def test_deactivating_a_user_revokes_their_tokens_in_the_deactivators_name(
    client: Client, erin: User
) -> None:
    issue(client)
    admin = Actor(user_id=None, username="ada", clinic_id=None)
    services.set_active(admin, erin, False)
    event = AuditEvent.objects.get(action="update", object_type="api_token")
    assert event.username == "ada" and event.detail["reason"] == "user deactivated"


def test_behind_a_trusted_proxy_the_audit_keeps_the_real_client(
    client: Client, erin: User, settings: Any
) -> None:
    settings.LDNDERM_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    client.post(
        "/accounts/login/",
        {"username": "erin", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(action="login").ip == "203.0.113.7"

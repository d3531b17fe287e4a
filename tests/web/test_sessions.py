"""Sessions end after 30 idle minutes and, however active, 12 hours after log-in."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.accounts.sessions import LOGIN_AT

pytestmark = pytest.mark.db
PASSWORD = "a long enough passphrase"


@pytest.fixture
def signed_in(client: Client) -> Client:
    User.objects.create_user("fay", password=PASSWORD)
    assert client.post("/accounts/login/", {"username": "fay", "password": PASSWORD}).status_code
    return client


def test_the_cookie_is_an_idle_timeout_renewed_on_every_request() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_fresh_session_stays_signed_in(signed_in: Client) -> None:
    assert "fay" in signed_in.get("/").content.decode()


def test_a_session_older_than_the_absolute_limit_is_signed_out(signed_in: Client) -> None:
    session = signed_in.session
    session[LOGIN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_LIMIT_SECONDS - 1
    session.save()
    assert "fay" not in signed_in.get("/").content.decode()
    assert "_auth_user_id" not in signed_in.session

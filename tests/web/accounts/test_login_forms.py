"""Every log-in door refuses a username longer than any account's as a bad request naming the
field, before anything is authenticated or recorded (it was a 500 on PostgreSQL, where
django-axes wrote it to a 255-character column)."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from ldnderm.web.accounts.login_forms import MAX_USERNAME, axes_username
from ldnderm.web.accounts.models import User

pytestmark = pytest.mark.db

PASSWORD = "correct horse battery staple"
LONG = "u" * 300


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password=PASSWORD)


def test_accounts_and_the_doors_share_one_limit() -> None:
    assert User._meta.get_field("username").max_length == MAX_USERNAME == 150


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_log_in_page_answers_400_with_the_error_on_the_username(path: str) -> None:
    response = Client().post(path, {"username": LONG, "password": "whatever"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "at most 150 characters" in text
    assert not AccessAttempt.objects.exists()


def test_the_site_page_names_the_field() -> None:
    response = Client().post("/accounts/login/", {"username": LONG, "password": "x"})
    assert 'id="username-errors"' in response.content.decode()
    assert "Username: Ensure this value has at most 150 characters" in response.content.decode()


def test_the_token_endpoint_answers_422_naming_the_username() -> None:
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": LONG, "password": "whatever"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "username"]
    assert not AccessAttempt.objects.exists()


def test_a_150_character_username_is_an_ordinary_failed_log_in(alice: User) -> None:
    response = Client().post("/accounts/login/", {"username": "u" * 150, "password": "x"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "u" * 150


def test_a_correct_log_in_still_works(alice: User) -> None:
    response = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_axes_never_gets_more_than_its_column_holds() -> None:
    request = RequestFactory().post("/accounts/login/", {"username": "v" * 1000})
    request.user = AnonymousUser()
    assert axes_username(request) == "v" * 255
    assert axes_username(request, {"username": "w" * 300}) == "w" * 255
    assert axes_username(RequestFactory().post("/x", {}), None) is None


def test_the_password_reset_page_answers_400_for_an_over_long_address() -> None:
    response = Client().post("/accounts/password-reset/", {"email": "a" * 300 + "@example.org"})
    assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()


def test_an_ordinary_reset_request_is_unchanged() -> None:
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302

"""The site skeleton: home page, health check, log-in and log-out, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User

pytestmark = pytest.mark.db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password=PASSWORD)


def test_home_page_says_what_ldnderm_is(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "naltrexone" in text.lower()
    assert "knowledge base" in text  # the footer shows the knowledge version


def test_healthz_reports_ok_with_the_database_vendor(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


def test_login_and_logout(client: Client, alice: User) -> None:
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "alice" in client.get("/").content.decode()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "alice" not in client.get("/").content.decode()


def test_a_wrong_password_is_refused(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logins_are_throttled_after_five_failures(client: Client, alice: User) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_form_enforces_csrf(alice: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_production_settings_hash_passwords_with_argon2(client: Client, settings: Any) -> None:
    """The suite hashes with MD5 for speed (tests/conftest.py); production must use Argon2."""
    import ldnderm.web.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any("MD5" in hasher for hasher in production.PASSWORD_HASHERS)
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = User.objects.create_user("alice", password=PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_openapi_document_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/measures/{measure_id}/score" in paths
    assert "/api/v1/measures/{measure_id}/compare" in paths


def test_the_stylesheet_is_served_locally_without_collectstatic(client: Client) -> None:
    response = client.get("/static/ldnderm/site.css")
    assert response.status_code == 200
    assert b".site-header" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_every_page_links_to_conditions_and_the_safety_screen(client: Client) -> None:
    text = client.get("/").content.decode()
    assert 'href="/conditions/"' in text
    assert 'href="/screening/"' in text


def test_livez_answers_without_touching_the_database(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/livez")
    assert response.json() == {"status": "ok"}
    assert len(queries.captured_queries) == 0

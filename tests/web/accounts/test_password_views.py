"""Password reset by email: the same answer whether or not the address has an account, mail
only to an active account, limits per client address and per email address; the set-password
page is single use, refuses deactivated accounts, and lifts a lockout."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent

pytestmark = pytest.mark.db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
NEW = "a brand new passphrase 7"


def ask(email: str, ip: str = "127.0.0.10") -> tuple[int, str, str]:
    """POST the reset form from a fresh browser; the status, the page it leads to (without its
    CSRF token) and where it went."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/password-reset/", {"email": email})
    final = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, CSRF.sub("", final.content.decode()), response.get("Location", "")


def link_in(body: object) -> str:
    (path,) = re.findall(r"http://testserver(/accounts/set-password/\S+/)", str(body))
    return str(path)


class TestNoEnumeration:
    def test_an_existing_and_an_unknown_address_get_the_same_answer(self, alice: User) -> None:
        known = ask("alice@example.org")
        unknown = ask("nobody@example.org", ip="127.0.0.11")
        assert known == unknown
        assert known[0] == 302 and "Check your email" in known[1]
        assert [m.to for m in mail.outbox] == [["alice@example.org"]]

    def test_no_mail_for_a_deactivated_account_and_case_does_not_matter(
        self, alice: User, bob: User
    ) -> None:
        User.objects.filter(pk=bob.pk).update(is_active=False)
        assert ask("BOB@example.org") == ask("ALICE@EXAMPLE.ORG", ip="127.0.0.12")
        assert [m.to for m in mail.outbox] == [["alice@example.org"]]

    def test_an_invited_user_who_never_set_a_password_can_ask_again(self, ada: User) -> None:
        login_client = Client()
        login_client.force_login(ada)
        login_client.post(
            "/clinic/users/invite/",
            {"username": "nina", "email": "nina@example.org", "role": "staff"},
        )
        ask("nina@example.org")
        assert [m.to for m in mail.outbox] == [["nina@example.org"]] * 2


class TestLimits:
    def test_per_client_address(self, alice: User) -> None:
        answers = [ask(f"someone{i}@example.org", ip="127.0.0.20")[0] for i in range(6)]
        assert answers == [302] * 5 + [429]
        assert ask("alice@example.org", ip="127.0.0.21")[0] == 302  # another address is not held

    def test_per_email_address_whether_or_not_it_exists(self, alice: User) -> None:
        for email in ("alice@example.org", "nobody@example.org"):
            answers = [ask(email, ip=f"127.0.1.{i}")[:2] for i in range(4)]
            assert [a[0] for a in answers] == [302, 302, 302, 429]
            assert "Try again in 60 minutes" in answers[3][1]
        assert len(mail.outbox) == 3

    def test_the_429_says_when_to_retry(self, alice: User) -> None:
        client = Client(REMOTE_ADDR="127.0.0.30")
        for _ in range(5):
            client.post("/accounts/password-reset/", {"email": "x@example.org"})
        response = client.post("/accounts/password-reset/", {"email": "x@example.org"})
        assert response.status_code == 429 and response["Retry-After"] == "3600"


class TestSetPassword:
    def test_the_link_sets_a_password_once_and_is_audited(self, alice: User) -> None:
        ask("alice@example.org")
        path = link_in(mail.outbox[0].body)
        client = Client()
        form = client.get(path, follow=True)
        assert form.status_code == 200 and "Set your password" in form.content.decode()
        done = client.post(
            form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
        )
        assert "Your password is set" in done.content.decode()
        assert User.objects.get(pk=alice.pk).check_password(NEW)
        event = AuditEvent.objects.get(user_id=alice.pk, action="update", object_type="user")
        assert event.detail["password_set"] is True
        assert AuditEvent.objects.filter(object_type="set_password_link", user_id=alice.pk).exists()
        again = Client().get(path, follow=True)
        assert "This link does not work" in again.content.decode()

    def test_a_weak_password_is_refused_with_the_reason(self, alice: User) -> None:
        ask("alice@example.org")
        client = Client()
        form = client.get(link_in(mail.outbox[0].body), follow=True)
        weak = client.post(form.redirect_chain[-1][0], {"new_password1": "x", "new_password2": "x"})
        assert weak.status_code == 200 and "too short" in weak.content.decode()

    def test_a_deactivated_account_cannot_use_its_link(self, alice: User) -> None:
        ask("alice@example.org")
        User.objects.filter(pk=alice.pk).update(is_active=False)
        page = Client().get(link_in(mail.outbox[0].body), follow=True)
        assert "This link does not work" in page.content.decode()

    def test_setting_a_password_lifts_a_lockout(self, alice: User) -> None:
        intruder = Client(REMOTE_ADDR="127.0.0.40")
        for _ in range(5):
            intruder.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        locked = intruder.post("/accounts/login/", {"username": "alice", "password": "x"})
        assert locked.status_code == 429
        text = locked.content.decode()
        assert 'href="/accounts/password-reset/"' in text and "/clinic/users/" in text
        assert "for 15 minutes" in text
        ask("alice@example.org")
        client = Client()
        form = client.get(link_in(mail.outbox[0].body), follow=True)
        client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
        signed_in = intruder.post("/accounts/login/", {"username": "alice", "password": NEW})
        assert signed_in.status_code == 302


def test_the_log_in_page_offers_the_reset() -> None:
    assert 'href="/accounts/password-reset/"' in Client().get("/accounts/login/").content.decode()

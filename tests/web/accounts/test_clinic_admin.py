"""A clinic administrator's pages: list, invite, change role, deactivate, unlock, send a link.

Every route of ``/clinic/`` is enumerated from the URL map, so a new route is covered without
being listed here: an administrator of clinic A gets 404 (and a ``denied`` audit event) for
clinic B's users, other roles get 403 and anonymous callers are sent to the log-in page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts import services
from ldnderm.web.accounts.models import ApiToken, Clinic, User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.mfa import session as mfa_session
from tests.web.registry.personas import PASSWORD, login

pytestmark = pytest.mark.db


def _clinic_routes() -> list[str]:
    (resolver,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "accounts"
    ]
    prefix = str(resolver.pattern)
    return [
        "/" + prefix + re.sub(r"<int:(\w+)>", r"{\1}", str(p.pattern))
        for p in resolver.url_patterns
        if isinstance(p, URLPattern)
    ]


ROUTES = _clinic_routes()
BY_ID = [r for r in ROUTES if "{user_id}" in r]
BODIES = {
    "/clinic/users/{user_id}/role/": {"role": "researcher"},
    "/clinic/time-zone/": {"time_zone": "Asia/Tokyo"},
}


def test_the_enumeration_sees_every_action() -> None:
    assert len(ROUTES) == 8 and len(BY_ID) == 5


@pytest.mark.parametrize("route", BY_ID)
def test_an_admin_gets_404_for_another_clinics_user(
    route: str, ada: User, carol: User, bea: User
) -> None:
    url = route.format(user_id=carol.pk)
    before = (carol.is_active, carol.role, carol.password, ApiToken.objects.count())
    response = login(ada).post(url, BODIES.get(route, {}))
    assert response.status_code == 404
    assert "carol" not in response.content.decode()
    denied = AuditEvent.objects.filter(user_id=ada.pk, action="denied", object_id=str(carol.pk))
    assert denied.exists()
    carol = User.objects.get(pk=carol.pk)
    assert (carol.is_active, carol.role, carol.password, ApiToken.objects.count()) == before
    assert mail.outbox == []


@pytest.mark.parametrize("route", ROUTES)
def test_other_roles_get_403_and_anonymous_callers_the_log_in(
    route: str, alice: User, bob: User, ada: User
) -> None:
    url = route.format(user_id=ada.pk)
    for user in (alice, bob):
        response = login(user).post(url, BODIES.get(route, {}))
        assert response.status_code == 403
        assert AuditEvent.objects.filter(user_id=user.pk, action="denied").exists()
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert User.objects.get(pk=ada.pk).is_active
    assert ada.clinic is not None
    assert Clinic.objects.get(pk=ada.clinic.pk).time_zone == "Europe/London"


@pytest.mark.parametrize("route", BY_ID)
def test_changes_are_post_only_and_csrf_protected(route: str, ada: User, alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    url = route.format(user_id=alice.pk)
    assert client.get(url).status_code == 405
    assert client.post(url, BODIES.get(route, {})).status_code == 403
    assert User.objects.get(pk=alice.pk).is_active and alice.role == "clinician"


class TestTheUserList:
    def test_it_lists_only_the_clinics_users_and_is_audited(
        self, ada: User, alice: User, carol: User, bea: User
    ) -> None:
        response = login(ada).get("/clinic/users/")
        text = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"].find("no-store") >= 0
        assert "alice@example.org" in text and "ada" in text
        assert "carol" not in text and "bea" not in text
        assert AuditEvent.objects.filter(user_id=ada.pk, action="list", object_type="user").exists()

    def test_it_shows_a_lockout_and_the_unlock_clears_it(self, ada: User, alice: User) -> None:
        intruder = Client(REMOTE_ADDR="127.0.0.7")
        for _ in range(5):
            intruder.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert "locked out" in login(ada).get("/clinic/users/").content.decode()
        response = login(ada).post(f"/clinic/users/{alice.pk}/unlock/", follow=True)
        assert "alice is unlocked (1 record(s) cleared)." in response.content.decode()
        assert not AccessAttempt.objects.filter(username="alice").exists()
        event = AuditEvent.objects.get(user_id=ada.pk, action="update", object_id=str(alice.pk))
        assert event.detail == {"unlocked": 1}

    def test_the_nav_shows_users_to_admins_only(self, ada: User, alice: User) -> None:
        assert 'href="/clinic/users/"' in login(ada).get("/").content.decode()
        assert 'href="/clinic/users/"' not in login(alice).get("/").content.decode()


class TestInvite:
    @pytest.mark.parametrize("mfa", [True, False])
    def test_the_page_says_how_long_the_link_lasts_and_whether_mfa_follows(
        self, ada: User, settings: Any, mfa: bool
    ) -> None:
        settings.LDNDERM_REQUIRE_MFA = mfa
        settings.PASSWORD_RESET_TIMEOUT = 72 * 3600
        client = login(ada)
        session = client.session
        session[mfa_session.KEY] = mfa_session.VERIFIED  # ada passed her own second factor
        session.save()
        page = " ".join(client.get("/clinic/users/invite/").content.decode().split())
        assert "The link works once and expires after 72 hours." in page
        assert ("At their first log-in they set up an authenticator app" in page) is mfa

    def test_an_invite_creates_the_user_and_mails_a_link(self, ada: User) -> None:
        response = login(ada).post(
            "/clinic/users/invite/",
            {"username": "nina", "email": "nina@example.org", "role": "staff"},
            follow=True,
        )
        assert "Invitation sent to nina@example.org." in response.content.decode()
        nina = User.objects.get(username="nina")
        assert (nina.clinic_id, nina.role, nina.has_usable_password()) == (
            ada.clinic_id,
            "staff",
            False,
        )
        (message,) = mail.outbox
        assert message.to == ["nina@example.org"] and "ada has created" in message.body
        assert re.search(r"http://testserver/accounts/set-password/\S+/", str(message.body))
        actions = set(
            AuditEvent.objects.filter(user_id=ada.pk).values_list("object_type", "action")
        )
        assert {("user", "create"), ("set_password_link", "create")} <= actions

    @pytest.mark.parametrize(
        ("data", "field", "error"),
        [
            ({"username": "alice"}, "username", "&#x27;alice&#x27; is already taken"),
            ({"email": "ALICE@example.org"}, "email", "is already used by another account"),
            ({"email": "nope"}, "email", "Enter a valid email address."),
            ({"role": "boss"}, "role", "Select a valid choice."),
        ],
    )
    def test_bad_input_is_a_form_error_naming_the_field(
        self, ada: User, alice: User, data: dict[str, str], field: str, error: str
    ) -> None:
        body = {"username": "nina", "email": "nina@example.org", "role": "staff", **data}
        response = login(ada).post("/clinic/users/invite/", body)
        assert response.status_code == 200
        text = response.content.decode()
        assert f'id="{field}-error"' in text and error in text
        assert not User.objects.filter(username="nina").exists() and mail.outbox == []

    def test_a_failed_mail_leaves_no_half_made_account(
        self, ada: User, settings: pytest.FixtureRequest
    ) -> None:
        settings.EMAIL_BACKEND = "tests.web.accounts.failing_mail.Backend"  # type: ignore[attr-defined]
        client = login(ada)
        client.raise_request_exception = False
        body = {"username": "nina", "email": "nina@example.org", "role": "staff"}
        assert client.post("/clinic/users/invite/", body).status_code == 500
        assert not User.objects.filter(username="nina").exists()


class TestChanges:
    def test_change_role(self, ada: User, alice: User) -> None:
        login(ada).post(f"/clinic/users/{alice.pk}/role/", {"role": "admin"})
        alice = User.objects.get(pk=alice.pk)
        assert alice.role == "admin" and alice.is_staff
        event = AuditEvent.objects.get(user_id=ada.pk, action="update", object_id=str(alice.pk))
        assert event.detail == {"role": ["clinician", "admin"]}
        login(ada).post(f"/clinic/users/{alice.pk}/role/", {"role": "researcher"})
        alice = User.objects.get(pk=alice.pk)
        assert alice.role == "researcher" and not alice.is_staff
        assert not alice.has_perm("audit.view_auditevent")

    def test_a_bad_role_changes_nothing(self, ada: User, alice: User) -> None:
        response = login(ada).post(f"/clinic/users/{alice.pk}/role/", {"role": "boss"}, follow=True)
        assert "choose one of the roles" in response.content.decode()
        assert User.objects.get(pk=alice.pk).role == "clinician"

    def test_deactivate_ends_sessions_and_tokens_and_reactivate_restores_log_in(
        self, ada: User, alice: User
    ) -> None:
        session = login(alice)
        raw, _ = ApiToken.issue(alice)
        login(ada).post(f"/clinic/users/{alice.pk}/deactivate/")
        assert session.get("/registry/patients/").status_code == 302  # signed out
        assert (
            Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
        )
        refused = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert refused.status_code == 200
        login(ada).post(f"/clinic/users/{alice.pk}/reactivate/")
        again = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert again.status_code == 302
        assert ApiToken.find(raw) is None  # revoked, not revived

    def test_an_admin_cannot_deactivate_or_demote_themselves(self, ada: User) -> None:
        for action, body in (("deactivate", {}), ("role", {"role": "staff"})):
            response = login(ada).post(f"/clinic/users/{ada.pk}/{action}/", body, follow=True)
            assert "you cannot change your own account here" in response.content.decode()
        ada = User.objects.get(pk=ada.pk)
        assert ada.is_active and ada.role == "admin"

    def test_send_link_mails_an_active_user_and_refuses_a_deactivated_one(
        self, ada: User, alice: User
    ) -> None:
        login(ada).post(f"/clinic/users/{alice.pk}/send-link/")
        assert [m.to for m in mail.outbox] == [["alice@example.org"]]
        login(ada).post(f"/clinic/users/{alice.pk}/deactivate/")
        response = login(ada).post(f"/clinic/users/{alice.pk}/send-link/", follow=True)
        assert "is deactivated" in response.content.decode() and len(mail.outbox) == 1


class TestTheClinicsTimeZone:
    def test_the_users_page_shows_the_zone_and_the_clinics_today(self, ada: User) -> None:
        text = login(ada).get("/clinic/users/").content.decode()
        assert "Time zone Europe/London" in text and 'href="/clinic/time-zone/"' in text

    def test_the_admin_sees_and_changes_their_own_clinics_zone_audited(
        self, ada: User, clinic_a: Clinic, clinic_b: Clinic
    ) -> None:
        client = login(ada)
        page = client.get("/clinic/time-zone/")
        assert page.status_code == 200 and "no-store" in page["Cache-Control"]
        assert '<strong id="current-time-zone">Europe/London</strong>' in page.content.decode()
        read = AuditEvent.objects.get(user_id=ada.pk, action="read", object_type="clinic")
        assert read.object_id == str(clinic_a.pk)

        done = client.post("/clinic/time-zone/", {"time_zone": "America/New_York"}, follow=True)
        assert "The clinic&#x27;s time zone is now America/New_York." in done.content.decode()
        assert Clinic.objects.get(pk=clinic_a.pk).time_zone == "America/New_York"
        assert Clinic.objects.get(pk=clinic_b.pk).time_zone == "Europe/London"
        event = AuditEvent.objects.get(user_id=ada.pk, action="update", object_type="clinic")
        assert (event.clinic_id, event.object_id) == (clinic_a.pk, str(clinic_a.pk))
        assert event.detail == {"time_zone": ["Europe/London", "America/New_York"]}

    @pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd"])
    def test_a_zone_that_is_not_iana_is_a_form_error_and_changes_nothing(
        self, ada: User, clinic_a: Clinic, zone: str
    ) -> None:
        response = login(ada).post("/clinic/time-zone/", {"time_zone": zone})
        assert response.status_code == 200
        assert 'id="time_zone-error"' in response.content.decode()
        assert Clinic.objects.get(pk=clinic_a.pk).time_zone == "Europe/London"
        assert not AuditEvent.objects.filter(action="update", object_type="clinic").exists()

    def test_the_dates_shown_follow_the_new_zone(self, ada: User, clinic_a: Clinic) -> None:
        """At 15:30 UTC on 31 March it is already 1 April in Tokyo and still 31 March in London."""
        late = dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)
        with mock.patch("django.utils.timezone.now", return_value=late):
            client = login(ada)
            before = client.get("/clinic/time-zone/").content.decode()
            assert '<strong id="clinic-today">31 Mar 2026</strong>' in before
            client.post("/clinic/time-zone/", {"time_zone": "Asia/Tokyo"})
            assert '<strong id="clinic-today">1 Apr 2026</strong>' in (
                client.get("/clinic/time-zone/").content.decode()
            )

    def test_the_service_refuses_a_bad_zone_and_records_no_change_for_the_same_zone(
        self, clinic_a: Clinic
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            services.set_time_zone(services.CLI_ACTOR, clinic_a, "Nowhere/Land")
        assert refused.value.field == "time_zone"
        services.set_time_zone(services.CLI_ACTOR, clinic_a, "Europe/London")
        assert not AuditEvent.objects.filter(action="update", object_type="clinic").exists()

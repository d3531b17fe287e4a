"""Authentication of the API, login throttling on every path, CSRF, response headers, the CSV
export's formula escaping and the read-only audit admin (reliability.md AUTH, AXES, SESS, API-2,
INJ-5, AUD-4, AUD-5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from ldnderm.web.accounts.models import ApiToken, User
from ldnderm.web.audit.log import Actor, record
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import Patient
from tests.web.registry.personas import PASSWORD, Record, login

pytestmark = pytest.mark.db


def _token(username: str = "alice", password: str = PASSWORD, **extra: Any) -> Any:
    return Client(**extra).post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestTokens:
    def test_a_token_states_when_it_expires(self, alice: User) -> None:
        body = _token().json()
        expires = dt.datetime.fromisoformat(body["expires_at"])
        assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)
        assert ApiToken.objects.get().digest != body["token"]

    def test_an_expired_token_answers_401(self, alice: User, mine: Record) -> None:
        token = _token().json()["token"]
        assert Client().get("/api/v1/patients", headers=_bearer(token)).status_code == 200
        ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        assert Client().get("/api/v1/patients", headers=_bearer(token)).status_code == 401

    def test_a_nul_in_the_credentials_is_a_422(self, alice: User) -> None:
        # Was a 500 on PostgreSQL: the user lookup and django-axes' record carried the NUL.
        answer = _token("ali\x00ce")
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["body", "payload", "username"]

    def test_the_holder_revokes_a_token(self, alice: User, mine: Record) -> None:
        token = _token().json()["token"]
        other = _token().json()["token"]
        revoked = Client().delete("/api/v1/auth/token", headers=_bearer(token))
        assert revoked.status_code == 204
        assert Client().get("/api/v1/patients", headers=_bearer(token)).status_code == 401
        assert Client().delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 401
        assert Client().get("/api/v1/patients", headers=_bearer(other)).status_code == 200

    def test_a_session_cannot_revoke_through_the_token_route(self, alice: User) -> None:
        assert login(alice).delete("/api/v1/auth/token").status_code == 401

    def test_a_new_password_revokes_every_token(self, alice: User, mine: Record) -> None:
        token = _token().json()["token"]
        alice.set_password("another long passphrase")
        alice.save()
        assert Client().get("/api/v1/patients", headers=_bearer(token)).status_code == 401
        assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 1

    def test_a_deactivated_users_token_stops_working(self, alice: User, mine: Record) -> None:
        token = _token().json()["token"]
        User.objects.filter(pk=alice.pk).update(is_active=False)
        assert Client().get("/api/v1/patients", headers=_bearer(token)).status_code == 401

    @pytest.mark.parametrize(
        "header",
        ["Bearer", "Bearer ", "Bearer not-a-token", "Token {t}", "Basic {t}", "Bearer {t}x"],
    )
    def test_malformed_or_wrong_credentials_answer_401_without_data(
        self, alice: User, mine: Record, header: str
    ) -> None:
        token = _token().json()["token"]
        response = Client().get("/api/v1/patients", HTTP_AUTHORIZATION=header.format(t=token))
        assert response.status_code == 401
        assert "Ownpatient" not in response.content.decode()

    def test_an_admin_can_revoke_tokens_but_not_mint_them(self, alice: User) -> None:
        _token()
        boss = User.objects.create_superuser("boss", password=PASSWORD)
        client = login(boss)
        assert client.get("/admin/accounts/apitoken/add/").status_code == 403
        row = ApiToken.objects.get()
        client.post(
            "/admin/accounts/apitoken/",
            {"action": "revoke", "_selected_action": [row.pk]},
        )
        row.refresh_from_db()
        assert row.revoked_at is not None


class TestThrottling:
    def _fail(self, times: int, **extra: Any) -> Any:
        response = None
        for _ in range(times):
            response = _token(password="wrong", **extra)
        return response

    def test_the_token_endpoint_locks_out_after_five_failures_in_json(self, alice: User) -> None:
        assert self._fail(4).status_code == 401
        locked = self._fail(1)
        assert locked.status_code == 429
        assert locked["Content-Type"].startswith("application/json")
        assert "try again" in locked.json()["detail"]
        assert int(locked["Retry-After"]) == 15 * 60
        # the right password does not get through during the lockout
        right = _token()
        assert right.status_code == 429 and "token" not in right.json()

    def test_failures_on_the_api_and_the_login_page_add_up(self, alice: User) -> None:
        self._fail(3)
        for _ in range(2):
            Client().post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert _token().status_code == 429
        page = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert page.status_code == 429 and "_auth_user_id" not in page.client.session

    def test_an_attacker_elsewhere_cannot_lock_the_user_out(self, alice: User) -> None:
        self._fail(6, REMOTE_ADDR="203.0.113.9")
        assert _token(REMOTE_ADDR="198.51.100.7").status_code == 200

    def test_a_forged_forwarded_for_header_does_not_reset_the_count(self, alice: User) -> None:
        for i in range(5):
            _token(password="wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        assert _token(HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429

    def test_the_cool_off_ends_the_lockout(self, alice: User) -> None:
        from axes.models import AccessAttempt

        self._fail(5)
        assert _token().status_code == 429
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
        assert _token().status_code == 200


class TestCsrf:
    @pytest.mark.parametrize(
        ("method", "url", "body"),
        [
            ("post", "/api/v1/patients", {"mrn": "X", "given_name": "X", "family_name": "X"}),
            ("patch", "/api/v1/patients/{pk}", {"notes": "changed"}),
            ("delete", "/api/v1/visits/{visit}?reason=duplicate", None),
        ],
    )
    def test_session_writes_without_the_csrf_token_are_refused(
        self, alice: User, mine: Record, method: str, url: str, body: Any
    ) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        path = url.format(pk=mine.patient.pk, visit=mine.visit.pk)
        kwargs: dict[str, Any] = {"content_type": "application/json"}
        response = getattr(client, method)(path, body, **kwargs)
        assert response.status_code == 403
        assert Patient.objects.filter(pk=mine.patient.pk, notes="").exists()
        assert Patient.objects.count() == 1 and mine.visit.__class__.objects.count() == 1

    def test_session_writes_with_the_csrf_token_pass(self, alice: User, mine: Record) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        client.get("/registry/patients/")  # sets the csrftoken cookie
        token = client.cookies["csrftoken"].value
        response = client.patch(
            f"/api/v1/patients/{mine.patient.pk}",
            {"notes": "changed", "version": 1},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == 200

    def test_bearer_writes_need_no_csrf_token(self, alice: User, mine: Record) -> None:
        token = _token().json()["token"]
        response = Client(enforce_csrf_checks=True).patch(
            f"/api/v1/patients/{mine.patient.pk}",
            {"notes": "by script"},
            content_type="application/json",
            headers={**_bearer(token), "If-Match": '"1"'},
        )
        assert response.status_code == 200


class TestHeaders:
    @pytest.mark.parametrize(
        "url",
        ["/", "/registry/patients/", "/registry/patients/{pk}/", "/api/v1/patients", "/healthz"],
    )
    def test_security_headers_on_pages_and_api(self, alice: User, mine: Record, url: str) -> None:
        response = login(alice).get(url.format(pk=mine.patient.pk))
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp

    def test_the_api_docs_use_no_cdn_and_no_inline_script(self, client: Client) -> None:
        text = client.get("/api/v1/docs").content.decode()
        assert "cdn." not in text and "https://" not in text
        assert "<script>" not in text.replace(" ", "")

    def test_patient_responses_are_not_cached(self, alice: User, mine: Record) -> None:
        response = login(alice).get(f"/registry/patients/{mine.patient.pk}/")
        assert "no-store" in response["Cache-Control"]


class TestExport:
    @pytest.mark.parametrize("payload", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
    def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
        self, alice: User, payload: str
    ) -> None:
        assert alice.clinic is not None
        Patient.objects.create(
            clinic=alice.clinic, mrn="A-9", given_name=payload, family_name="Plain"
        )
        body = login(alice).get("/registry/patients/export.csv").content.decode()
        assert f"'{payload}" in body
        rows = body.splitlines()
        assert not any(cell.startswith(payload[0]) for cell in rows[1].split(",")[1:3])


class TestAuditTrail:
    def test_the_request_id_reaches_the_audit_event(self, alice: User, mine: Record) -> None:
        login(alice).get(f"/registry/patients/{mine.patient.pk}/", HTTP_X_REQUEST_ID="req-42")
        assert AuditEvent.objects.get(action="read", user_id=alice.pk).request_id == "req-42"

    def test_the_admin_view_is_read_only_and_scoped_to_the_clinic(
        self, alice: User, mine: Record, carol: User, canary: Record
    ) -> None:
        own = record(Actor(alice.pk, "alice", alice.clinic_id), "read", "patient", 1, 1)
        theirs = record(Actor(carol.pk, "carol", carol.clinic_id), "read", "patient", 2, 2)
        admin = User.objects.create_user(
            "adam", password=PASSWORD, clinic=alice.clinic, is_staff=True
        )
        admin.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
        client = login(admin)
        listing = client.get("/admin/audit/auditevent/")
        assert listing.status_code == 200
        assert client.get(f"/admin/audit/auditevent/{own.pk}/change/").status_code == 200
        assert client.get(f"/admin/audit/auditevent/{theirs.pk}/change/").status_code == 302
        assert client.get("/admin/audit/auditevent/add/").status_code == 403
        changed = client.post(f"/admin/audit/auditevent/{own.pk}/change/", {"action": "x"})
        assert changed.status_code == 403
        assert client.post(f"/admin/audit/auditevent/{own.pk}/delete/").status_code == 403
        boss = login(User.objects.create_superuser("boss", password=PASSWORD))
        assert boss.post(f"/admin/audit/auditevent/{own.pk}/delete/").status_code == 403
        deleted = boss.post(
            "/admin/audit/auditevent/",
            {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
        )
        assert deleted.status_code in {200, 302}
        assert AuditEvent.objects.filter(pk=own.pk, action="read").exists()

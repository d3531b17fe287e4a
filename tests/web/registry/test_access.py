"""Persona access tests: clinic A cannot see, list, export or guess clinic B's records, through
pages or the API; every attempt is audited; researchers see aggregates only."""

from __future__ import annotations

import pytest
from django.test import Client

from ldnderm.web.accounts.models import ApiToken, User
from ldnderm.web.audit.models import AuditEvent
from tests.web.registry.personas import CANARY, PASSWORD, Record, login

pytestmark = pytest.mark.db


class TestPages:
    def test_anonymous_visitors_are_sent_to_the_login(self, client: Client, mine: Record) -> None:
        response = client.get(f"/registry/patients/{mine.patient.pk}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_a_clinician_opens_their_own_patient_and_the_read_is_audited(
        self, alice: User, mine: Record
    ) -> None:
        response = login(alice).get(f"/registry/patients/{mine.patient.pk}/")
        assert response.status_code == 200
        assert "Ownpatient" in response.content.decode()
        assert (
            response["Cache-Control"].startswith("no-store")
            or "no-store" in response["Cache-Control"]
        )
        event = AuditEvent.objects.get(user_id=alice.pk, action="read", object_type="patient")
        assert event.patient_id == mine.patient.pk
        assert event.request_id

    def test_another_clinics_patient_answers_404_and_the_attempt_is_audited(
        self, alice: User, canary: Record
    ) -> None:
        response = login(alice).get(f"/registry/patients/{canary.patient.pk}/")
        assert response.status_code == 404
        assert CANARY not in response.content.decode()
        denied = AuditEvent.objects.get(user_id=alice.pk, action="denied")
        assert denied.object_id == str(canary.patient.pk)

    def test_a_guessed_id_that_does_not_exist_answers_the_same_404(self, alice: User) -> None:
        assert login(alice).get("/registry/patients/999999/").status_code == 404

    def test_the_list_and_search_never_show_another_clinic(
        self, alice: User, mine: Record, canary: Record
    ) -> None:
        client = login(alice)
        for url in (
            "/registry/patients/",
            "/registry/patients/?q=zanzibar",
            "/registry/patients/?q=B-CAN",
        ):
            text = client.get(url).content.decode()
            assert CANARY not in text and "B-CANARY-9" not in text
        assert "Ownpatient" in client.get("/registry/patients/").content.decode()
        listed = AuditEvent.objects.filter(user_id=alice.pk, action="list")
        assert set(listed.values_list("patient_id", flat=True)) == {mine.patient.pk}

    def test_the_export_holds_only_the_clinics_patients(
        self, alice: User, mine: Record, canary: Record
    ) -> None:
        response = login(alice).get("/registry/patients/export.csv")
        body = response.content.decode()
        assert response["Content-Type"].startswith("text/csv")
        assert "A-001" in body and CANARY not in body
        assert AuditEvent.objects.filter(user_id=alice.pk, action="export").count() == 1

    @pytest.mark.parametrize("path", ["/registry/patients/", "/registry/patients/{pk}/"])
    def test_a_researcher_cannot_open_patient_pages(
        self, rita: User, mine: Record, path: str
    ) -> None:
        response = login(rita).get(path.format(pk=mine.patient.pk))
        assert response.status_code == 403
        assert "Ownpatient" not in response.content.decode()
        assert AuditEvent.objects.filter(user_id=rita.pk, action="denied").exists()

    def test_a_researcher_sees_the_dashboard(self, rita: User, mine: Record) -> None:
        response = login(rita).get("/registry/")
        assert response.status_code == 200
        assert "Ownpatient" not in response.content.decode()

    def test_a_user_without_a_clinic_sees_nothing(self, db: None, mine: Record) -> None:
        from tests.web.registry.personas import user

        response = login(user("drifter", None, "clinician")).get("/registry/patients/")
        assert response.status_code == 403

    def test_staff_cannot_start_a_course(self, bob: User, mine: Record) -> None:
        page = login(bob).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
        assert "Start a course" not in page


class TestApi:
    def _token(self, username: str) -> str:
        response = Client().post(
            "/api/v1/auth/token",
            {"username": username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200
        return str(response.json()["token"])

    def test_a_token_is_issued_for_a_password_and_stored_hashed(self, alice: User) -> None:
        token = self._token("alice")
        assert not ApiToken.objects.filter(digest=token).exists()
        assert ApiToken.objects.filter(user=alice).count() == 1

    def test_a_wrong_password_gets_no_token(self, alice: User) -> None:
        response = Client().post(
            "/api/v1/auth/token",
            {"username": "alice", "password": "wrong"},
            content_type="application/json",
        )
        assert response.status_code == 401

    def test_patient_data_needs_authentication(self, client: Client, mine: Record) -> None:
        assert client.get("/api/v1/patients").status_code == 401
        bad = client.get("/api/v1/patients", HTTP_AUTHORIZATION="Bearer not-a-token")
        assert bad.status_code == 401

    def test_bearer_token_lists_only_the_clinics_patients(
        self, alice: User, mine: Record, canary: Record
    ) -> None:
        auth = {"Authorization": f"Bearer {self._token('alice')}"}
        body = Client().get("/api/v1/patients", headers=auth).json()
        assert body["count"] == 1
        assert [p["mrn"] for p in body["items"]] == ["A-001"]
        assert (
            Client().get(f"/api/v1/patients/{canary.patient.pk}", headers=auth).status_code == 404
        )
        assert AuditEvent.objects.filter(username="alice", action="denied").exists()

    def test_filters_cannot_reach_another_clinic(
        self, alice: User, mine: Record, canary: Record
    ) -> None:
        client = login(alice)
        for url in (
            f"/api/v1/visits?patient_id={canary.patient.pk}",
            f"/api/v1/assessments?visit_id={canary.visit.pk}",
            f"/api/v1/adverse-events?patient_id={canary.patient.pk}",
            f"/api/v1/courses?patient_id={canary.patient.pk}",
        ):
            body = client.get(url).json()
            assert body == {"items": [], "count": 0}, url

    def test_a_researcher_gets_aggregates_but_no_patient(self, rita: User, mine: Record) -> None:
        client = login(rita)
        assert client.get("/api/v1/patients").status_code == 403
        assert client.get(f"/api/v1/patients/{mine.patient.pk}").status_code == 403
        aggregates = client.get("/api/v1/aggregates").json()
        assert aggregates["patients"] is None  # one patient: a small cell, suppressed
        assert aggregates["suppressed_below"] == 5
        assert "A-001" not in str(aggregates)

    def test_session_writes_need_the_csrf_token(self, alice: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        response = client.post(
            "/api/v1/patients",
            {"mrn": "X", "given_name": "X", "family_name": "X"},
            content_type="application/json",
        )
        assert response.status_code == 403

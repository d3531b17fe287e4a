"""The screening page and the /api/v1 safety endpoints (Django test client)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.db

BASE = {
    "sex": "female",
    "hepatic": "normal",
    "renal": "normal",
    "dosage_form": "liquid",
    "as_of": "2026-03-01",
}


class TestPage:
    def test_the_form_renders_with_csrf_and_no_store(self, client: Client) -> None:
        response = client.get("/screening/")
        assert response.status_code == 200
        assert b"csrfmiddlewaretoken" in response.content
        assert "no-store" in response["Cache-Control"]
        assert b"cdn" not in response.content.lower()

    def test_findings_plan_and_order_with_sources(self, client: Client) -> None:
        data = BASE | {
            "medications": "Percocet",
            "condition": "psoriasis",
            "start": "2026-03-02",
            "supply_days": "60",
        }
        text = client.post("/screening/", data).content.decode()
        assert "verdict-contraindicated" in text
        assert "drugcentral.org/label" in text  # the finding's source is shown
        assert "Dose plan" in text and "Compounding order" in text and "Dispense 207 mL" in text

    def test_date_inputs_render_dates_in_the_iso_form_browsers_accept(self) -> None:
        import datetime as dt

        from ldnderm.web.screening.forms import ScreeningForm

        form = ScreeningForm(initial={"as_of": dt.date(2026, 3, 2), "start": dt.date(2026, 3, 9)})
        assert 'value="2026-03-02"' in str(form["as_of"])
        assert 'value="2026-03-09"' in str(form["start"])

    def test_a_bad_line_is_reported_on_its_field(self, client: Client) -> None:
        data = BASE | {"medications": "Percocet\ntramadol | | | 2026-01-01 | soon"}
        text = client.post("/screening/", data).content.decode()
        assert "line 2: medications[1].end" in text and "Verdict" not in text

    def test_a_pasted_fhir_bundle_is_screened(self, client: Client) -> None:
        bundle = (
            '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
            '{"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/1"}, '
            '"code": {"text": "naltrexone"}}}]}'
        )
        text = client.post("/screening/", BASE | {"document": bundle}).content.decode()
        assert "naltrexone-hypersensitivity" in text

    def test_nothing_is_stored(self, client: Client) -> None:
        from django.apps import apps

        assert list(apps.get_app_config("screening").get_models()) == []

    def test_posting_without_csrf_is_refused(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        assert strict.post("/screening/", BASE).status_code == 403


class TestApi:
    def test_screen(self, client: Client) -> None:
        body = {"as_of": "2026-03-01", "medications": [{"name": "tramadol"}]}
        response = client.post("/api/v1/screen", body, content_type="application/json")
        assert response.status_code == 200 and response.json()["verdict"] == "contraindicated"

    def test_invalid_profile_is_422_with_the_field_path(self, client: Client) -> None:
        body = {"medications": [{"name": "x", "start": "bad"}]}
        response = client.post("/api/v1/screen", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "medications", 0, "start"]

    def test_plan_and_compound(self, client: Client) -> None:
        plan = client.post(
            "/api/v1/plan",
            {"condition": "psoriasis", "start": "2026-03-02"},
            content_type="application/json",
        )
        assert plan.status_code == 200 and len(plan.json()["steps"]) == 3
        order = client.post(
            "/api/v1/compound", {"dose_mg": 4.5, "days": 30}, content_type="application/json"
        )
        assert order.status_code == 200 and order.json()["tablets_50mg"] == 3

    def test_unknown_condition_is_404(self, client: Client) -> None:
        response = client.post(
            "/api/v1/plan",
            {"condition": "zzz", "start": "2026-03-02"},
            content_type="application/json",
        )
        assert response.status_code == 404

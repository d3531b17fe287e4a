"""The screening page and the /api/v1 safety endpoints (Django test client)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.forms import ANSWERED_FACTS

pytestmark = pytest.mark.db

BASE = {
    "sex": "female",
    "dosage_form": "liquid",
    "as_of": "2026-03-01",
}
COMPLETE = BASE | ANSWERED_FACTS | {"planned_dose_mg": "4.5"}
PLAN = {"condition": "psoriasis", "start": "2026-03-02", "supply_days": "60"}


def meds(*rows: dict[str, str]) -> dict[str, str]:
    """The medicine-row formset fields for ``rows``."""
    data = {"med-TOTAL_FORMS": str(len(rows)), "med-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"med-{i}-{k}": v for k, v in row.items()})
    return data


class TestPage:
    def test_the_form_renders_with_csrf_and_no_store(self, client: Client) -> None:
        response = client.get("/screening/")
        assert response.status_code == 200
        assert b"csrfmiddlewaretoken" in response.content
        assert "no-store" in response["Cache-Control"]
        assert b"cdn" not in response.content.lower()

    def test_every_required_fact_is_asked_with_not_known_as_the_default(
        self, client: Client
    ) -> None:
        text = client.get("/screening/").content.decode()
        for name in ("opioid_use_disorder_history", "pregnant", "breastfeeding"):
            assert f'name="{name}" value="" required' not in text
            assert f'name="{name}" value="" id="id_{name}_0" checked' in text
        assert "takes no medicines" in text and "not known (not asked)" in text
        assert "none known" in text and "not asked" in text
        assert "liver failure" in text and "on dialysis" in text
        assert 'name="med-0-name"' in text and 'name="med-2-prn"' in text

    def test_an_empty_form_is_not_ok_and_lists_every_fact_not_checked(self, client: Client) -> None:
        text = client.post("/screening/", BASE).content.decode()
        assert 'id="verdict">ok<' not in text
        assert "Not checked (9)" in text
        for fact in ("current or recent medicines", "liver status", "pregnancy"):
            assert f"{fact}: not checked" in text

    def test_only_answered_facts_reach_the_profile(self) -> None:
        from ldnderm.web.screening.forms import ScreeningForm

        form = ScreeningForm(BASE | {"hepatic": "mild", "pregnant": "no"})
        assert form.is_valid(), form.errors
        assert form.profile_document() == {
            "sex": "female",
            "as_of": "2026-03-01",
            "hepatic": "mild",
            "pregnant": False,
        }
        none = ScreeningForm(COMPLETE)
        assert none.is_valid()
        doc = none.profile_document()
        assert doc["medications"] == [] and doc["allergies"] == []
        assert doc["planned_procedures"] == [] and doc["opioid_use_disorder_history"] is False

    def test_medicine_rows_are_structured(self) -> None:
        from ldnderm.web.screening.forms import ScreeningForm

        rows = meds(
            {"name": "metformin", "atc": "A10BA02", "start": "2025-01-01"},
            {},
            {"rxnorm": "7052", "end": "2026-02-20", "prn": "on"},
        )
        form = ScreeningForm(COMPLETE | {"medications_status": ""} | rows)
        assert form.is_valid(), form.errors
        assert form.profile_document()["medications"] == [
            {"name": "metformin", "atc": "A10BA02", "start": "2025-01-01"},
            {"rxnorm": "7052", "end": "2026-02-20", "prn": True},
        ]

    def test_no_medicines_with_rows_filled_in_is_an_error(self, client: Client) -> None:
        data = COMPLETE | meds({"name": "metformin"})
        text = client.post("/screening/", data).content.decode()
        assert "yet rows are filled in" in text and "Verdict" not in text

    def test_add_a_medicine_row_keeps_the_rows_and_does_not_screen(self, client: Client) -> None:
        data = BASE | meds({"name": "metformin"}) | {"add_medication": "1"}
        text = client.post("/screening/", data).content.decode()
        assert 'name="med-1-name"' in text and 'value="metformin"' in text
        assert "Verdict" not in text

    def test_a_contraindication_withholds_the_plan_and_the_order(self, client: Client) -> None:
        data = COMPLETE | {"medications_status": "listed"} | meds({"name": "Percocet"}) | PLAN
        text = client.post("/screening/", data).content.decode()
        assert "verdict-contraindicated" in text
        assert "drugcentral.org/label" in text  # the finding's source is shown
        assert 'id="plan-withheld"' in text and "withheld until the" in text
        assert "Dose plan:" not in text and "Compounding order" not in text
        assert "Dispense" not in text

    def test_a_hold_withholds_the_plan(self, client: Client) -> None:
        surgery = {"procedures_status": "listed", "planned_procedures": "2026-03-03 | excision"}
        text = client.post("/screening/", COMPLETE | surgery | PLAN).content.decode()
        assert "verdict-hold" in text and "periop" in text
        assert 'id="plan-withheld"' in text and "No plan: the verdict is hold" in text
        assert "Dose plan:" not in text and "Compounding order" not in text

    def test_a_complete_profile_shows_the_plan_and_order(self, client: Client) -> None:
        text = client.post("/screening/", COMPLETE | PLAN).content.decode()
        assert "Not checked" not in text and 'id="plan-withheld"' not in text
        assert "Dose plan" in text and "Compounding order" in text and "Dispense 207 mL" in text

    def test_a_caution_shows_the_plan_below_its_findings(self, client: Client) -> None:
        data = COMPLETE | {"hepatic": "moderate", "planned_dose_mg": "50"} | PLAN
        text = client.post("/screening/", data).content.decode()
        assert "verdict-caution" in text, text[text.find("Verdict") :][:300]
        assert text.index("finding-caution") < text.index('id="plan"')
        assert "before using this plan" in text

    def test_date_inputs_render_dates_in_the_iso_form_browsers_accept(self) -> None:
        import datetime as dt

        from ldnderm.web.screening.forms import ScreeningForm

        form = ScreeningForm(initial={"as_of": dt.date(2026, 3, 2), "start": dt.date(2026, 3, 9)})
        assert 'value="2026-03-02"' in str(form["as_of"])
        assert 'value="2026-03-09"' in str(form["start"])

    def test_a_bad_medicine_row_is_reported_on_its_row(self, client: Client) -> None:
        rows = meds({"name": "Percocet"}, {}, {"name": "tramadol", "start": "2026-01-01"})
        rows["med-2-end"] = "2025-01-01"
        data = COMPLETE | {"medications_status": "listed"} | rows
        text = client.post("/screening/", data).content.decode()
        assert "Row 3, last taken: medications[1].end: is before start" in text
        assert "Verdict" not in text

    def test_a_pasted_fhir_bundle_is_screened(self, client: Client) -> None:
        bundle = (
            '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
            '{"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/1"}, '
            '"code": {"text": "naltrexone"}}}]}'
        )
        text = client.post("/screening/", BASE | {"document": bundle}).content.decode()
        assert "naltrexone-hypersensitivity" in text

    @pytest.mark.parametrize(
        ("document", "error"),
        [
            ("[" * 100_000 + "]" * 100_000, "nested too deeply to read"),
            ('{"age": ' + "9" * 5000 + "}", "holds a number too long to read"),
            ('{"x[y": 1}', "x[y: unknown key"),
        ],
    )
    def test_a_pasted_document_that_cannot_be_read_is_a_form_error(
        self, client: Client, document: str, error: str
    ) -> None:
        response = client.post("/screening/", BASE | {"document": document})
        assert response.status_code == 200
        assert error in response.content.decode()

    @pytest.mark.parametrize("field", ["as_of", "birth_date"])
    def test_a_date_outside_1900_2100_is_an_error_on_its_field(
        self, client: Client, field: str
    ) -> None:
        response = client.post("/screening/", COMPLETE | {field: "9999-12-31"})
        assert response.status_code == 200
        text = response.content.decode()
        assert "year 9999 is out of range (allowed: a date in the years 1900-2100)" in text
        assert "Verdict" not in text

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

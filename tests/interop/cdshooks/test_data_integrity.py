"""Issue 11, data integrity in hooks: what arrived under a prefetch key is checked before it is
read, a medicationReference is resolved or reported, status and dates follow the FHIR reader,
and everything unknown goes on one incomplete card. Pure layer only (no network)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest

from ldnderm.interop import cdshooks
from ldnderm.interop.cdshooks import integrity
from ldnderm.interop.cdshooks.models import FhirAuthorization
from ldnderm.interop.cdshooks.prefetch import render
from ldnderm.interop.cdshooks.services import PREFETCH
from tests.interop.cdshooks import fixtures as f

ENV = cdshooks.Environment(today=f.TODAY)
INCOMPLETE = "Naltrexone safety screen incomplete"
CLEAN = "Naltrexone safety screen: no contraindication found in the EHR data"
OXYCODONE = f.statement("oxycodone 5 MG Oral Tablet", "7804")
OUTCOME = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "exception", "diagnostics": "search timed out"}],
}


def cards(body: dict[str, Any], env: cdshooks.Environment = ENV) -> list[dict[str, Any]]:
    service_id = cdshooks.service_for_hook(body["hook"]).id
    return list(cdshooks.dump(cdshooks.run(service_id, body, env))["cards"])


def summaries(items: list[dict[str, Any]], indicator: str | None = None) -> list[str]:
    return [c["summary"] for c in items if indicator is None or c["indicator"] == indicator]


def incomplete_cards(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in items if c["summary"].startswith(INCOMPLETE)]


def paged(*resources: dict[str, Any]) -> dict[str, Any]:
    bundle = f.searchset(*resources)
    assert bundle is not None
    bundle["link"] = [
        {"relation": "self", "url": "https://fhir.example.org/r4/MedicationStatement?page=1"},
        {"relation": "next", "url": "https://fhir.example.org/r4/MedicationStatement?page=2"},
    ]
    return bundle


def with_server(body: dict[str, Any]) -> dict[str, Any]:
    body["fhirServer"] = "https://fhir.example.org/r4"
    return body


def fake_fetcher(answers: Mapping[str, Any]) -> Any:
    """A fetcher that answers each key from ``answers`` (no HTTP: the fetching is tested in the
    prefetch tests); records what it was asked."""
    asked: list[str] = []

    def fetch(
        base_url: str, auth: FhirAuthorization | None, queries: Mapping[str, str]
    ) -> dict[str, Any]:
        asked.extend(queries)
        return {k: answers.get(k) for k in queries}

    fetch.asked = asked  # type: ignore[attr-defined]
    return fetch


# --- what arrived under a key ------------------------------------------------------------------


class TestIntegrityCheck:
    @pytest.mark.parametrize(
        ("template", "expected"),
        [
            ("Patient/{{context.patientId}}", ("Patient", False)),
            ("MedicationRequest?patient={{context.patientId}}", ("MedicationRequest", True)),
            ("{{context.patientId}}", None),
        ],
    )
    def test_the_expected_type_comes_from_the_template(
        self, template: str, expected: tuple[str, bool] | None
    ) -> None:
        assert integrity.expected_type(template) == expected

    def test_good_answers_and_null_pass(self) -> None:
        assert integrity.problems(f.prefetch(statements=[OXYCODONE]), PREFETCH) == {}

    def test_an_operation_outcome_is_named_with_its_diagnostics(self) -> None:
        found = integrity.problems({"medicationStatements": OUTCOME}, PREFETCH)
        assert "OperationOutcome" in found["medicationStatements"]
        assert "search timed out" in found["medicationStatements"]

    def test_another_resource_type_is_a_problem(self) -> None:
        found = integrity.problems(
            {"medicationRequests": f.patient(), "patient": OXYCODONE}, PREFETCH
        )
        assert "not the Bundle expected" in found["medicationRequests"]
        assert "not the Patient expected" in found["patient"]

    def test_a_next_link_is_a_problem(self) -> None:
        found = integrity.problems({"medicationStatements": paged(OXYCODONE)}, PREFETCH)
        assert "next link" in found["medicationStatements"]

    def test_an_error_outcome_entry_in_a_search_set_is_a_problem_a_warning_is_not(self) -> None:
        failed = f.searchset(OXYCODONE, OUTCOME)
        warned = f.searchset(
            OXYCODONE,
            {"resourceType": "OperationOutcome", "issue": [{"severity": "warning", "code": "x"}]},
        )
        found = integrity.problems(
            {"medicationStatements": failed, "medicationRequests": warned}, PREFETCH
        )
        assert list(found) == ["medicationStatements"]


class TestUnreadableRequiredData:
    def test_an_operation_outcome_without_a_server_is_412_naming_the_key(self) -> None:
        data = f.prefetch()
        data["medicationStatements"] = OUTCOME
        with pytest.raises(cdshooks.PrefetchUnavailable) as info:
            cards(f.order_request(prefetch_data=data))
        assert info.value.keys == ["medicationStatements"]
        assert "OperationOutcome" in info.value.reason
        assert "no fhirServer" in info.value.reason

    def test_a_paged_bundle_without_a_server_is_412_naming_the_key(self) -> None:
        data = f.prefetch()
        data["medicationStatements"] = paged(f.statement("ibuprofen 200 MG"))
        with pytest.raises(cdshooks.PrefetchUnavailable) as info:
            cards(f.order_request(prefetch_data=data))
        assert info.value.keys == ["medicationStatements"]
        assert "next link" in info.value.reason

    def test_a_wrong_resource_type_is_never_read_as_no_medications(self) -> None:
        data = f.prefetch()
        data["medicationRequests"] = f.patient()
        with pytest.raises(cdshooks.PrefetchUnavailable, match="medicationRequests"):
            cards(f.order_request(prefetch_data=data))

    def test_an_unreadable_key_is_fetched_again_when_a_server_is_given(self) -> None:
        data = f.prefetch()
        data["medicationStatements"] = OUTCOME
        fetch = fake_fetcher({"medicationStatements": f.searchset(OXYCODONE)})
        env = cdshooks.Environment(today=f.TODAY, fetcher=fetch)
        items = cards(with_server(f.order_request(prefetch_data=data)), env)
        assert fetch.asked == ["medicationStatements"]
        assert "critical" in [c["indicator"] for c in items]

    def test_a_required_key_still_unreadable_after_fetching_is_412_naming_it(self) -> None:
        # The fetcher refuses an answer that is still paged (or is not data), so the required
        # key is missing: 412 naming the key and why, never a card that reads as "no opioid".
        data = f.prefetch()
        data["medicationStatements"] = OUTCOME
        for answer in (paged(OXYCODONE), OUTCOME):
            fetch = fake_fetcher({"medicationStatements": answer})
            env = cdshooks.Environment(today=f.TODAY, fetcher=fetch)
            with pytest.raises(cdshooks.PrefetchUnavailable) as info:
                cards(with_server(f.order_request(prefetch_data=data)), env)
            assert "medicationStatements" in info.value.keys


class TestUnreadableOptionalData:
    def test_good_results_are_kept_and_the_bad_key_is_named(self) -> None:
        data = f.prefetch(statements=[OXYCODONE])
        data["allergies"] = OUTCOME
        items = cards(f.order_request(prefetch_data=data))
        assert any("oxycodone" in s for s in summaries(items, "critical"))
        [card] = incomplete_cards(items)
        assert "allergies: prefetch holds an OperationOutcome (search timed out)" in card["detail"]
        assert "allergies: not stated" in card["detail"]  # unread is not "no allergies"

    def test_a_paged_optional_key_is_named_and_there_is_no_clean_card(self) -> None:
        data = f.prefetch()
        data["plannedProcedures"] = paged(f.surgery(60))
        items = cards(f.order_request(prefetch_data=data))
        assert CLEAN not in summaries(items)
        [card] = incomplete_cards(items)
        assert "plannedProcedures: prefetch is a Bundle with a next link" in card["detail"]


# --- medicationReference -----------------------------------------------------------------------


def by_reference(reference: str, display: str | None = None, **extra: Any) -> dict[str, Any]:
    res = dict(OXYCODONE, id="ms-ref")
    del res["medicationCodeableConcept"]
    ref: dict[str, Any] = {"reference": reference}
    if display:
        ref["display"] = display
    res["medicationReference"] = ref
    res.update(extra)
    return res


OXY_MEDICATION = {
    "resourceType": "Medication",
    "id": "med-oxy",
    "code": {
        "text": "oxycodone hydrochloride 5 MG Oral Tablet",
        "coding": [{"system": f.RXNORM, "code": "7804", "display": "oxycodone"}],
    },
}


class TestMedicationReference:
    def critical(self, data: dict[str, Any]) -> list[str]:
        return summaries(cards(f.order_request(prefetch_data=data)), "critical")

    def test_a_contained_medication_is_read(self) -> None:
        contained = dict(OXY_MEDICATION, id="m1")
        data = f.prefetch(statements=[by_reference("#m1", contained=[contained])])
        assert any("oxycodone" in s for s in self.critical(data))

    def test_a_medication_included_in_the_bundle_is_read(self) -> None:
        data = f.prefetch()
        bundle = f.searchset(by_reference("Medication/med-oxy"), OXY_MEDICATION)
        assert bundle is not None
        bundle["entry"][1]["search"] = {"mode": "include"}
        data["medicationStatements"] = bundle
        assert any("oxycodone" in s for s in self.critical(data))

    def test_a_medication_included_under_another_key_is_read(self) -> None:
        data = f.prefetch(statements=[by_reference("Medication/med-oxy")])
        data["medicationRequests"] = f.searchset(OXY_MEDICATION)
        assert any("oxycodone" in s for s in self.critical(data))

    def test_patient_view_sees_naltrexone_in_an_included_medication(self) -> None:
        ldn = {
            "resourceType": "Medication",
            "id": "med-ldn",
            "code": {"coding": [{"system": f.RXNORM, "code": "7243", "display": "naltrexone"}]},
        }
        data = f.prefetch(statements=[by_reference("Medication/med-ldn"), OXYCODONE])
        data["medicationRequests"] = f.searchset(ldn)
        items = cards(f.patient_view_request(data))
        assert any("oxycodone" in s for s in summaries(items, "critical"))

    def test_a_display_only_reference_is_classified(self) -> None:
        data = f.prefetch(statements=[by_reference("Medication/elsewhere", "oxycodone 5 mg")])
        assert any("oxycodone" in s for s in self.critical(data))

    def test_an_unresolvable_reference_is_reported_never_dropped(self) -> None:
        data = f.prefetch(statements=[by_reference("Medication/elsewhere")])
        items = cards(f.order_request(prefetch_data=data))
        assert CLEAN not in summaries(items)
        [card] = incomplete_cards(items)
        assert (
            "MedicationStatement/ms-ref: medicationReference 'Medication/elsewhere'"
            in (card["detail"])
        )
        # The unknown medicine itself is screened as an unrecognised medicine.
        assert any("not read" in c["detail"] for c in items if c["indicator"] == "warning")


# --- status and dates --------------------------------------------------------------------------


def request(status: str, **fields: Any) -> dict[str, Any]:
    res = {
        "resourceType": "MedicationRequest",
        "id": f"mr-{status}",
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": OXYCODONE["medicationCodeableConcept"],
        "subject": {"reference": f"Patient/{f.PATIENT_ID}"},
    }
    res.update(fields)
    return res


class TestStatusAndDates:
    def critical(self, *requests: dict[str, Any], statements: Any = ()) -> list[str]:
        data = f.prefetch(statements=list(statements))
        data["medicationRequests"] = f.searchset(*requests)
        return summaries(cards(f.order_request(prefetch_data=data)), "critical")

    def test_entered_in_error_is_ignored_and_not_reported(self) -> None:
        wrong = dict(OXYCODONE, status="entered-in-error")
        data = f.prefetch(statements=[wrong])
        items = cards(f.order_request(prefetch_data=data))
        assert not summaries(items, "critical")
        assert all("ms-oxycodone" not in (c.get("detail") or "") for c in items)

    def test_a_completed_statement_from_2019_without_an_end_is_not_current(self) -> None:
        old = dict(OXYCODONE, status="completed", effectivePeriod={"start": "2019-04-01"})
        assert self.critical(statements=[old]) == []

    def test_a_completed_statement_taken_three_days_ago_is_recent(self) -> None:
        day = (f.TODAY - timedelta(days=3)).isoformat()
        recent = dict(OXYCODONE, status="completed", effectiveDateTime=day)
        del recent["effectivePeriod"]
        assert self.critical(statements=[recent])

    def test_a_stopped_request_uses_its_authored_date(self) -> None:
        assert self.critical(request("stopped", authoredOn="2019-04-01")) == []
        day = (f.TODAY - timedelta(days=3)).isoformat()
        assert self.critical(request("stopped", authoredOn=day))

    def test_validity_period_is_not_a_stop_date(self) -> None:
        expired = {"validityPeriod": {"start": "2025-01-01", "end": "2025-02-01"}}
        active = request("active", authoredOn="2025-01-01", dispenseRequest=expired)
        assert self.critical(active)
        valid = {"validityPeriod": {"start": "2019-04-01", "end": "2030-01-01"}}
        done = request("completed", authoredOn="2019-04-01", dispenseRequest=valid)
        assert self.critical(done) == []


# --- prefetch tokens ---------------------------------------------------------------------------


def test_token_values_and_the_token_bar_are_url_encoded() -> None:
    template = "Observation?patient={{context.patientId}}&code=http://loinc.org|82810-3"
    assert render(template, {"patientId": "a b&c=d/e"}) == (
        "Observation?patient=a%20b%26c%3Dd%2Fe&code=http://loinc.org%7C82810-3"
    )
    assert render("Patient/{{context.patientId}}", {"patientId": "1288992"}) == "Patient/1288992"


# --- spec rules --------------------------------------------------------------------------------


class TestSelections:
    def test_order_select_ignores_a_naltrexone_draft_that_is_not_selected(self) -> None:
        body = f.order_request(
            orders=[f.naltrexone_order(), f.other_order()],
            prefetch_data=f.prefetch(statements=[OXYCODONE]),
            selections=["MedicationRequest/smart-MedicationRequest-104"],
        )
        assert cards(body) == []

    def test_only_selected_orders_get_a_suggestion_and_one_is_recommended(self) -> None:
        orders = [
            f.naltrexone_order("ldn-1"),
            f.naltrexone_order("ldn-2"),
            f.naltrexone_order("ldn-3"),
        ]
        body = f.order_request(
            orders=orders,
            prefetch_data=f.prefetch(statements=[OXYCODONE]),
            selections=["MedicationRequest/ldn-1", "MedicationRequest/ldn-3"],
        )
        [critical] = [c for c in cards(body) if c["indicator"] == "critical"]
        assert critical["selectionBehavior"] == "at-most-one"
        targets = [s["actions"][0]["resourceId"] for s in critical["suggestions"]]
        assert targets == ["MedicationRequest/ldn-1", "MedicationRequest/ldn-3"]
        assert [s.get("isRecommended", False) for s in critical["suggestions"]] == [True, False]


# --- one incomplete card -----------------------------------------------------------------------


def test_everything_unknown_goes_on_one_incomplete_card() -> None:
    broken = f.statement("morphine 10 MG", "7052")
    broken["medicationCodeableConcept"]["coding"] = {"code": "7052"}  # an object, not a list
    data = f.prefetch(statements=[broken, by_reference("Medication/elsewhere")])
    del data["pregnancy"]
    data["allergies"] = OUTCOME
    items = cards(f.order_request(prefetch_data=data))
    [card] = incomplete_cards(items)
    for expected in (
        "hepatic: not stated",  # facts-not-checked
        "allergies: prefetch holds an OperationOutcome",  # unreadable optional key
        "- pregnancy",  # optional key not provided
        "MedicationStatement/ms-morphine: not valid FHIR R4B (medicationCodeableConcept"
        ".coding: Input should be a valid list)",  # skipped resource, the element named
        "medicationReference 'Medication/elsewhere'",  # unresolved medicine
    ):
        assert expected in card["detail"]
    assert not [s for s in summaries(items) if "Not checked" in s]
    assert card["indicator"] == "warning"
    assert card["overrideReasons"]


def test_an_element_the_screen_does_not_read_cannot_hide_an_opioid() -> None:
    # Only what the screen reads is checked: a statement without its (required) subject is
    # still an opioid in the patient's record, found by a patient-scoped query.
    morphine = f.statement("morphine 10 MG", "7052")
    del morphine["subject"]
    items = cards(f.order_request(prefetch_data=f.prefetch(statements=[morphine])))
    assert any("morphine" in c["detail"].lower() for c in items if c["indicator"] == "critical")
    assert not incomplete_cards(items) or "ms-morphine" not in incomplete_cards(items)[0]["detail"]


def test_medicines_not_stated_is_on_the_incomplete_card_not_a_card_of_its_own() -> None:
    from ldnderm.interop.cdshooks.cards import CardFactory
    from ldnderm.safety import screen_document

    result = screen_document({"as_of": f.TODAY.isoformat()})  # nothing stated at all
    factory = CardFactory("hook-1")
    items = [c.model_dump(mode="json", exclude_none=True) for c in factory.findings(result)]
    # Both unknown-fact findings fired, yet neither has a card of its own: they belong on the
    # one incomplete card (tested with real hooks above).
    assert {f.rule for f in result.findings} == {"medications-not-stated", "facts-not-checked"}
    assert items == []

"""The acceptance scenarios of the CDS Hooks service, run through the pure layer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from ldnderm.interop import cdshooks
from ldnderm.interop.cdshooks.cards import CourseSummary, DueAssessment
from ldnderm.interop.cdshooks.models import SUMMARY_MAX
from ldnderm.interop.cdshooks.patient import PatientData, assemble
from ldnderm.interop.cdshooks.prefetch import FetchPolicy, http_fetcher
from ldnderm.interop.cdshooks.screening import DomainScreener
from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.safety import fhir_shapes
from tests.interop.cdshooks import fixtures as f

ENV = cdshooks.Environment(today=f.TODAY)


def cards(body: dict[str, Any], env: cdshooks.Environment = ENV) -> list[dict[str, Any]]:
    service_id = cdshooks.service_for_hook(body["hook"]).id
    document = cdshooks.dump(cdshooks.run(service_id, body, env))
    assert set(document) == {"cards"}
    return list(document["cards"])


def indicators(items: list[dict[str, Any]]) -> list[str]:
    return [c["indicator"] for c in items]


def assert_well_formed(items: list[dict[str, Any]]) -> None:
    for card in items:
        assert len(card["summary"]) <= SUMMARY_MAX
        assert card["source"]["label"]
        assert card["source"].get("url", "").startswith("https://")
        assert card["uuid"]
        if card["indicator"] != "info":
            assert all(r["display"] for r in card["overrideReasons"])


OXYCODONE = f.statement("oxycodone 5 MG Oral Tablet", "7804")


INCOMPLETE = "Naltrexone safety screen incomplete"
"""The start of the one card that lists what could not be checked (facts not stated too)."""


class TestOrderSelect:
    def test_an_opioid_patient_gets_a_critical_card_with_a_remove_suggestion(self) -> None:
        items = cards(f.order_request(prefetch_data=f.prefetch(statements=[OXYCODONE])))
        assert_well_formed(items)
        critical = [c for c in items if c["indicator"] == "critical"]
        assert len(critical) == 1
        assert "oxycodone" in critical[0]["summary"]
        action = critical[0]["suggestions"][0]["actions"][0]
        assert action == {
            "type": "delete",
            "description": action["description"],
            "resourceId": "MedicationRequest/smart-MedicationRequest-103",
        }
        assert critical[0]["selectionBehavior"] == "at-most-one"

    def test_an_opioid_stopped_three_days_ago_is_still_critical(self) -> None:
        stopped = f.statement("tramadol 50 MG", "10689", "completed", f.TODAY - timedelta(days=3))
        items = cards(f.order_request(prefetch_data=f.prefetch(statements=[stopped])))
        assert "critical" in indicators(items)

    def test_an_opioid_in_the_same_draft_session_is_critical(self) -> None:
        opioid = f.other_order("rx-oxy")
        opioid["medicationCodeableConcept"] = {
            "text": "oxycodone 5 MG Oral Tablet",
            "coding": [{"system": f.RXNORM, "code": "7804"}],
        }
        items = cards(f.order_request(orders=[opioid, f.naltrexone_order()]))
        assert "critical" in indicators(items)

    def test_a_clean_patient_gets_no_critical_card_but_an_info_card(self) -> None:
        items = cards(f.order_request())
        assert_well_formed(items)
        assert "critical" not in indicators(items)
        # The EHR states no liver, kidney or pregnancy facts: the only warning says what was not
        # checked, never a silent "no contraindication".
        warnings = [c for c in items if c["indicator"] == "warning"]
        assert len(warnings) == 1 and warnings[0]["summary"].startswith(INCOMPLETE)
        assert "hepatic: not stated" in warnings[0]["detail"]
        assert "info" in indicators(items)

    def test_the_info_card_carries_the_evidence_for_the_condition(self) -> None:
        items = cards(f.order_request())
        summaries = [c["summary"] for c in items if c["indicator"] == "info"]
        assert any("Hidradenitis suppurativa" in s and "evidence" in s for s in summaries)

    def test_no_naltrexone_in_the_draft_orders_gives_an_empty_cards_array(self) -> None:
        body = f.order_request(orders=[f.other_order()])
        body.pop("prefetch")  # and it needs no data to say so
        assert cards(body) == []

    def test_missing_prefetch_without_fhir_server_is_precondition_failed(self) -> None:
        body = f.order_request()
        body.pop("prefetch")
        with pytest.raises(cdshooks.PrefetchUnavailable) as info:
            cards(body)
        assert "medicationStatements" in info.value.keys

    def test_optional_prefetch_keys_may_be_missing_and_the_card_says_so(self) -> None:
        data = f.prefetch()
        del data["allergies"], data["pregnancy"]
        items = cards(f.order_request(prefetch_data=data))
        warnings = [c for c in items if c["indicator"] == "warning"]
        assert len(warnings) == 1 and warnings[0]["summary"].startswith(INCOMPLETE)
        assert "- allergies" in warnings[0]["detail"]
        assert "- pregnancy" in warnings[0]["detail"]
        assert "hepatic: not stated" in warnings[0]["detail"]

    def test_an_invalid_resource_is_reported_not_silently_dropped(self) -> None:
        broken = f.statement("morphine 10 MG", "7052")
        broken["effectivePeriod"] = {"start": "2024-13-01"}  # no such month
        items = cards(f.order_request(prefetch_data=f.prefetch(statements=[broken])))
        warning = next(c for c in items if "incomplete" in c["summary"])
        assert "MedicationStatement/ms-morphine: not valid FHIR R4B" in warning["detail"]
        assert "effectivePeriod.start" in warning["detail"]

    def test_a_prefetch_patient_other_than_the_context_patient_is_refused(self) -> None:
        data = f.prefetch()
        data["patient"] = dict(data["patient"], id="someone-else")
        with pytest.raises(InvalidInput, match=r"prefetch\.patient"):
            cards(f.order_request(prefetch_data=data))

    def test_order_select_needs_selections(self) -> None:
        body = f.order_request()
        del body["context"]["selections"]
        with pytest.raises(InvalidInput, match="selections"):
            cards(body)

    def test_the_same_request_gives_the_same_cards(self) -> None:
        body = f.order_request(prefetch_data=f.prefetch(statements=[OXYCODONE]))
        assert cards(body) == cards(body)

    def test_the_screen_reads_the_validated_resources_as_it_would_read_their_bundle(
        self,
    ) -> None:
        data = f.prefetch(statements=[OXYCODONE], procedures=[f.surgery(2)])
        patient = assemble(as_of=f.TODAY, patient_id=f.PATIENT_ID, prefetch=data)
        assert patient.resources is not None and len(patient.resources) > 2
        # Read into the lean models of what the screen reads, not validated by fhir.resources.
        assert all(isinstance(r, fhir_shapes.Resource) for r in patient.resources)
        screener = DomainScreener()
        once = screener.screen(patient)
        from_bundle = screener.screen(replace(patient, resources=None))
        assert once == from_bundle and once.verdict == "contraindicated"


class TestOrderSign:
    def test_surgery_in_two_days_gives_a_warning(self) -> None:
        body = f.order_request("order-sign", prefetch_data=f.prefetch(procedures=[f.surgery(2)]))
        items = cards(body)
        assert_well_formed(items)
        assert "critical" not in indicators(items)
        warning = next(c for c in items if c["indicator"] == "warning")
        assert warning["summary"].startswith("Hold naltrexone")

    def test_ordering_naltrexone_while_already_on_extended_release_naltrexone_is_a_hold(
        self,
    ) -> None:
        vivitrol = f.statement("Vivitrol 380 MG injection", "637213")
        body = f.order_request("order-sign", prefetch_data=f.prefetch(statements=[vivitrol]))
        holds = [c["summary"] for c in cards(body) if c["summary"].startswith("Hold naltrexone")]
        assert len(holds) == 1 and "antagonist already in use" in holds[0]

    def test_surgery_in_two_months_gives_no_hold(self) -> None:
        body = f.order_request("order-sign", prefetch_data=f.prefetch(procedures=[f.surgery(60)]))
        assert not [c for c in cards(body) if c["summary"].startswith("Hold naltrexone")]

    def test_a_hook_that_is_not_the_services_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="order-sign"):
            cdshooks.run("naltrexone-order-sign", f.order_request("order-select"), ENV)


class TestPatientView:
    def test_a_patient_not_on_naltrexone_gets_no_cards(self) -> None:
        assert cards(f.patient_view_request()) == []

    def test_a_patient_on_naltrexone_with_a_new_opioid_gets_a_critical_card(self) -> None:
        on_ldn = f.statement("naltrexone 4.5 mg capsule", "7243")
        data = f.prefetch(statements=[on_ldn, OXYCODONE])
        items = cards(f.patient_view_request(data))
        assert indicators(items) == ["critical", "warning"]
        assert items[1]["summary"].startswith(INCOMPLETE)
        assert "suggestions" not in items[0]

    def test_the_registry_course_and_assessments_due_are_shown(self) -> None:
        def lookup(patient: PatientData) -> CourseSummary:
            assert ("urn:oid:1.2.36.146.595.217.0.1", "12345") in patient.identifiers
            return CourseSummary(
                condition="Hidradenitis suppurativa",
                started=f.TODAY - timedelta(days=40),
                dose_mg=4.5,
                assessments_due=(DueAssessment("IHS4", f.TODAY),),
                url="https://clinic.example/registry/patients/1",
            )

        env = cdshooks.Environment(today=f.TODAY, courses=lookup)
        items = cards(f.patient_view_request(), env)
        items = [c for c in items if not c["summary"].startswith(INCOMPLETE)]
        assert indicators(items) == ["info"]
        assert "4.5 mg/day; 1 assessment due" in items[0]["summary"]
        assert items[0]["links"][0]["type"] == "absolute"


class TestFetchingFromTheFhirServer:
    def _env(self, handler: Any) -> cdshooks.Environment:
        client = httpx.Client(transport=httpx.MockTransport(handler))
        # 203.0.113.0/24 is a documentation range (RFC 5737): blocked unless allowed, like 10/8.
        policy = FetchPolicy.of(["https://fhir.example.org/r4"], ["203.0.113.0/24"])
        fetcher = http_fetcher(policy, client, resolver=lambda host, port: ["203.0.113.7"])
        return cdshooks.Environment(today=f.TODAY, fetcher=fetcher)

    def _request(self) -> dict[str, Any]:
        body = f.order_request()
        body.pop("prefetch")
        body["fhirServer"] = "https://fhir.example.org/r4"
        body["fhirAuthorization"] = {
            "access_token": "secret-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "ldnderm",
        }
        return body

    def test_missing_prefetch_is_fetched_with_the_access_token(self) -> None:
        seen: list[httpx.Request] = []
        data = f.prefetch(statements=[OXYCODONE])

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            assert request.headers["Authorization"] == "Bearer secret-token"
            path = request.url.path.removeprefix("/r4/")
            key = {
                "Patient/1288992": "patient",
                "MedicationStatement": "medicationStatements",
            }.get(path)
            body = data.get(key) if key else None
            return httpx.Response(200, json=body or {"resourceType": "Bundle", "type": "searchset"})

        items = cards(self._request(), self._env(handler))
        assert "critical" in indicators(items)
        assert len(seen) == 7

    def test_a_failing_fhir_server_gives_precondition_failed(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(503)

        with pytest.raises(cdshooks.PrefetchUnavailable, match="could not be fetched") as caught:
            cards(self._request(), self._env(handler))
        assert "503" not in str(caught.value) and "HTTP" not in str(caught.value)


def test_an_unknown_service_is_not_found() -> None:
    with pytest.raises(NotFound):
        cdshooks.run("nope", f.order_request(), ENV)


def test_discovery_lists_three_services_with_prefetch() -> None:
    document = cdshooks.dump(cdshooks.discovery())
    assert {s["id"] for s in document["services"]} == {
        "naltrexone-order-select",
        "naltrexone-order-sign",
        "naltrexone-patient-view",
    }
    assert all("patient" in s["prefetch"] for s in document["services"])

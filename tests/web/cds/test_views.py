"""``/cds-services`` over HTTP: JWT on every call, the acceptance scenarios, CORS, feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.test import Client

from ldnderm.interop import cdshooks
from tests.interop.cdshooks import fixtures as f
from tests.interop.cdshooks import keys as k
from tests.web.cds.conftest import freeze_hook_clock

BASE = "http://testserver"
SELECT = "/cds-services/naltrexone-order-select"
SIGN = "/cds-services/naltrexone-order-sign"


AUTO = object()


def post(client: Client, path: str, body: Any, token: Any = AUTO) -> Any:
    if token is AUTO:
        token = k.token(BASE + path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, body, content_type="application/json", headers=headers)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_hook_clock(monkeypatch)


class TestDiscovery:
    def test_it_needs_a_token(self, client: Client) -> None:
        response = client.get("/cds-services")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_it_lists_the_services(self, client: Client) -> None:
        token = k.token(f"{BASE}/cds-services")
        response = client.get("/cds-services", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        assert response.json() == cdshooks.dump(cdshooks.discovery())


class TestJwt:
    # Each case has one defect (the others are valid and unexpired tokens for SELECT); tokens
    # are minted when the test runs, so a slow run cannot turn a case into "expired".
    BAD: ClassVar[dict[str, tuple[Callable[[], str | None], str]]] = {
        "missing": (lambda: None, "missing Authorization"),
        "alg-none": (lambda: k.token(BASE + SELECT, "none"), "alg 'none' is not accepted"),
        "hs256": (lambda: k.token(BASE + SELECT, "HS256"), "alg 'HS256' is not accepted"),
        "wrong-aud": (lambda: k.token(BASE + SIGN), f"the JWT aud is not {BASE + SELECT}"),
        "expired": (
            lambda: k.token(BASE + SELECT, iat_ago=600, exp_in=-300),
            "the JWT has expired",
        ),
        "unknown-issuer": (
            lambda: k.token(BASE + SELECT, iss="https://unknown.example"),
            "issuer is not trusted",
        ),
    }

    @pytest.mark.parametrize(("make_token", "reason"), BAD.values(), ids=BAD.keys())
    def test_untrusted_calls_get_401_naming_the_reason(
        self, client: Client, make_token: Callable[[], str | None], reason: str
    ) -> None:
        response = post(client, SELECT, f.order_request(), make_token())
        assert response.status_code == 401
        body = response.json()
        assert body["resourceType"] == "OperationOutcome"
        assert reason in body["issue"][0]["diagnostics"]

    def test_the_wrong_audience_token_is_accepted_where_it_was_meant_to_go(
        self, client: Client
    ) -> None:
        token = self.BAD["wrong-aud"][0]()
        body = f.order_request("order-sign")
        assert post(client, SIGN, body, token).status_code == 200

    def test_a_replayed_jti_gets_401(self, client: Client) -> None:
        token = k.token(BASE + SELECT)
        assert post(client, SELECT, f.order_request(), token).status_code == 200
        replay = post(client, SELECT, f.order_request(), token)
        assert replay.status_code == 401
        assert "replay" in replay.json()["issue"][0]["diagnostics"]

    @pytest.mark.parametrize("alg", ["ES384", "RS384"])
    def test_valid_tokens_get_200(self, client: Client, alg: str) -> None:
        response = post(client, SELECT, f.order_request(), k.token(BASE + SELECT, alg))
        assert response.status_code == 200

    def test_the_configured_base_url_is_the_audience(self, client: Client, settings: Any) -> None:
        settings.LDNDERM_CDS_BASE_URL = "https://cds.example.org"
        token = k.token("https://cds.example.org" + SELECT)
        assert post(client, SELECT, f.order_request(), token).status_code == 200


class TestHookCalls:
    def test_an_opioid_patient_gets_a_critical_card(self, client: Client) -> None:
        body = f.order_request(
            prefetch_data=f.prefetch(statements=[f.statement("oxycodone", "7804")])
        )
        response = post(client, SELECT, body)
        assert response.status_code == 200
        assert "critical" in [c["indicator"] for c in response.json()["cards"]]

    def test_a_clean_patient_gets_an_info_card_and_no_critical(self, client: Client) -> None:
        indicators = [
            c["indicator"] for c in post(client, SELECT, f.order_request()).json()["cards"]
        ]
        assert "info" in indicators and "critical" not in indicators

    def test_surgery_in_two_days_gives_a_warning(self, client: Client) -> None:
        body = f.order_request("order-sign", prefetch_data=f.prefetch(procedures=[f.surgery(2)]))
        cards = post(client, SIGN, body).json()["cards"]
        assert any(c["indicator"] == "warning" for c in cards)

    def test_no_naltrexone_gives_an_empty_cards_array(self, client: Client) -> None:
        response = post(client, SELECT, f.order_request(orders=[f.other_order()]))
        assert response.status_code == 200
        assert response.json() == {"cards": []}

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (b"{not json", None),
            ([1, 2], None),
            ({"hook": "order-select", "context": {}}, "hookInstance"),
        ],
    )
    def test_a_malformed_request_gets_400_with_a_clear_message(
        self, client: Client, body: Any, field: str | None
    ) -> None:
        response = post(client, SELECT, body)
        assert response.status_code == 400
        issue = response.json()["issue"][0]
        assert issue["code"] == "invalid" and issue["diagnostics"]
        if field:
            assert issue["expression"] == [field]

    def test_a_missing_context_field_is_named(self, client: Client) -> None:
        body = f.order_request()
        del body["context"]["patientId"]
        issue = post(client, SELECT, body).json()["issue"][0]
        assert issue["expression"] == ["context.patientId"]

    def test_missing_prefetch_and_no_fhir_server_gets_412(self, client: Client) -> None:
        body = f.order_request()
        body.pop("prefetch")
        response = post(client, SELECT, body)
        assert response.status_code == 412
        assert "fhirServer" in response.json()["issue"][0]["diagnostics"]

    def test_an_unknown_service_gets_404(self, client: Client) -> None:
        assert post(client, "/cds-services/nope", f.order_request()).status_code == 404

    def test_http_and_the_pure_layer_give_the_same_cards(self, client: Client) -> None:
        body = f.order_request(
            prefetch_data=f.prefetch(statements=[f.statement("oxycodone", "7804")])
        )
        expected = cdshooks.dump(
            cdshooks.run("naltrexone-order-select", body, cdshooks.Environment(today=f.TODAY))
        )
        assert post(client, SELECT, body).json() == expected


class TestCors:
    def test_a_preflight_needs_no_token(self, client: Client) -> None:
        response = client.options(
            SELECT,
            HTTP_ORIGIN="https://sandbox.cds-hooks.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        )
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Authorization" in response["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in response

    def test_an_origin_outside_the_allow_list_gets_no_cors_headers(
        self, client: Client, settings: Any
    ) -> None:
        settings.LDNDERM_CDS_CORS_ORIGINS = "https://sandbox.cds-hooks.org"
        allowed = client.options(SELECT, HTTP_ORIGIN="https://sandbox.cds-hooks.org")
        other = client.options(SELECT, HTTP_ORIGIN="https://evil.example")
        assert allowed["Access-Control-Allow-Origin"] == "https://sandbox.cds-hooks.org"
        assert "Access-Control-Allow-Origin" not in other


@pytest.mark.db
class TestFeedback:
    PATH = "/cds-services/naltrexone-order-select/feedback"

    def body(self) -> dict[str, Any]:
        return {
            "feedback": [
                {
                    "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
                    "outcome": "overridden",
                    "overrideReason": {
                        "reason": {
                            "code": "record-out-of-date",
                            "system": "urn:ldnderm:cds-override-reason",
                            "display": "Record out of date: opioid-free interval confirmed",
                        },
                        "userComment": "Stopped tramadol 3 weeks ago.",
                    },
                    "outcomeTimestamp": "2026-03-02T10:15:00Z",
                }
            ]
        }

    def test_feedback_is_stored_once(self, client: Client) -> None:
        from ldnderm.web.cds.models import CardFeedback

        assert post(client, self.PATH, self.body()).status_code == 200
        assert post(client, self.PATH, self.body()).status_code == 200
        stored = CardFeedback.objects.get()
        assert stored.override_code == "record-out-of-date"
        assert stored.issuer == k.ISS

    def test_feedback_needs_a_token(self, client: Client) -> None:
        assert post(client, self.PATH, self.body(), None).status_code == 401

    def test_accepted_without_suggestions_gets_400(self, client: Client) -> None:
        body = self.body()
        body["feedback"][0].update(outcome="accepted")
        assert post(client, self.PATH, body).status_code == 400

    @pytest.mark.parametrize(
        "reason", [{}, {"userComment": "  "}], ids=["empty object", "blank comment only"]
    )
    def test_an_empty_override_reason_gets_400_naming_it(
        self, client: Client, reason: dict[str, Any]
    ) -> None:
        body = self.body()
        body["feedback"][0]["overrideReason"] = reason
        response = post(client, self.PATH, body)
        assert response.status_code == 400
        assert "overrideReason" in response.json()["issue"][0]["diagnostics"] + str(
            response.json()["issue"][0].get("expression")
        )

    def test_an_override_with_only_a_comment_is_stored(self, client: Client) -> None:
        from ldnderm.web.cds.models import CardFeedback

        body = self.body()
        body["feedback"][0]["overrideReason"] = {"userComment": "Patient confirmed no opioids."}
        assert post(client, self.PATH, body).status_code == 200
        assert CardFeedback.objects.get().user_comment == "Patient confirmed no opioids."


def test_an_operation_outcome_in_a_required_key_gets_412_naming_it(client: Client) -> None:
    data = f.prefetch()
    data["medicationStatements"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "exception"}],
    }
    response = post(client, SELECT, f.order_request(prefetch_data=data))
    assert response.status_code == 412
    assert "medicationStatements" in response.json()["issue"][0]["diagnostics"]

"""Fetching from fhirServer: failures count as missing, paging, bounds and SSRF blocks.

Every test talks to a stub FHIR server on 127.0.0.1 (allowed explicitly, as an issuer would
have to), or to none at all when the fetch must be refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest

from ldnderm.interop import cdshooks
from ldnderm.interop.cdshooks.models import HookRequest, parse
from ldnderm.interop.cdshooks.prefetch import (
    FetchPolicy,
    FhirFetcher,
    http_fetcher,
    query_url,
    render,
    resolve,
    under,
)
from ldnderm.interop.cdshooks.services import PREFETCH, REQUIRED
from tests.interop.cdshooks import fixtures as f
from tests.interop.cdshooks.stub_fhir import Stream, StubFhir, serve

LOOPBACK = ("127.0.0.1/32",)
OXYCODONE = f.statement("oxycodone 5 MG Oral Tablet", "7804")
TOKEN = "secret-token"


def empty() -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": 0}


def routes(**overrides: Any) -> dict[str, Any]:
    """A clean patient: every query of the service answered, ``overrides`` by resource path."""
    out: dict[str, Any] = {
        f"Patient/{f.PATIENT_ID}": (200, f.patient()),
        "MedicationRequest": (200, empty()),
        "MedicationStatement": (200, empty()),
        "Condition": (200, f.bundle(f.condition("L73.2", "HS"), kind="searchset")),
        "AllergyIntolerance": (200, empty()),
        "Observation": (200, empty()),
        "ServiceRequest": (200, empty()),
    }
    out.update(overrides)
    return out


@pytest.fixture
def stub() -> Iterator[StubFhir]:
    with serve(StubFhir(routes=routes())) as server:
        yield server


def request_for(base: str, **prefetch: Any) -> dict[str, Any]:
    body = f.order_request()
    body["prefetch"] = prefetch
    body["fhirServer"] = base
    body["fhirAuthorization"] = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "ldnderm",
    }
    return body


def fetcher(bases: Sequence[str], networks: Sequence[str] = LOOPBACK, **bounds: Any) -> FhirFetcher:
    return http_fetcher(FetchPolicy.of(bases, networks, **bounds))


def run(body: dict[str, Any], fetch: FhirFetcher | None) -> list[dict[str, Any]]:
    env = cdshooks.Environment(today=f.TODAY, fetcher=fetch)
    return list(cdshooks.dump(cdshooks.run("naltrexone-order-select", body, env))["cards"])


def resolved(body: dict[str, Any], fetch: FhirFetcher | None) -> Any:
    return resolve(parse(HookRequest, body), PREFETCH, REQUIRED, fetch)


def missing_keys(body: dict[str, Any], fetch: FhirFetcher | None) -> list[str]:
    with pytest.raises(cdshooks.PrefetchUnavailable) as caught:
        resolved(body, fetch)
    return caught.value.keys


class TestFailedQueriesAreMissing:
    def test_the_stub_answers_and_the_token_goes_to_it(self, stub: StubFhir) -> None:
        result = resolved(request_for(stub.base), fetcher([stub.base]))
        assert set(result.fetched) == set(PREFETCH) and result.missing == ()
        assert {s.authorization for s in stub.seen} == {f"Bearer {TOKEN}"}

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 500, 503])
    def test_a_required_query_answering_an_error_is_412_naming_the_key(
        self, stub: StubFhir, status: int
    ) -> None:
        stub.routes["MedicationStatement"] = (status, {"resourceType": "OperationOutcome"})
        with pytest.raises(cdshooks.PrefetchUnavailable) as caught:
            run(request_for(stub.base), fetcher([stub.base]))
        assert caught.value.keys == ["medicationStatements"]
        message = str(caught.value)
        assert str(status) not in message and "HTTP" not in message and "Error" not in message

    def test_a_wrong_base_url_answering_404_everywhere_is_412_not_no_data(
        self, stub: StubFhir
    ) -> None:
        stub.routes.clear()
        assert set(missing_keys(request_for(stub.base), fetcher([stub.base]))) == set(REQUIRED)

    def test_an_optional_query_failing_is_named_and_the_good_results_are_kept(
        self, stub: StubFhir
    ) -> None:
        stub.routes["ServiceRequest"] = (500, {})
        stub.routes["Observation"] = (404, {})
        result = resolved(request_for(stub.base), fetcher([stub.base]))
        assert set(result.missing) == {"plannedProcedures", "pregnancy"}
        assert result.data["patient"] == f.patient()
        assert "allergies" in result.data and "conditions" in result.data

    @pytest.mark.parametrize(
        "answer",
        [
            (200, {"resourceType": "OperationOutcome", "issue": []}),
            (200, f.patient()),  # a Patient where a Bundle was asked for
            (200, ["not", "a", "resource"]),
            (302, {}),  # redirects are never followed
        ],
    )
    def test_an_unusable_answer_is_missing(self, stub: StubFhir, answer: Any) -> None:
        stub.routes["MedicationRequest"] = answer
        assert missing_keys(request_for(stub.base), fetcher([stub.base])) == ["medicationRequests"]


class TestUnusablePrefetch:
    """What the EHR sent that cannot stand for the answer is fetched again, or missing."""

    def prefetch(self, **changes: Any) -> dict[str, Any]:
        data = f.prefetch()
        data.update(changes)
        return data

    @pytest.mark.parametrize(
        "value",
        [
            {"resourceType": "OperationOutcome", "issue": [{"severity": "error"}]},
            {**f.bundle(kind="searchset"), "link": [{"relation": "next", "url": "https://x/2"}]},
            f.patient(),
        ],
    )
    def test_without_a_server_it_is_412_naming_the_key(self, value: Any) -> None:
        body = f.order_request(prefetch_data=self.prefetch(medicationStatements=value))
        assert missing_keys(body, None) == ["medicationStatements"]

    def test_with_a_server_it_is_fetched_and_the_opioid_found(self, stub: StubFhir) -> None:
        stub.routes["MedicationStatement"] = (200, f.bundle(OXYCODONE, kind="searchset"))
        outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error"}]}
        body = request_for(stub.base, **self.prefetch(medicationStatements=outcome))
        items = run(body, fetcher([stub.base]))
        assert "critical" in [c["indicator"] for c in items]
        assert [s.path.split("?")[0] for s in stub.seen] == ["/r4/MedicationStatement"]


class TestPaging:
    def test_an_opioid_on_page_two_is_found(self, stub: StubFhir) -> None:
        page1 = f.bundle(f.statement("ibuprofen 200 MG Oral Tablet"), kind="searchset")
        page1["link"] = [
            {"relation": "self", "url": f"{stub.base}/MedicationStatement"},
            {"relation": "next", "url": f"{stub.base}/MedicationStatement?page=2"},
        ]
        stub.routes["/r4/MedicationStatement?page=2"] = (
            200,
            f.bundle(OXYCODONE, kind="searchset"),
        )
        stub.routes["MedicationStatement"] = (200, page1)
        result = resolved(request_for(stub.base), fetcher([stub.base]))
        merged = result.data["medicationStatements"]
        assert len(merged["entry"]) == 2 and all(
            link["relation"] != "next" for link in merged.get("link", ())
        )
        items = run(request_for(stub.base), fetcher([stub.base]))
        assert "critical" in [c["indicator"] for c in items]

    def test_endless_pages_hit_the_page_bound_and_the_key_is_missing(self, stub: StubFhir) -> None:
        def endless(path: str) -> tuple[int, Any]:
            page = f.bundle(f.statement("ibuprofen 200 MG Oral Tablet"), kind="searchset")
            page["link"] = [{"relation": "next", "url": f"{stub.base}/MedicationStatement?p=x"}]
            return 200, page

        stub.routes["MedicationStatement"] = endless
        body = request_for(stub.base)
        assert missing_keys(body, fetcher([stub.base], max_pages=3)) == ["medicationStatements"]
        assert sum(s.path.startswith("/r4/MedicationStatement") for s in stub.seen) == 3

    def test_a_slow_server_hits_the_time_bound_and_the_key_is_missing(self, stub: StubFhir) -> None:
        stub.routes["MedicationStatement"] = (200, Stream(b" ", count=200, pause=0.05))
        started = time.monotonic()
        body = request_for(stub.base)
        assert missing_keys(body, fetcher([stub.base], total_seconds=0.5)) == [
            "medicationStatements"
        ]
        assert time.monotonic() - started < 2.0

    def test_the_size_limit_is_enforced_while_the_body_streams(self, stub: StubFhir) -> None:
        # 64 KiB chunks, endless in practice (6.5 GB) and without Content-Length: reading the
        # whole body before checking its size would never finish within the test.
        stub.routes["MedicationStatement"] = (200, Stream(b"x" * 65536, count=100_000))
        started = time.monotonic()
        body = request_for(stub.base)
        fetch = fetcher([stub.base], max_bytes=1_000_000, total_seconds=20)
        assert missing_keys(body, fetch) == ["medicationStatements"]
        assert time.monotonic() - started < 5.0
        assert stub.sent_bytes < 100_000_000


class TestSsrf:
    def test_loopback_is_blocked_unless_allowed_for_the_issuer(self, stub: StubFhir) -> None:
        missing = missing_keys(request_for(stub.base), fetcher([stub.base], networks=()))
        assert set(missing) == set(REQUIRED)
        assert stub.seen == []

    def test_every_resolved_address_is_checked(self, stub: StubFhir) -> None:
        base = f"http://fhir.test:{stub.port}/r4"
        policy = FetchPolicy.of([base], LOOPBACK)
        fetch = http_fetcher(policy, resolver=lambda host, port: ["127.0.0.1", "10.1.2.3"])
        assert set(missing_keys(request_for(base), fetch)) == set(REQUIRED)
        assert stub.seen == []

    def test_the_connection_goes_to_the_checked_address(self, stub: StubFhir) -> None:
        base = f"http://fhir.test:{stub.port}/r4"
        policy = FetchPolicy.of([base], LOOPBACK)
        fetch = http_fetcher(policy, resolver=lambda host, port: ["127.0.0.1"])
        result = resolved(request_for(base), fetch)
        assert result.missing == ()
        assert {s.host for s in stub.seen} == {f"fhir.test:{stub.port}"}

    @pytest.mark.parametrize(
        ("address", "allowed"),
        [
            ("127.0.0.1", False),
            ("::1", False),
            ("::ffff:127.0.0.1", False),
            ("169.254.169.254", False),
            ("fe80::1", False),
            ("10.0.0.1", False),
            ("172.16.5.4", False),
            ("192.168.1.1", False),
            ("0.0.0.0", False),  # noqa: S104 (an address checked, not bound)
            ("224.0.0.1", False),
            ("8.8.8.8", True),
            ("2001:4860:4860::8888", True),
        ],
    )
    def test_private_ranges_are_blocked_by_default(self, address: str, allowed: bool) -> None:
        assert FetchPolicy.of(["https://fhir.example.org"]).address_allowed(address) is allowed

    def test_a_fhir_server_not_on_the_list_gets_nothing(self, stub: StubFhir) -> None:
        with serve(StubFhir(routes=routes())) as other:
            body = request_for(other.base)
            assert set(missing_keys(body, fetcher([stub.base]))) == set(REQUIRED)
            escape = request_for(stub.base + "/../admin")
            assert set(missing_keys(escape, fetcher([stub.base]))) == set(REQUIRED)
            assert other.seen == [] and stub.seen == []

    @pytest.mark.parametrize(
        "next_url",
        [
            "{other}/MedicationStatement?page=2",
            "{base}/../admin/MedicationStatement",
            "{base}/%2e%2e/admin/MedicationStatement",
            "{base}/..%2Fadmin",
            "/admin/MedicationStatement",
            "//evil.example/r4/MedicationStatement",
        ],
    )
    def test_a_next_link_leaving_the_base_is_not_followed_and_gets_no_token(
        self, stub: StubFhir, next_url: str
    ) -> None:
        with serve(StubFhir(routes=routes())) as other:
            page1 = f.bundle(f.statement("ibuprofen 200 MG Oral Tablet"), kind="searchset")
            url = next_url.format(base=stub.base, other=other.base)
            page1["link"] = [{"relation": "next", "url": url}]
            stub.routes["MedicationStatement"] = (200, page1)
            assert missing_keys(request_for(stub.base), fetcher([stub.base])) == [
                "medicationStatements"
            ]
            assert other.seen == []
            assert not [s for s in stub.seen if "admin" in s.path]

    def test_token_values_are_url_encoded(self) -> None:
        query = render("Patient/{{context.patientId}}", {"patientId": "1/../../admin?x=1"})
        assert query == "Patient/1%2F..%2F..%2Fadmin%3Fx%3D1"
        base = httpx.URL("https://fhir.example.org/r4")
        # Encoded, the id stays one segment; a server decoding %2F would still leave the base,
        # so such a URL is refused before it is sent.
        assert under(base, query_url(base, str(query))) is False
        assert under(base, query_url(base, "Patient/1288992")) is True
        observation = query_url(base, "Observation?code=http://loinc.org|82810-3")
        assert "%7C82810-3" in str(observation)

    def test_an_issuer_config_with_a_bad_base_or_network_is_refused(self) -> None:
        with pytest.raises(ValueError, match="fhir_servers"):
            FetchPolicy.of(["ftp://fhir.example.org"])
        with pytest.raises(ValueError, match="does not appear to be"):
            FetchPolicy.of(["https://fhir.example.org"], ["not-a-network"])


def test_an_issuer_with_a_bad_fhir_server_or_network_is_refused_at_start_up() -> None:
    from ldnderm.interop.cdshooks.auth import parse_issuers

    good = {"iss": "https://ehr.example.org", "jwks": {"keys": []}}
    assert parse_issuers([{**good, "fhir_servers": ["https://fhir.example.org/r4/"]}])
    with pytest.raises(ValueError, match=r"ehr\.example\.org: fhir_servers"):
        parse_issuers([{**good, "fhir_servers": ["https://"]}])
    with pytest.raises(ValueError, match=r"ehr\.example\.org: .*not-a-network"):
        parse_issuers([{**good, "fhir_private_networks": ["not-a-network"]}])


def test_https_goes_to_the_checked_address_and_verifies_the_name(tmp_path: Any) -> None:
    """The connection is pinned to the resolved address; TLS still checks the host name."""
    import datetime as dt
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fhir.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("fhir.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = tmp_path / "cert.pem"
    key_pem = tmp_path / "key.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert_pem, key_pem)
    client_tls = ssl.create_default_context(cafile=str(cert_pem))
    loopback = lambda host, port: ["127.0.0.1"]  # noqa: E731
    with serve(StubFhir(routes=routes()), tls=server_tls) as stub:
        base = f"https://fhir.test:{stub.port}/r4"
        with httpx.Client(verify=client_tls, follow_redirects=False) as client:
            fetch = http_fetcher(FetchPolicy.of([base], LOOPBACK), client, resolver=loopback)
            assert resolved(request_for(base), fetch).missing == ()
        assert {s.host for s in stub.seen} == {f"fhir.test:{stub.port}"}
        # A name the certificate does not carry fails TLS: every key missing, nothing read.
        other = f"https://other.test:{stub.port}/r4"
        stub.seen.clear()
        with httpx.Client(verify=client_tls, follow_redirects=False) as client:
            fetch = http_fetcher(FetchPolicy.of([other], LOOPBACK), client, resolver=loopback)
            assert set(missing_keys(request_for(other), fetch)) == set(REQUIRED)
        assert stub.seen == []


# --- medicationReference: Medication/{id} fetched from fhirServer ------------------------------

OXY_MEDICATION = {
    "resourceType": "Medication",
    "id": "med-oxy",
    "code": {
        "text": "oxycodone hydrochloride 5 MG Oral Tablet",
        "coding": [{"system": f.RXNORM, "code": "7804", "display": "oxycodone"}],
    },
}
CLEAN = "Naltrexone safety screen: no contraindication found in the EHR data"
INCOMPLETE = "Naltrexone safety screen incomplete"


def by_reference(reference: str) -> dict[str, Any]:
    """An oxycodone statement whose medicine is only a reference (no display, not contained)."""
    res = {k: v for k, v in OXYCODONE.items() if k != "medicationCodeableConcept"}
    res["id"] = "ms-ref"
    res["medicationReference"] = {"reference": reference}
    return res


def medication_paths(stub: StubFhir) -> list[str]:
    return [s.path for s in stub.seen if "/Medication/" in s.path]


class TestMedicationFetch:
    """Everything else is prefetched, so the only queries are the Medication reads."""

    def body(self, base: str, reference: str = "Medication/med-oxy") -> dict[str, Any]:
        return request_for(base, **f.prefetch(statements=[by_reference(reference)]))

    def test_a_fetched_medication_is_classified(self, stub: StubFhir) -> None:
        stub.routes["Medication/med-oxy"] = (200, OXY_MEDICATION)
        items = run(self.body(stub.base), fetcher([stub.base]))
        assert any("oxycodone" in c["summary"] for c in items if c["indicator"] == "critical")
        assert medication_paths(stub) == ["/r4/Medication/med-oxy"]
        assert {s.authorization for s in stub.seen} == {f"Bearer {TOKEN}"}

    def test_an_absolute_reference_under_the_server_is_fetched(self, stub: StubFhir) -> None:
        stub.routes["Medication/med-oxy"] = (200, OXY_MEDICATION)
        items = run(self.body(stub.base, f"{stub.base}/Medication/med-oxy"), fetcher([stub.base]))
        assert any("oxycodone" in c["summary"] for c in items if c["indicator"] == "critical")

    @pytest.mark.parametrize(
        "answer",
        [
            (404, {"resourceType": "OperationOutcome", "issue": [{"severity": "error"}]}),
            (500, {}),
            (200, f.patient()),  # not a Medication
            (200, dict(OXY_MEDICATION, id="another")),  # not the Medication asked for
        ],
        ids=["404", "500", "patient", "other-id"],
    )
    def test_a_failed_fetch_is_an_incomplete_warning_never_no_contraindication(
        self, stub: StubFhir, answer: tuple[int, Any]
    ) -> None:
        stub.routes["Medication/med-oxy"] = answer
        items = run(self.body(stub.base), fetcher([stub.base]))
        assert medication_paths(stub) == ["/r4/Medication/med-oxy"]
        assert CLEAN not in [c["summary"] for c in items]
        [card] = [c for c in items if c["summary"].startswith(INCOMPLETE)]
        assert card["indicator"] == "warning"
        assert "medicationReference 'Medication/med-oxy' could not be resolved" in card["detail"]

    def test_no_fetch_for_an_issuer_that_may_not_fetch(self, stub: StubFhir) -> None:
        stub.routes["Medication/med-oxy"] = (200, OXY_MEDICATION)
        items = run(self.body(stub.base), None)
        assert stub.seen == []
        assert any(c["summary"].startswith(INCOMPLETE) for c in items)

    @pytest.mark.parametrize(
        "reference",
        [
            "https://elsewhere.example.org/r4/Medication/med-oxy",  # another server
            "Medication/med-oxy/_history/1",  # not a plain read
            "Medication?code=7804",  # a search
            "Medication/../Patient/1288992",
        ],
    )
    def test_only_plain_medication_reads_on_the_server_are_fetched(
        self, stub: StubFhir, reference: str
    ) -> None:
        stub.routes["Medication/med-oxy"] = (200, OXY_MEDICATION)
        items = run(self.body(stub.base, reference), fetcher([stub.base]))
        assert stub.seen == []
        assert CLEAN not in [c["summary"] for c in items]

    def test_reads_are_bounded_per_call(self, stub: StubFhir) -> None:
        from ldnderm.interop.cdshooks.services import MAX_MEDICATION_FETCHES

        statements = [
            dict(by_reference(f"Medication/m{i}"), id=f"ms-{i}")
            for i in range(MAX_MEDICATION_FETCHES + 3)
        ]
        body = request_for(stub.base, **f.prefetch(statements=statements))
        items = run(body, fetcher([stub.base]))
        assert len(medication_paths(stub)) == MAX_MEDICATION_FETCHES
        assert CLEAN not in [c["summary"] for c in items]

    def test_patient_view_fetches_the_medication_too(self, stub: StubFhir) -> None:
        ldn = {
            "resourceType": "Medication",
            "id": "med-ldn",
            "code": {"coding": [{"system": f.RXNORM, "code": "7243", "display": "naltrexone"}]},
        }
        stub.routes["Medication/med-ldn"] = (200, ldn)
        data = f.prefetch(statements=[dict(by_reference("Medication/med-ldn"), id="ms-ldn")])
        body = f.patient_view_request(data)
        body["fhirServer"] = stub.base
        env = cdshooks.Environment(today=f.TODAY, fetcher=fetcher([stub.base]))
        items = cdshooks.dump(cdshooks.run("naltrexone-patient-view", body, env))["cards"]
        assert items, "the patient is on naltrexone (known only from the fetched Medication)"
        assert medication_paths(stub) == ["/r4/Medication/med-ldn"]

"""Issue 11, external fixtures: HL7 examples adapted to naltrexone (provenance in
``tests/fixtures/external/README.md``) go through the hooks as an EHR would send them."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ldnderm.interop import cdshooks
from tests.interop.cdshooks import fixtures as f

EXTERNAL = Path(__file__).resolve().parents[2] / "fixtures" / "external"
ENV = cdshooks.Environment(today=f.TODAY)
CLEAN = "Naltrexone safety screen: no contraindication found in the EHR data"


@cache
def _load(name: str) -> str:
    return (EXTERNAL / name).read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_load(name))
    return data


def order_sign(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(cdshooks.dump(cdshooks.run("naltrexone-order-sign", body, ENV))["cards"])


def with_requests(*requests: dict[str, Any]) -> dict[str, Any]:
    body = load("cds-hooks-order-sign-r4.json")
    body["prefetch"]["medicationRequests"]["entry"] = [{"resource": r} for r in requests]
    return body


def test_the_readme_records_every_fixture() -> None:
    readme = _load("README.md")
    for path in sorted(EXTERNAL.glob("*.json")):
        assert f"## {path.name}" in readme
    for field in ("Source: github.com/", "commit", "Licence", "Changed"):
        assert readme.count(field) >= 3


def test_the_adapted_order_sign_example_with_no_medicines_has_no_contraindication() -> None:
    items = order_sign(with_requests())
    assert not [c for c in items if c["indicator"] == "critical"]
    # Its prefetch leaves allergies, pregnancy and procedures out: one card says so.
    [warning] = [c for c in items if c["indicator"] == "warning"]
    assert warning["summary"].startswith("Naltrexone safety screen incomplete")


def test_hl7_medrx0301_contained_oxycodone_contraindicates_naltrexone() -> None:
    # An active order whose medicine is a contained Medication coded in SNOMED CT only: the
    # name "Oral Form Oxycodone (product)" is read; dispenseRequest.validityPeriod ended in
    # 2016 but is no stop date, so the oxycodone is current.
    items = order_sign(with_requests(load("hl7-fhir-medicationrequest0301.json")))
    critical = [c for c in items if c["indicator"] == "critical"]
    assert any("Oxycodone" in c["detail"] for c in critical), critical
    assert CLEAN not in [c["summary"] for c in items]


def test_hl7_medrx0301_by_reference_only_is_never_read_as_no_opioid() -> None:
    # The same order with its contained Medication gone (a reference nothing resolves).
    order = copy.deepcopy(load("hl7-fhir-medicationrequest0301.json"))
    del order["contained"]
    items = order_sign(with_requests(order))
    assert CLEAN not in [c["summary"] for c in items]
    unread = "MedicationRequest/medrx0301: medicationReference '\\#med0310' could not be resolved"
    assert any(unread in c["detail"] for c in items if c["indicator"] == "warning")


def test_the_specs_paged_prefetch_is_never_read_as_complete() -> None:
    body = load("cds-hooks-paged-prefetch-order-sign.json")
    with pytest.raises(cdshooks.PrefetchUnavailable) as caught:
        order_sign(body)  # fhirServer given, but no fetcher: the issuer may not fetch
    assert caught.value.keys == ["medicationRequests"]
    assert "next" in str(caught.value)

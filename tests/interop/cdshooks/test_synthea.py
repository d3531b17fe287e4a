"""Issue 11, external fixtures: the opioids in three Synthea R4 patients are seen by the hooks.

The patients come from smart-on-fhir/generated-sample-data (``R4/SYNTHEA/``, see
:mod:`tests.fixtures.shared_data` for commit and licence). Which of their MedicationRequests are
opioids is taken from the CDC opioid value set, not from the project's classifier. Each patient's
prefetch is built from the patient's own Bundle, the way the service's templates ask for it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from ldnderm.interop import cdshooks
from ldnderm.interop.cdshooks.fhirjson import parse_date
from ldnderm.interop.cdshooks.services import PREFETCH
from tests.fixtures import shared_data as shared
from tests.interop.cdshooks import fixtures as f

AS_OF = date(2026, 3, 1)
# Read in the files (and listed in /work/shared/data/README.md): the opioid each patient has.
NAMED = {
    "Chet_Thompson": {"1049221": "Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet"},
    "Lonnie_Von": {"857005": "Acetaminophen 325 MG / HYDROcodone Bitartrate 7.5 MG Oral Tablet"},
    "Marc_Corkery": {"857005": "Acetaminophen 325 MG / HYDROcodone Bitartrate 7.5 MG Oral Tablet"},
}
TEMPLATE = PREFETCH["medicationRequests"]
CLEAN = "Naltrexone safety screen: no contraindication found in the EHR data"
ASKED = set(parse_qs(TEMPLATE.split("?", 1)[1])["status"][0].split(","))
"""The statuses the service's template asks the EHR for (a stopped opioid is asked for too)."""


def searchset(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    return f.searchset(*items)


def prefetch_from(bundle: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The patient id and the prefetch an EHR holding this Bundle would send."""
    (patient,) = shared.resources(bundle, "Patient")
    requests = [r for r in shared.resources(bundle, "MedicationRequest") if r["status"] in ASKED]
    planned = [r for r in shared.resources(bundle, "ServiceRequest") if r["status"] == "active"]
    return patient["id"], {
        "patient": patient,
        "medicationRequests": searchset(requests),
        "medicationStatements": searchset(shared.resources(bundle, "MedicationStatement")),
        "conditions": searchset(shared.resources(bundle, "Condition")),
        "allergies": searchset(shared.resources(bundle, "AllergyIntolerance")),
        "pregnancy": None,
        "plannedProcedures": searchset(planned),
    }


def order_sign(bundle: dict[str, Any], today: date) -> list[dict[str, Any]]:
    patient_id, data = prefetch_from(bundle)
    order = f.naltrexone_order()
    order["subject"] = {"reference": f"Patient/{patient_id}"}
    body = f.order_request("order-sign", orders=[order], prefetch_data=data)
    body["context"]["patientId"] = patient_id
    env = cdshooks.Environment(today=today)
    return list(cdshooks.dump(cdshooks.run("naltrexone-order-sign", body, env))["cards"])


def when_seen(request: dict[str, Any]) -> date:
    """The day to screen on: today for an active request; for one that has ended, three days
    after its last date (within any opioid-free interval), the way a recent stop would be seen."""
    if request["status"] in {"active", "on-hold"}:
        return AS_OF
    authored = parse_date(request.get("authoredOn"))
    assert authored is not None
    return authored + timedelta(days=3)


@pytest.mark.parametrize("path", shared.synthea_paths(), ids=lambda p: p.name[:14])
def test_each_opioid_in_a_synthea_patient_gets_a_critical_card(path: Path) -> None:
    shared.require()
    bundle = shared.load(path)
    opioids = shared.opioid_requests(bundle)
    named = next(v for k, v in NAMED.items() if path.name.startswith(k))
    # The value set finds exactly the opioid read in the file (the oracle works on this data).
    codes = {c["code"] for _, r in opioids for c in r["medicationCodeableConcept"]["coding"]}
    assert codes == set(named)
    for _, request in opioids:
        display = request["medicationCodeableConcept"]["coding"][0]["display"]
        assert display in named.values()
        items = order_sign(bundle, when_seen(request))
        critical = [c for c in items if c["indicator"] == "critical"]
        assert any(display in c["detail"] for c in critical), (display, critical)
        assert not any(
            c["summary"].startswith("Naltrexone safety screen: no contra") for c in items
        )


def test_the_three_shared_synthea_patients_are_all_here() -> None:
    shared.require()
    names = sorted(p.name.split("_")[0] for p in shared.synthea_paths())
    assert names == ["Chet", "Lonnie", "Marc"]


def test_a_stopped_opioid_long_ago_is_no_contraindication_today() -> None:
    # Marc Corkery's hydrocodone was stopped in 2021: seen (as an opioid), not current.
    shared.require()
    (path,) = [p for p in shared.synthea_paths() if p.name.startswith("Marc_Corkery")]
    items = order_sign(shared.load(path), AS_OF)
    assert not [c for c in items if c["indicator"] == "critical"]

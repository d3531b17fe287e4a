"""``ldnderm fhir import`` of the three shared Synthea R4 patients (issue 11, external fixtures).

Each transaction Bundle imports its patient; the registry keeps naltrexone courses only, so an
opioid is not imported, but the report names it among the skipped entries: it is seen. Which
requests are opioids comes from the CDC value set (:mod:`tests.fixtures.shared_data`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldnderm.web.accounts.models import Clinic
from ldnderm.web.registry.models import Patient
from tests.cli.test_fhir_cli import ldnderm  # noqa: F401  (the fixture)
from tests.fixtures import shared_data as shared

pytestmark = pytest.mark.db


@pytest.mark.parametrize("path", shared.synthea_paths(), ids=lambda p: p.name[:14])
def test_import_names_each_opioid_it_does_not_import(ldnderm: Any, path: Path) -> None:  # noqa: F811
    shared.require()
    Clinic.objects.create(name="Clinic A", slug="clinic-a")
    bundle = shared.load(path)
    opioids = shared.opioid_requests(bundle)
    assert opioids, "each shared Synthea patient has an opioid prescription"
    done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-a", "--json")
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["created"]["Patient"] == 1 and Patient.objects.count() == 1
    for index, request in opioids:
        text = request["medicationCodeableConcept"]["text"]
        assert f"entry[{index}] MedicationRequest: not naltrexone ({text})" in report["skipped"]
    human = ldnderm("fhir", "import", str(path), "--clinic", "clinic-a")
    assert human.code == 0 and "already present: 1 Patient" in human.stdout
    assert opioids[0][1]["medicationCodeableConcept"]["text"] in human.stdout

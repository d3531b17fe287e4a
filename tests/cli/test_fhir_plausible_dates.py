"""``ldnderm fhir import`` holds to the registry's plausible dates like every other door: a birth
year or a visit in 2099 exits 2 with one line naming the field, and nothing is imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldnderm.web.accounts.models import Clinic
from ldnderm.web.fhir.services import export_patient
from ldnderm.web.registry.models import Patient
from tests.cli.test_fhir_cli import ldnderm  # noqa: F401  (the fixture)
from tests.web.audit.actors import ACTOR
from tests.web.fhir.test_import_export import make_patient

pytestmark = pytest.mark.db


def _bundle(tmp_path: Path, change: Any) -> Path:
    source = Clinic.objects.create(name="Clinic A", slug="clinic-a")
    Clinic.objects.create(name="Clinic B", slug="clinic-b")
    bundle = export_patient(make_patient(source), ACTOR)
    for entry in bundle["entry"]:
        change(entry["resource"])
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _birth_2099(resource: dict[str, Any]) -> None:
    if resource["resourceType"] == "Patient":
        resource["birthDate"] = "2099-01-01"


def _observation_2099(resource: dict[str, Any]) -> None:
    if resource["resourceType"] == "Observation":
        resource["effectiveDateTime"] = "2099-01-01"


@pytest.mark.parametrize(
    ("change", "field"),
    [(_birth_2099, "Patient.birthDate"), (_observation_2099, ".effectiveDateTime")],
)
def test_an_import_dated_2099_exits_2_naming_the_field(
    ldnderm: Any,  # noqa: F811
    tmp_path: Path,
    change: Any,
    field: str,
) -> None:
    path = _bundle(tmp_path, change)
    done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-b")
    assert done.code == 2, (done.stdout, done.stderr)
    assert field in done.stderr and "in the future" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not Patient.objects.filter(clinic__slug="clinic-b").exists()

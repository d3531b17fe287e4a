"""``ldnderm fhir import`` after a deletion: exit 0, the deleted record named, nothing created."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldnderm.web.accounts.models import Clinic
from ldnderm.web.fhir.services import export_patient
from ldnderm.web.registry.models import AdverseEvent
from tests.cli.test_fhir_cli import ldnderm  # noqa: F401  (the fixture)
from tests.web.audit.actors import ACTOR
from tests.web.fhir.test_import_export import make_patient

pytestmark = pytest.mark.db


def test_re_import_after_a_deletion_exits_0_and_names_what_was_deleted(
    ldnderm: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    source = Clinic.objects.create(name="Clinic A", slug="clinic-a")
    Clinic.objects.create(name="Clinic B", slug="clinic-b")
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(export_patient(make_patient(source), ACTOR)), encoding="utf-8")
    assert ldnderm("fhir", "import", str(path), "--clinic", "clinic-b").code == 0
    AdverseEvent.objects.filter(patient__clinic__slug="clinic-b").delete()

    done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-b")
    assert done.code == 0, done.stderr
    assert "created nothing" in done.stdout
    [line] = [x for x in done.stdout.splitlines() if x.startswith("  deleted since import ")]
    assert line.startswith("  deleted since import AdverseEvent ")
    assert line.endswith("deleted from the registry since; not created again")
    as_json = json.loads(
        ldnderm("fhir", "import", str(path), "--clinic", "clinic-b", "--json").stdout
    )
    assert len(as_json["deleted"]) == 1 and as_json["created"] == {}
    assert not AdverseEvent.objects.filter(patient__clinic__slug="clinic-b").exists()

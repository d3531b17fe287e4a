"""``ldnderm audit verify``, ``audit head``, ``patient erase`` and the ``--user`` behind CLI
imports, run in-process against the pytest-django test database (see test_fhir_cli)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldnderm.web.accounts.models import Clinic
from ldnderm.web.audit.log import Action, record
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import Patient
from tests.cli.test_fhir_cli import Done
from tests.web.audit.actors import ACTOR
from tests.web.audit.tamper import raw
from tests.web.fhir.test_import_export import make_patient
from tests.web.registry.personas import user

pytestmark = pytest.mark.db


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    from ldnderm.cli.app import main

    def call(*args: str) -> Done:
        monkeypatch.setattr("sys.argv", ["ldnderm", *args])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main()
        out = capsys.readouterr()
        return Done(int(exited.value.code or 0), out.out, out.err)

    return call


@pytest.fixture
def trail(db: None) -> list[AuditEvent]:
    return [record(ACTOR, Action.READ, "patient", n, n) for n in range(4)]


def test_verify_passes_and_head_prints_what_verify_head_takes(
    run: Any, trail: list[AuditEvent]
) -> None:
    head = run("audit", "head")
    assert head.code == 0 and head.stdout.strip() == f"{trail[-1].pk}:{trail[-1].chain_hash}"
    done = run("audit", "verify", "--head", head.stdout.strip())
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("audit chain verified: 4 rows")
    as_json = json.loads(run("audit", "verify", "--json").stdout)
    assert as_json["ok"] is True and as_json["head"]["seq"] == 4
    assert json.loads(run("audit", "head", "--json").stdout)["id"] == trail[-1].pk


def test_a_broken_chain_exits_1_naming_the_row(run: Any, trail: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET object_id = '99' WHERE id = %s", [trail[1].pk])
    done = run("audit", "verify")
    assert done.code == 1
    assert f"row {trail[1].pk} (seq 2): changed" in done.stderr
    assert json.loads(run("audit", "verify", "--json").stdout)["row_id"] == trail[1].pk


def test_a_cut_tail_exits_1_against_the_kept_head(run: Any, trail: list[AuditEvent]) -> None:
    kept = run("audit", "head").stdout.strip()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [trail[-1].pk])
    done = run("audit", "verify", "--head", kept)
    assert done.code == 1 and f"row {trail[-1].pk}" in done.stderr


def test_a_malformed_head_exits_2_naming_the_option(run: Any, trail: list[AuditEvent]) -> None:
    done = run("audit", "verify", "--head", "latest")
    assert done.code == 2 and "--head" in done.stderr and "Traceback" not in done.stderr


def test_patient_erase_needs_a_user_of_the_patients_clinic(run: Any, db: None) -> None:
    clinics = Clinic.objects.create(name="A", slug="a"), Clinic.objects.create(name="B", slug="b")
    user("alice", clinics[0], "clinician")
    user("carol", clinics[1], "clinician")
    patient = make_patient(clinics[0])
    args = ("patient", "erase", str(patient.pk), "--reason", "erasure request 7")
    missing = run(*args)
    assert missing.code == 2 and "--user" in missing.stderr
    other = run(*args, "--user", "carol")
    assert other.code == 2 and "--user: 'carol' does not belong to this clinic" in other.stderr
    assert run(*args, "--user", "nobody").code == 2
    done = run(*args, "--user", "alice", "--json")
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["deleted"]["patient"] == 1
    assert not Patient.objects.exists()
    assert AuditEvent.objects.get(action="erase").username == "alice"
    assert run("audit", "verify").code == 0
    assert run("patient", "erase", str(patient.pk), "--reason", "again please").code == 2


def test_patient_erase_prints_what_it_did(run: Any, db: None) -> None:
    patient = make_patient(Clinic.objects.create(name="A", slug="a"))
    done = run("patient", "erase", str(patient.pk), "--reason", "erasure request 8")
    assert done.code == 0, done.stderr  # no users yet: the OS account is recorded
    assert done.stdout.startswith(f"patient {patient.pk} erased: deleted 1 adverse_event")
    assert AuditEvent.objects.get(action="erase").username.startswith("os:")


def test_fhir_import_is_recorded_as_the_user_named(run: Any, db: None, tmp_path: Path) -> None:
    clinics = Clinic.objects.create(name="A", slug="a"), Clinic.objects.create(name="B", slug="b")
    user("bea", clinics[1], "clinician")
    patient = make_patient(clinics[0])
    exported = run("fhir", "export", str(patient.pk), "--user", "bea")
    assert exported.code == 2 and "--user" in exported.stderr  # bea is not of clinic A
    user("ann", clinics[0], "clinician")
    exported = run("fhir", "export", str(patient.pk), "--user", "ann")
    assert exported.code == 0, exported.stderr
    path = tmp_path / "bundle.json"
    path.write_text(exported.stdout, encoding="utf-8")
    missing = run("fhir", "import", str(path), "--clinic", "b")
    assert missing.code == 2 and "--user" in missing.stderr
    done = run("fhir", "import", str(path), "--clinic", "b", "--user", "bea")
    assert done.code == 0, done.stderr
    created = AuditEvent.objects.filter(action="create", detail__via="fhir")
    assert created and {e.username for e in created} == {"bea"}
    assert {e.clinic_id for e in created} == {clinics[1].pk}
    assert "fhir export" in AuditEvent.objects.get(action="export").path

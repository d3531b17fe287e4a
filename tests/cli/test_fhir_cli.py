"""``ldnderm fhir import FILE [--clinic ID]`` and ``ldnderm fhir export PATIENT_ID`` as run.

The commands are driven in-process through the console entry point (``ldnderm.cli.app.main``
with ``sys.argv`` patched), so they use the pytest-django test database and the real error
boundary decides the exit codes; a subprocess would open a different database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ldnderm.cli.app import main
from ldnderm.web.accounts.models import Clinic
from ldnderm.web.registry.models import Assessment, Patient, TreatmentCourse
from tests.web.fhir.test_import_export import make_patient

pytestmark = pytest.mark.db


@dataclass(frozen=True)
class Done:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def ldnderm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    def run(*args: str) -> Done:
        monkeypatch.setattr("sys.argv", ["ldnderm", *args])
        capsys.readouterr()  # drop anything printed before this command
        with pytest.raises(SystemExit) as exited:
            main()
        out = capsys.readouterr()
        return Done(int(exited.value.code or 0), out.out, out.err)

    return run


@pytest.fixture
def clinics() -> tuple[Clinic, Clinic]:
    return (
        Clinic.objects.create(name="Clinic A", slug="clinic-a"),
        Clinic.objects.create(name="Clinic B", slug="clinic-b"),
    )


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"]]


def counts() -> tuple[int, int, int]:
    return (
        Patient.objects.count(),
        TreatmentCourse.objects.count(),
        Assessment.objects.count(),
    )


def exported(ldnderm: Any, patient_id: int, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    done = ldnderm("fhir", "export", str(patient_id))
    assert done.code == 0, done.stderr
    path = tmp_path / f"patient-{patient_id}.json"
    path.write_text(done.stdout, encoding="utf-8")
    return json.loads(done.stdout), path


class TestImportExport:
    def test_export_then_import_into_an_empty_clinic_then_export_is_equivalent(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        first, path = exported(ldnderm, make_patient(clinics[0]).pk, tmp_path)
        assert first["resourceType"] == "Bundle" and first["type"] == "collection"
        done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-b", "--json")
        assert done.code == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["clinic"] == "clinic-b"
        assert report["created"]["Patient"] == 1 and report["created"]["Observation"] == 2
        imported = Patient.objects.get(clinic=clinics[1])
        second, _ = exported(ldnderm, imported.pk, tmp_path)
        assert resources(second) == resources(first)

    def test_importing_the_same_file_again_creates_nothing_new(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        _, path = exported(ldnderm, make_patient(clinics[0]).pk, tmp_path)
        assert ldnderm("fhir", "import", str(path), "--clinic", "clinic-b").code == 0
        before = counts()
        again = ldnderm("fhir", "import", str(path), "--clinic", str(clinics[1].pk), "--json")
        assert again.code == 0, again.stderr
        assert counts() == before
        report = json.loads(again.stdout)
        assert report["created"] == {} and report["existing"]["Patient"] == 1

    def test_the_human_report_says_what_was_created(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        _, path = exported(ldnderm, make_patient(clinics[0]).pk, tmp_path)
        done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-b")
        assert done.code == 0, done.stderr
        assert done.stdout.startswith("clinic clinic-b: created ")
        assert "1 Patient" in done.stdout and "already present: none" in done.stdout


class TestInvalidInput:
    def test_a_file_that_is_not_json_exits_2_naming_the_file(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        path = tmp_path / "broken.json"
        path.write_text('{"resourceType": "Bundle",', encoding="utf-8")
        done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-a")
        assert done.code == 2 and done.stdout == ""
        assert done.stderr.startswith("ldnderm: FILE") and "not valid JSON" in done.stderr
        assert "Traceback" not in done.stderr

    def test_a_missing_file_exits_2(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        done = ldnderm("fhir", "import", str(tmp_path / "absent.json"), "--clinic", "clinic-a")
        assert done.code == 2 and "cannot read" in done.stderr

    def test_an_invalid_bundle_exits_2_naming_the_element_and_imports_nothing(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        bundle, path = exported(ldnderm, make_patient(clinics[0]).pk, tmp_path)
        bundle["entry"][3]["resource"]["status"] = 7
        path.write_text(json.dumps(bundle), encoding="utf-8")
        before = counts()
        done = ldnderm("fhir", "import", str(path), "--clinic", "clinic-b")
        assert done.code == 2, done.stderr
        assert done.stderr.startswith("ldnderm: entry") and "entry.3" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert counts() == before

    def test_a_clinic_must_be_named_when_there_are_several(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        _, path = exported(ldnderm, make_patient(clinics[0]).pk, tmp_path)
        done = ldnderm("fhir", "import", str(path))
        assert done.code == 2 and "--clinic" in done.stderr

    def test_an_unknown_clinic_exits_2(
        self, ldnderm: Any, clinics: tuple[Clinic, Clinic], tmp_path: Path
    ) -> None:
        _, path = exported(ldnderm, make_patient(clinics[0]).pk, tmp_path)
        done = ldnderm("fhir", "import", str(path), "--clinic", "nowhere")
        assert done.code == 2 and "nowhere" in done.stderr

    def test_an_unknown_patient_exits_2(self, ldnderm: Any) -> None:
        done = ldnderm("fhir", "export", "987654")
        assert done.code == 2 and done.stdout == ""
        assert "patient" in done.stderr and "987654" in done.stderr

    def test_a_patient_id_that_is_not_a_number_exits_2(self, ldnderm: Any) -> None:
        done = ldnderm("fhir", "export", "MRN-7")
        assert done.code == 2 and "patient_id" in done.stderr


def test_mrn_systems_are_set_shown_and_cleared(
    ldnderm: Any, clinics: tuple[Clinic, Clinic]
) -> None:
    done = ldnderm("fhir", "mrn-systems", "--clinic", "clinic-a", "urn:oid:1.2.3", "urn:oid:1.2.3")
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout) == {"clinic": "clinic-a", "mrn_systems": ["urn:oid:1.2.3"]}
    assert Clinic.objects.get(slug="clinic-a").mrn_systems == ["urn:oid:1.2.3"]
    shown = ldnderm("fhir", "mrn-systems", "--clinic", "clinic-a")
    assert json.loads(shown.stdout)["mrn_systems"] == ["urn:oid:1.2.3"]
    assert ldnderm("fhir", "mrn-systems", "--clinic", "clinic-a", "--clear").code == 0
    assert Clinic.objects.get(slug="clinic-a").mrn_systems == []
    assert ldnderm("fhir", "mrn-systems", "--clinic", "clinic-a", "not a uri").code != 0


def test_check_identities_lists_merged_patients(
    ldnderm: Any, clinics: tuple[Clinic, Clinic]
) -> None:
    from ldnderm.web.fhir.models import FhirIdentifier

    clean = ldnderm("fhir", "check-identities", "--json")
    assert clean.code == 0 and json.loads(clean.stdout) == {"patients": []}
    ann = Patient.objects.create(clinic=clinics[0], mrn="123", given_name="A", family_name="Ann")
    for system in ("urn:oid:1.2.3", "http://insurer.example.org/member-id"):
        FhirIdentifier.objects.create(
            clinic=clinics[0], kind="patient", system=system, value="123", patient=ann
        )
    done = ldnderm("fhir", "check-identities", "--json")
    assert done.code == 1
    (found,) = json.loads(done.stdout)["patients"]
    assert found["patient_id"] == ann.pk and found["clinic"] == "clinic-a"
    assert len(found["identifiers"]) == 2 and len(found["problems"]) == 2
    text = ldnderm("fhir", "check-identities", "--clinic", "clinic-a")
    assert text.code == 1 and "under 2 systems" in text.stdout
    assert ldnderm("fhir", "check-identities", "--clinic", "clinic-b").code == 0

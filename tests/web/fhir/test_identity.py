"""Patient identity in FHIR import and export: (system, value), MR preference, the clinic's MRN
systems, natural keys under the patient, re-import after deletion."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.interop.fhir import terminology as t
from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import Clinic
from ldnderm.web.fhir.identity import check_identities
from ldnderm.web.fhir.models import FhirIdentifier
from ldnderm.web.fhir.services import export_patient, import_bundle
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse
from tests.web.audit.actors import ACTOR

pytestmark = pytest.mark.db

HOSPITAL = "urn:oid:1.2.3.100"
INSURER = "http://insurer.example.org/member-id"
MR = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}


def bundle(family: str, identifiers: list[dict[str, Any]], suffix: str = "1") -> dict[str, Any]:
    """One patient with a naltrexone course for HS and an adverse event; the course and event
    identifiers are the same for every patient (only the patient tells them apart)."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:p{suffix}", "resource": {
                "resourceType": "Patient",
                "identifier": identifiers,
                "name": [{"family": family, "given": ["X"]}],
            }},
            {"fullUrl": f"urn:uuid:m{suffix}", "resource": {
                "resourceType": "MedicationStatement",
                "identifier": [{"system": "urn:oid:1.2.3.5", "value": "rx-1"}],
                "status": "active",
                "medicationCodeableConcept": {"text": "Naltrexone 4.5 mg capsule"},
                "subject": {"reference": f"urn:uuid:p{suffix}"},
                "effectiveDateTime": "2026-02-01",
                "reasonCode": [{"coding": [{"system": t.ICD10CM, "code": "L73.2"}]}],
                "dosage": [{"doseAndRate": [{"doseQuantity": {"value": 4.5, "unit": "mg"}}]}],
            }},
            {"fullUrl": f"urn:uuid:a{suffix}", "resource": {
                "resourceType": "AdverseEvent",
                "identifier": {"system": "urn:oid:1.2.3.6", "value": "ae-1"},
                "actuality": "actual",
                "subject": {"reference": f"urn:uuid:p{suffix}"},
                "event": {"text": "Vivid dreams"},
                "date": "2026-02-05",
                "severity": {"coding": [{"system": t.AE_GRADE_SYSTEM, "code": "1"}]},
            }},
        ],
    }  # fmt: skip


@pytest.fixture
def clinic() -> Clinic:
    return Clinic.objects.create(name="Clinic A", slug="clinic-a")


def test_two_patients_sharing_a_value_under_different_systems_stay_two(clinic: Clinic) -> None:
    ann = import_bundle(clinic, bundle("Ann", [{"system": HOSPITAL, "value": "123"}]), ACTOR)
    bob = import_bundle(clinic, bundle("Bob", [{"system": INSURER, "value": "123"}]), ACTOR)
    assert ann.created["Patient"] == 1 and bob.created["Patient"] == 1
    assert bob.created["MedicationStatement"] == 1 and bob.created["AdverseEvent"] == 1
    people = {p.family_name: p for p in Patient.objects.filter(clinic=clinic)}
    assert set(people) == {"Ann", "Bob"}
    assert TreatmentCourse.objects.filter(patient=people["Ann"]).count() == 1
    assert TreatmentCourse.objects.filter(patient=people["Bob"]).count() == 1
    # Neither system is an MRN system of the clinic, so neither value became a bare MRN.
    assert all(p.mrn.startswith("fhir-") for p in people.values())
    assert check_identities(clinic) == []
    # Importing both again creates nothing and still keeps them apart.
    again = import_bundle(clinic, bundle("Bob", [{"system": INSURER, "value": "123"}]), ACTOR)
    assert not again.created and again.existing["Patient"] == 1
    assert Patient.objects.filter(clinic=clinic).count() == 2
    exported = export_patient(people["Bob"], ACTOR)["entry"][0]["resource"]
    assert exported["identifier"] == [{"system": INSURER, "value": "123"}]


def test_the_identifier_typed_mr_is_preferred(clinic: Clinic) -> None:
    ids: list[dict[str, Any]] = [
        {"system": INSURER, "value": "M-9"},
        {"system": HOSPITAL, "value": "H-1", "type": MR},
    ]
    import_bundle(clinic, bundle("Ann", ids), ACTOR)
    link = FhirIdentifier.objects.get(kind="patient")
    assert (link.system, link.value) == (HOSPITAL, "H-1")
    patient = Patient.objects.get()
    exported = export_patient(patient, ACTOR)["entry"][0]["resource"]
    assert exported["identifier"][0]["system"] == HOSPITAL
    assert exported["identifier"][0]["type"]["coding"][0]["code"] == "MR"


def test_a_configured_mrn_system_matches_the_registry_mrn_and_nothing_else(
    clinic: Clinic,
) -> None:
    clinic.mrn_systems = [HOSPITAL]
    clinic.save()
    ann = Patient.objects.create(clinic=clinic, mrn="123", given_name="A", family_name="Ann")
    report = import_bundle(clinic, bundle("Bob", [{"system": INSURER, "value": "123"}]), ACTOR)
    assert report.created["Patient"] == 1
    report = import_bundle(
        clinic, bundle("Ann", [{"system": HOSPITAL, "value": "123"}], "2"), ACTOR
    )
    assert report.existing["Patient"] == 1
    assert TreatmentCourse.objects.filter(patient=ann).count() == 1
    assert Patient.objects.filter(clinic=clinic).count() == 2


def test_identifiers_naming_two_registry_patients_are_refused(clinic: Clinic) -> None:
    import_bundle(clinic, bundle("Ann", [{"system": HOSPITAL, "value": "1"}]), ACTOR)
    import_bundle(clinic, bundle("Bob", [{"system": INSURER, "value": "2"}], "2"), ACTOR)
    both = [{"system": HOSPITAL, "value": "1"}, {"system": INSURER, "value": "2"}]
    with pytest.raises(InvalidInput, match="name 2 registry patients"):
        import_bundle(clinic, bundle("Ann", both, "3"), ACTOR)


def test_re_import_after_deletion_is_reported_and_nothing_is_resurrected(clinic: Clinic) -> None:
    data = bundle("Ann", [{"system": HOSPITAL, "value": "123"}])
    import_bundle(clinic, data, ACTOR)
    TreatmentCourse.objects.all().delete()
    AdverseEvent.objects.all().delete()
    report = import_bundle(clinic, data, ACTOR)
    assert not report.created
    assert report.existing == {"Patient": 1}
    assert len(report.deleted) == 2
    assert any(r.startswith("MedicationStatement urn:oid:1.2.3.5|rx-1") for r in report.deleted)
    assert any(r.startswith("AdverseEvent urn:oid:1.2.3.6|ae-1") for r in report.deleted)
    assert "deleted from the registry since" in report.deleted[0]
    assert not TreatmentCourse.objects.exists() and not AdverseEvent.objects.exists()
    assert report.as_json()["deleted"] == report.deleted


def test_check_identities_finds_a_merged_patient(clinic: Clinic) -> None:
    ann = Patient.objects.create(clinic=clinic, mrn="123", given_name="A", family_name="Ann")
    for system in (HOSPITAL, INSURER):  # as the old import linked them: by value alone
        FhirIdentifier.objects.create(
            clinic=clinic, kind="patient", system=system, value="123", patient=ann
        )
    other = Patient.objects.create(clinic=clinic, mrn="9", given_name="C", family_name="Cy")
    for value in ("9", "10"):
        FhirIdentifier.objects.create(
            clinic=clinic, kind="patient", system=HOSPITAL, value=value, patient=other
        )
    findings = {f.patient_id: f for f in check_identities()}
    assert set(findings) == {ann.pk, other.pk}
    assert any("under 2 systems" in p for p in findings[ann.pk].problems)
    assert "imported from 2 source patients" in findings[other.pk].problems
    assert not any("under 2 systems" in p for p in findings[other.pk].problems)


def test_check_identities_finds_a_value_alone_match_of_an_older_import(clinic: Clinic) -> None:
    from datetime import timedelta

    ann = Patient.objects.create(clinic=clinic, mrn="123", given_name="A", family_name="Ann")
    link = FhirIdentifier.objects.create(
        clinic=clinic, kind="patient", system=INSURER, value="123", patient=ann
    )
    assert check_identities(clinic) == []  # linked at once: the import that created Ann
    FhirIdentifier.objects.filter(pk=link.pk).update(created_at=ann.created_at + timedelta(days=3))
    (finding,) = check_identities(clinic)
    assert "matched by value alone" in finding.problems[0]
    clinic.mrn_systems = [INSURER]  # the clinic says that system IS its MRN: no finding
    clinic.save()
    assert check_identities(clinic) == []

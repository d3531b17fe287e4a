"""FHIR export and import against the registry: round trip, idempotency, atomicity, validity."""

from __future__ import annotations

import copy
import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection

from ldnderm.interop.fhir import validate
from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import Clinic
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.fhir.services import export_patient, import_bundle
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services.visits import score
from tests.web.audit.actors import ACTOR

START = date(2026, 1, 5)
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


def make_patient(clinic: Clinic) -> Patient:
    patient = Patient.objects.create(
        clinic=clinic, mrn="MRN-7", given_name="Ada", family_name="Byron", birth_year=1975,
        sex="female",
    )  # fmt: skip
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="psoriasis", started_on=START
    )
    DoseChange.objects.create(course=course, changed_on=START, mg_per_day=Decimal("1.5"))
    DoseChange.objects.create(
        course=course, changed_on=date(2026, 1, 19), mg_per_day=Decimal("3"), formulation="capsule"
    )
    for day, value in ((START, 8), (date(2026, 2, 2), 4)):
        visit = Visit.objects.create(patient=patient, course=course, visit_date=day)
        result = score("itch-nrs", {"score": value})
        Assessment.objects.create(
            visit=visit,
            measure_id="itch-nrs",
            responses={"score": value},
            result=result.model_dump(mode="json"),
            total=Decimal(str(result.total)),
            measure_version=result.version,
            knowledge_version=result.knowledge_version,
        )
    AdverseEvent.objects.create(
        patient=patient,
        course=course,
        term="Vivid dreams",
        grade=1,
        onset_on=date(2026, 1, 8),
        resolved_on=date(2026, 1, 20),
        relatedness="probable",
    )
    return patient


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"]]


def kinds(bundle: dict[str, Any]) -> list[str]:
    return [r["resourceType"] for r in resources(bundle)]


@pytest.fixture
def clinics() -> tuple[Clinic, Clinic]:
    return (
        Clinic.objects.create(name="Clinic A", slug="clinic-a"),
        Clinic.objects.create(name="Clinic B", slug="clinic-b"),
    )


@pytest.mark.db
def test_export_has_every_resource_and_validates(clinics: tuple[Clinic, Clinic]) -> None:
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    validate(bundle)
    assert kinds(bundle) == [
        "Patient",
        "Condition",
        "MedicationStatement",
        "Observation",
        "Observation",
        "AdverseEvent",
    ]
    statement = resources(bundle)[2]
    assert [d["doseAndRate"][0]["doseQuantity"]["value"] for d in statement["dosage"]] == [1.5, 3]
    assert statement["dosage"][0]["timing"]["repeat"]["boundsPeriod"] == {
        "start": "2026-01-05",
        "end": "2026-01-19",
    }
    observation = resources(bundle)[3]
    coding = observation["code"]["coding"][0]
    assert (coding["system"], coding["code"]) == ("urn:ldnderm:measure", "itch-nrs")
    assert coding["display"] and observation["code"]["text"] == coding["display"]
    assert observation["valueQuantity"]["value"] == 8
    assert AuditEvent.objects.filter(action="export").count() == 1


@pytest.mark.db
def test_round_trip_into_an_empty_clinic_gives_equivalent_resources(
    clinics: tuple[Clinic, Clinic],
) -> None:
    first = export_patient(make_patient(clinics[0]), ACTOR)
    report = import_bundle(clinics[1], copy.deepcopy(first), ACTOR)
    assert report.created["Patient"] == 1 and report.created["Observation"] == 2
    imported = Patient.objects.get(clinic=clinics[1])
    second = export_patient(imported, ACTOR)
    assert resources(second) == resources(first)


@pytest.mark.db
def test_importing_the_same_bundle_twice_creates_nothing_new(
    clinics: tuple[Clinic, Clinic],
) -> None:
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    import_bundle(clinics[1], bundle, ACTOR)
    counts = _counts()
    again = import_bundle(clinics[1], bundle, ACTOR)
    assert _counts() == counts
    assert not again.created and again.existing["Patient"] == 1


@pytest.mark.db
def test_a_transaction_bundle_from_an_ehr_is_imported(clinics: tuple[Clinic, Clinic]) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            _tx("urn:uuid:p1", {
                "resourceType": "Patient",
                "identifier": [{"system": "urn:oid:1.2.3", "value": "E-1"}],
                "name": [{"family": "Doe", "given": ["Jo"]}],
                "birthDate": "1980-02-03",
            }),
            _tx("urn:uuid:c1", {
                "resourceType": "Condition",
                "identifier": [{"system": "urn:oid:1.2.3.4", "value": "c-1"}],
                "code": {"coding": [{"system": ICD10CM, "code": "L73.2"}]},
                "subject": {"reference": "urn:uuid:p1"},
            }),
            _tx("urn:uuid:m1", {
                "resourceType": "MedicationRequest",
                "identifier": [{"system": "urn:oid:1.2.3.5", "value": "rx-1"}],
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": {"text": "Naltrexone 4.5 mg capsule (compounded)"},
                "subject": {"reference": "urn:uuid:p1"},
                "authoredOn": "2026-02-01",
                "reasonReference": [{"reference": "urn:uuid:c1"}],
                "dosageInstruction": [{
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": {"value": 4.5, "unit": "mg"}}],
                }],
            }),
            _tx("urn:uuid:m2", {
                "resourceType": "MedicationStatement",
                "status": "active",
                "medicationCodeableConcept": {"text": "Metformin 500 mg"},
                "subject": {"reference": "urn:uuid:p1"},
            }),
        ],
    }  # fmt: skip
    report = import_bundle(clinics[0], bundle, ACTOR)
    course = TreatmentCourse.objects.get(patient__clinic=clinics[0])
    assert course.condition_id == "hidradenitis-suppurativa"
    assert course.started_on == date(2026, 2, 1)
    assert [d.mg_per_day for d in course.doses.all()] == [Decimal("4.50")]
    assert any("not naltrexone" in s for s in report.skipped)
    assert import_bundle(clinics[0], bundle, ACTOR).created == {}


@pytest.mark.db
def test_an_invalid_bundle_imports_nothing_and_names_the_element(
    clinics: tuple[Clinic, Clinic],
) -> None:
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    bundle["entry"][3]["resource"]["status"] = 7
    with pytest.raises(InvalidInput, match=r"entry\.3"):
        import_bundle(clinics[1], bundle, ACTOR)
    assert not Patient.objects.filter(clinic=clinics[1]).exists()


@pytest.mark.db
def test_a_failure_midway_rolls_everything_back(clinics: tuple[Clinic, Clinic]) -> None:
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    extension = bundle["entry"][4]["resource"]["extension"]
    extension[1]["valueString"] = '{"score": 99}'  # out of range for the itch NRS
    with pytest.raises(InvalidInput):
        import_bundle(clinics[1], bundle, ACTOR)
    assert not Patient.objects.filter(clinic=clinics[1]).exists()


@pytest.mark.db
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_create_one_copy(clinics: tuple[Clinic, Clinic]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            import_bundle(Clinic.objects.get(pk=clinics[1].pk), copy.deepcopy(bundle), ACTOR)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Patient.objects.filter(clinic=clinics[1]).count() == 1
    assert TreatmentCourse.objects.filter(patient__clinic=clinics[1]).count() == 1
    assert Assessment.objects.filter(visit__patient__clinic=clinics[1]).count() == 2


def _tx(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    kind = resource["resourceType"]
    return {"fullUrl": full_url, "resource": resource, "request": {"method": "POST", "url": kind}}


def _counts() -> tuple[int, ...]:
    models = (Patient, TreatmentCourse, DoseChange, Visit, Assessment, AdverseEvent)
    return tuple(m.objects.count() for m in models)


@pytest.mark.db
@pytest.mark.parametrize(
    ("resource_type", "element", "value", "field"),
    [
        ("Observation", "effectiveDateTime", "1849-05-01", "resource.effectiveDateTime"),
        ("AdverseEvent", "date", "2101-01-08", "resource.date"),
        ("Patient", "birthDate", "1850-02-03", "resource.birthDate"),
        ("MedicationStatement", "effectivePeriod", {"start": "0001-01-05"}, "effectivePeriod"),
    ],
)
def test_a_date_outside_1900_2100_imports_nothing_and_names_the_element(
    clinics: tuple[Clinic, Clinic], resource_type: str, element: str, value: Any, field: str
) -> None:
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    target = next(r for r in resources(bundle) if r["resourceType"] == resource_type)
    target[element] = value
    with pytest.raises(InvalidInput, match="is out of range") as err:
        import_bundle(clinics[1], bundle, ACTOR)
    assert field in err.value.field and "years 1900-2100" in str(err.value.allowed)
    assert not Patient.objects.filter(clinic=clinics[1]).exists()


@pytest.mark.db
@pytest.mark.parametrize("value", [1e30, 0])
def test_a_dose_that_gives_no_daily_dose_imports_nothing_and_names_the_dosage(
    clinics: tuple[Clinic, Clinic], value: float
) -> None:
    bundle = export_patient(make_patient(clinics[0]), ACTOR)
    statement = next(r for r in resources(bundle) if r["resourceType"] == "MedicationStatement")
    dosage = statement["dosage"][0]
    if value:
        dosage["doseAndRate"][0]["doseQuantity"]["value"] = value
    else:
        dosage.setdefault("timing", {}).setdefault("repeat", {})["period"] = 0
    with pytest.raises(InvalidInput, match="give no daily dose") as err:
        import_bundle(clinics[1], bundle, ACTOR)
    assert err.value.field.endswith("resource.dosage")
    assert not Patient.objects.filter(clinic=clinics[1]).exists()

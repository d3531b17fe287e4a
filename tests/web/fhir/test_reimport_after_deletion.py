"""Re-importing a Bundle after registry records were deleted (issue 11, scope 2).

For every resource type the import links to a registry row: the deleted row is listed under
``deleted`` (what, and when it was imported), is not created again, and nothing crashes. A
Condition is a link only (no registry row), and a deleted Patient takes its links with it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from ldnderm.web.accounts.models import Clinic
from ldnderm.web.fhir.models import FhirIdentifier
from ldnderm.web.fhir.services import export_patient, import_bundle
from ldnderm.web.registry.models import AdverseEvent, Assessment, Patient, TreatmentCourse, Visit
from tests.web.audit.actors import ACTOR
from tests.web.fhir.test_import_export import make_patient

pytestmark = pytest.mark.db


@pytest.fixture
def imported() -> tuple[Clinic, dict[str, Any]]:
    """Clinic B after importing clinic A's patient (1 course, 2 assessments, 1 adverse event)."""
    source = Clinic.objects.create(name="Clinic A", slug="clinic-a")
    target = Clinic.objects.create(name="Clinic B", slug="clinic-b")
    bundle = export_patient(make_patient(source), ACTOR)
    report = import_bundle(target, copy.deepcopy(bundle), ACTOR)
    assert report.created["MedicationStatement"] == 1 and report.created["Observation"] == 2
    return target, bundle


def rows(clinic: Clinic) -> tuple[int, int, int]:
    patient = Patient.objects.get(clinic=clinic)
    return (
        TreatmentCourse.objects.filter(patient=patient).count(),
        Assessment.objects.filter(visit__patient=patient).count(),
        AdverseEvent.objects.filter(patient=patient).count(),
    )


def first_assessment(clinic: Clinic) -> None:
    Assessment.objects.filter(visit__patient__clinic=clinic).order_by("id").first().delete()  # type: ignore[union-attr]


DELETIONS: dict[str, tuple[Callable[[Clinic], Any], str, tuple[int, int, int]]] = {
    "MedicationStatement": (
        lambda c: TreatmentCourse.objects.filter(patient__clinic=c).delete(),
        "MedicationStatement",
        (0, 2, 1),  # assessments and the adverse event stay, without their course
    ),
    "Observation": (first_assessment, "Observation", (1, 1, 1)),
    "AdverseEvent": (
        lambda c: AdverseEvent.objects.filter(patient__clinic=c).delete(),
        "AdverseEvent",
        (1, 2, 0),
    ),
}


@pytest.mark.parametrize("kind", sorted(DELETIONS))
def test_a_deleted_record_is_reported_as_deleted_and_not_created_again(
    imported: tuple[Clinic, dict[str, Any]], kind: str
) -> None:
    clinic, bundle = imported
    delete, resource, remaining = DELETIONS[kind]
    delete(clinic)
    assert rows(clinic) == remaining
    report = import_bundle(clinic, copy.deepcopy(bundle), ACTOR)
    assert not report.created, "nothing is resurrected or duplicated"
    assert rows(clinic) == remaining
    [line] = report.deleted
    assert line.startswith(f"{resource} ")
    assert "deleted from the registry since; not created again" in line
    assert report.existing["Patient"] == 1
    assert report.as_json()["deleted"] == [line]


def test_an_assessment_whose_visit_was_deleted_is_reported_too(
    imported: tuple[Clinic, dict[str, Any]],
) -> None:
    clinic, bundle = imported
    Visit.objects.filter(patient__clinic=clinic).delete()  # takes its assessments with it
    report = import_bundle(clinic, copy.deepcopy(bundle), ACTOR)
    assert [d.split(" ")[0] for d in report.deleted] == ["Observation", "Observation"]
    assert not report.created and rows(clinic) == (1, 0, 1)


def test_a_new_record_of_a_deleted_course_is_imported_without_it_and_noted(
    imported: tuple[Clinic, dict[str, Any]],
) -> None:
    clinic, bundle = imported
    TreatmentCourse.objects.filter(patient__clinic=clinic).delete()
    AdverseEvent.objects.filter(patient__clinic=clinic).delete()
    FhirIdentifier.objects.filter(clinic=clinic, kind="adverse_event").delete()
    report = import_bundle(clinic, copy.deepcopy(bundle), ACTOR)
    assert report.created == {"AdverseEvent": 1}
    event = AdverseEvent.objects.get(patient__clinic=clinic)
    assert event.course is None
    assert any("was deleted from the registry; imported without a course" in n
               for n in report.notes)  # fmt: skip


def test_a_condition_is_a_link_only_and_stays_existing(
    imported: tuple[Clinic, dict[str, Any]],
) -> None:
    clinic, bundle = imported
    report = import_bundle(clinic, copy.deepcopy(bundle), ACTOR)
    assert report.existing["Condition"] == 1 and not report.deleted


def test_deleting_the_link_is_how_a_deleted_record_is_created_again(
    imported: tuple[Clinic, dict[str, Any]],
) -> None:
    clinic, bundle = imported
    AdverseEvent.objects.filter(patient__clinic=clinic).delete()
    FhirIdentifier.objects.filter(clinic=clinic, kind="adverse_event").delete()
    report = import_bundle(clinic, copy.deepcopy(bundle), ACTOR)
    assert report.created == {"AdverseEvent": 1} and not report.deleted


def test_a_deleted_patient_takes_its_links_and_a_later_import_is_new(
    imported: tuple[Clinic, dict[str, Any]],
) -> None:
    clinic, bundle = imported
    Patient.objects.filter(clinic=clinic).delete()
    assert not FhirIdentifier.objects.filter(clinic=clinic).exists()
    report = import_bundle(clinic, copy.deepcopy(bundle), ACTOR)
    assert report.created["Patient"] == 1 and not report.deleted

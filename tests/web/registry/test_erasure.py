"""Erasing a patient: every registry row of theirs deleted (each delete audited), the audited
values about them tombstoned, one ``erase`` event, and the chain still verifies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.web.accounts.models import User
from ldnderm.web.audit.log import Actor
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.audit.verify import verify
from ldnderm.web.fhir.models import FhirIdentifier
from ldnderm.web.registry.access import scope_for
from ldnderm.web.registry.inputs import PatientPatch
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services import patients
from ldnderm.web.registry.services.erasure import erase_patient
from ldnderm.web.registry.versions import Expected
from tests.web.registry.personas import Record

pytestmark = pytest.mark.db


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.pk, username=user.get_username(), clinic_id=user.clinic_id)


def test_erasure_deletes_the_record_tombstones_the_values_and_verifies(
    alice: User, mine: Record, canary: Record
) -> None:
    request = RequestFactory().get("/")
    request.user = alice
    patients.update_patient(
        scope_for(request), mine.patient, PatientPatch(family_name="Secret"), Expected(1)
    )
    FhirIdentifier.objects.create(
        clinic=mine.patient.clinic, kind="patient", system="urn:x", value="1", patient=mine.patient
    )
    pid = mine.patient.pk
    before = AuditEvent.objects.filter(patient_id=pid).count()

    done = erase_patient(actor_of(alice), pid, "erasure request 2026-17")

    assert not Patient.objects.filter(pk=pid).exists()
    for model in (TreatmentCourse, ScreeningSnapshot, DoseChange, Visit, Assessment, AdverseEvent):
        assert model.objects.count() == 1, model  # the canary's only
    assert not FhirIdentifier.objects.exists()
    assert done.tombstoned == before
    assert done.deleted == {
        "patient": 1,
        "course": 1,
        "screening": 1,
        "dose": 1,
        "visit": 1,
        "assessment": 1,
        "adverse_event": 1,
        "fhiridentifier": 1,
    }
    text = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert "Secret" not in text and "Ownpatient" not in text
    erase = AuditEvent.objects.get(action="erase")
    assert erase.patient_id == pid and erase.detail["reason"] == "erasure request 2026-17"
    assert erase.username == "alice"
    # The canary's trail is untouched, and the whole chain verifies.
    assert not AuditEvent.objects.filter(patient_id=canary.patient.pk, detail__erased=True)
    result = verify()
    assert result.ok, result.problem
    assert result.tombstoned == before


def test_a_short_reason_or_an_absent_patient_is_refused(alice: User, mine: Record) -> None:
    with pytest.raises(InvalidInput) as caught:
        erase_patient(actor_of(alice), mine.patient.pk, " no ")
    assert caught.value.field == "--reason"
    with pytest.raises(NotFound):
        erase_patient(actor_of(alice), 999999, "erasure request 1")
    assert Patient.objects.filter(pk=mine.patient.pk).exists()

"""Erasing a patient: ``ldnderm patient erase ID --reason TEXT``.

Per table (every row of the patient is **deleted**, none anonymised: a row stripped of its
person would still hold free text and dates that can name them):

* the patient, and by cascade their courses, screening snapshots, doses, visits, assessments,
  adverse events and FHIR identifier links: deleted, one ``delete`` audit event each (visits and
  adverse events of the patient's courses go with the patient, so no ``update`` is left);
* the audit trail: each earlier event of the patient keeps its row, columns and hashes, and its
  ``detail`` (the audited values) is replaced by a tombstone
  ``{"erased": true, "reason", "at", "by"}`` (:mod:`ldnderm.web.audit.erasure`), so the chain
  still verifies;
* one ``erase`` event closes it, with the reason and the counts, and no personal data.

All in one transaction: the patient is erased completely, or not at all. The reason is kept in
the trail: write why (a request reference), not who.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.web.audit.cascade import delete_audited
from ldnderm.web.audit.erasure import tombstone
from ldnderm.web.audit.log import Action, Actor, record
from ldnderm.web.registry.access import object_type_of
from ldnderm.web.registry.models import Patient

REASON_MIN, REASON_MAX = 5, 200


@dataclass(frozen=True)
class Erasure:
    patient_id: int
    deleted: dict[str, int]
    tombstoned: int
    event_id: int

    def as_json(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "deleted": self.deleted,
            "tombstoned": self.tombstoned,
            "event_id": self.event_id,
        }


def erase_patient(actor: Actor, patient_id: int, reason: str) -> Erasure:
    """Erase ``patient_id`` as the module docstring describes."""
    reason = reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInput(
            "--reason", "is too short or too long", f"{REASON_MIN}-{REASON_MAX} characters"
        )
    with transaction.atomic():
        patient = Patient.objects.select_for_update().filter(pk=patient_id).first()
        if patient is None:
            raise NotFound("patient", str(patient_id))
        tombstoned = tombstone(patient.pk, reason, actor.username)
        deleted = delete_audited(actor, patient, object_type_of, patient.pk, erasure=True)
        event = record(
            actor,
            Action.ERASE,
            "patient",
            patient_id,
            patient_id,
            reason=reason,
            tombstoned=tombstoned,
            deleted=deleted,
        )
    return Erasure(patient_id, deleted, tombstoned, event.pk)

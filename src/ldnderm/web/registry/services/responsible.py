"""A patient's responsible clinician: who may hold the role, and reassigning it (audited).

The responsible clinician is an active prescriber (clinician or administrator) of the patient's
clinic. Clinicians and administrators reassign; staff may not (an attempt is audited as
``denied``). The change is one row update under a row lock, audited with the old and new user
in the same transaction, so two concurrent reassignments are both recorded in order.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import PRESCRIBER_ROLES, User
from ldnderm.web.audit.log import Action
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.models import Patient
from ldnderm.web.registry.services.common import audit


def clinicians(clinic_id: int) -> QuerySet[User]:
    """The active users of the clinic who may be responsible for a patient, by username."""
    return (
        User.objects.filter(clinic_id=clinic_id, is_active=True, groups__name__in=PRESCRIBER_ROLES)
        .distinct()
        .order_by("username")
    )


def display_name(user: User | None) -> str:
    """The name a colleague knows: full name, else the username; "unassigned" for none."""
    if user is None:
        return "unassigned"
    return user.get_full_name() or user.get_username()


def reassign(scope: Scope, patient_id: object, user_id: int | None) -> Patient:
    """Make ``user_id`` (or nobody) responsible for the clinic's patient ``patient_id``.

    Raises AccessDenied for staff and researchers, RecordNotFound for another clinic's patient,
    and InvalidInput naming ``responsible`` for a user who is not a clinician of this clinic."""
    scope.require_corrector("reassign-clinician")
    patient = scope.get(Patient, patient_id)
    new = None
    if user_id is not None:
        new = clinicians(scope.clinic_id).filter(pk=user_id).first()
        if new is None:
            raise InvalidInput(
                "responsible", "is not a clinician of this clinic", "a clinician or unassigned"
            )
    with transaction.atomic():
        locked = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("responsible")
            .get(pk=patient.pk)
        )
        old = locked.responsible
        if (old.pk if old else None) != (new.pk if new else None):
            locked.responsible = new
            locked.save(update_fields=["responsible"])
        audit(
            scope,
            Action.UPDATE,
            locked,
            changes={
                "responsible": [
                    old.get_username() if old else None,
                    new.get_username() if new else None,
                ]
            },
        )
    return locked

"""The one authorization layer for patient data: who may act, and on which rows.

A :class:`Scope` is built from an authenticated request. Every registry query starts from one of
its querysets, which filter by the user's clinic, and every lookup by id goes through
:meth:`Scope.get`, which answers :class:`RecordNotFound` (404, as if absent) for a row of another
clinic and appends a ``denied`` audit event before raising.

Routes declare what they expose with :func:`declare` (see ``routes.py``); a test enumerates every
URL pattern and API operation and fails when a declaration is missing or is not honoured.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from django.db import models
from django.http import HttpRequest

from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.models import CORRECTOR_ROLES, PATIENT_ROLES, PRESCRIBER_ROLES, User
from ldnderm.web.audit.log import Action, Actor, record
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)

M = TypeVar("M", bound=models.Model)

# Model -> (lookup of its clinic id, lookup of its patient id, audit name).
SCOPING: dict[type[models.Model], tuple[str, str, str]] = {
    Patient: ("clinic_id", "id", "patient"),
    TreatmentCourse: ("patient__clinic_id", "patient_id", "course"),
    ScreeningSnapshot: ("course__patient__clinic_id", "course__patient_id", "screening"),
    DoseChange: ("course__patient__clinic_id", "course__patient_id", "dose"),
    Visit: ("patient__clinic_id", "patient_id", "visit"),
    Assessment: ("visit__patient__clinic_id", "visit__patient_id", "assessment"),
    AdverseEvent: ("patient__clinic_id", "patient_id", "adverse_event"),
}


class AccessDenied(Exception):
    """The user may not use this function at all (wrong role, no clinic): 403."""


class NotAuthenticated(Exception):
    """No signed-in user: pages redirect to the login, the API answers 401."""


class RecordNotFound(Exception):
    """No such row in the user's clinic (absent, or another clinic's): 404."""

    def __init__(self, object_type: str, object_id: object) -> None:
        self.object_type = object_type
        self.object_id = object_id
        super().__init__(f"{object_type} {object_id} not found")


@dataclass(frozen=True)
class Scope:
    """A user of one clinic with one role, and the audit actor of the current request."""

    user: User
    clinic_id: int
    role: str
    actor: Actor

    def today(self) -> dt.date:
        """Today's date at the user's clinic, in its time zone."""
        return clinic_today(self.user.clinic)

    @property
    def can_prescribe(self) -> bool:
        return self.role in PRESCRIBER_ROLES

    def require_prescriber(self) -> None:
        if not self.can_prescribe:
            record(self.actor, Action.DENIED, "function", "prescribe", reason="role")
            raise AccessDenied("starting, stopping or dosing a course needs a clinician")

    @property
    def may_correct(self) -> bool:
        """May delete clinical records and lower an adverse event's grade."""
        return self.role in CORRECTOR_ROLES

    def require_corrector(self, function: str) -> None:
        """Deleting a clinical record or lowering an adverse event's grade: clinicians and
        administrators only (an attempt by another role is audited as ``denied``)."""
        if not self.may_correct:
            self.deny_correction(function)

    def deny_correction(self, function: str) -> NoReturn:
        """Audit a refused correction as ``denied`` and raise AccessDenied."""
        record(self.actor, Action.DENIED, "function", function, reason=f"role {self.role}")
        raise AccessDenied(f"{function.replace('-', ' ')} needs a clinician or administrator")

    def rows(self, model: type[M]) -> models.QuerySet[M]:
        """All rows of ``model`` in this clinic."""
        clinic_lookup = SCOPING[model][0]
        return model._default_manager.filter(**{clinic_lookup: self.clinic_id})

    def get(self, model: type[M], pk: Any, queryset: models.QuerySet[M] | None = None) -> M:
        """The row ``pk`` of this clinic, or a ``denied`` audit event and RecordNotFound."""
        qs = self.rows(model) if queryset is None else queryset
        try:
            obj = qs.filter(**{SCOPING[model][0]: self.clinic_id}).get(pk=int(pk))
        except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
            name = SCOPING[model][2]
            record(self.actor, Action.DENIED, name, pk, reason="absent or another clinic")
            raise RecordNotFound(name, pk) from None
        return obj


def patient_id_of(obj: models.Model) -> int:
    """The id of the patient a registry row belongs to (for audit events)."""
    if isinstance(obj, Patient):
        return obj.pk
    if isinstance(obj, TreatmentCourse | Visit | AdverseEvent):
        return obj.patient_id
    if isinstance(obj, Assessment):
        return obj.visit.patient_id
    if isinstance(obj, DoseChange | ScreeningSnapshot):
        return obj.course.patient_id
    raise TypeError(type(obj).__name__)


def object_type_of(obj: models.Model) -> str:
    """The audit name of a registry row; other rows (e.g. a FHIR link removed with its patient)
    go by their model name."""
    scoping = SCOPING.get(type(obj))
    return scoping[2] if scoping is not None else str(obj._meta.model_name)


def scope_for(request: HttpRequest, *, patient_data: bool = True) -> Scope:
    """The caller's scope; raises NotAuthenticated or AccessDenied (both audited when signed in).

    ``patient_data=False`` admits researchers too, for de-identified aggregates.
    """
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    assert isinstance(user, User)
    actor = Actor.from_request(request)
    role = user.role
    if user.clinic_id is None or role is None:
        record(actor, Action.DENIED, "function", request.path[:40], reason="no clinic or role")
        raise AccessDenied("this account belongs to no clinic or has no role")
    if patient_data and role not in PATIENT_ROLES:
        record(actor, Action.DENIED, "function", request.path[:40], reason=f"role {role}")
        raise AccessDenied("this role sees de-identified aggregates only")
    return Scope(user=user, clinic_id=user.clinic_id, role=role, actor=actor)

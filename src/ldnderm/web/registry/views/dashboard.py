"""The clinic dashboard: de-identified aggregates (researchers admitted). Roles that see patient
records also get the active courses whose screening verdict got worse under the current
knowledge (scoped to the clinic, audited as a list read)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ldnderm.web.accounts.models import PATIENT_ROLES
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.services import dashboard as service
from ldnderm.web.registry.services import rescreen
from ldnderm.web.registry.views.base import page


@page("aggregate")
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    board = service.build(scope)
    sees_patients = scope.role in PATIENT_ROLES
    context = {
        "board": board,
        "condition_names": clinical.condition_names(),
        "role": scope.role,
        "worse": rescreen.for_clinic(scope) if sees_patients else [],
        "sees_patients": sees_patients,
    }
    return render(request, "registry/dashboard.html", context)

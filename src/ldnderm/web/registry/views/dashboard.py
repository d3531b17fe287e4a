"""The clinic dashboard: de-identified aggregates (researchers admitted). Roles that see patient
records also get the worklist (per responsible clinician, ``?clinician=``) and the active
courses whose screening verdict got worse under the current knowledge (scoped to the clinic,
audited as list reads)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ldnderm.web.accounts.models import PATIENT_ROLES
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.services import dashboard as service
from ldnderm.web.registry.services import rescreen, responsible, worklist
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
    if sees_patients:
        context |= _worklist(request, scope)
    return render(request, "registry/dashboard.html", context)


def _worklist(request: HttpRequest, scope: Scope) -> dict[str, object]:
    everyone = list(responsible.clinicians(scope.clinic_id))
    keys = {str(u.pk) for u in everyone} | {worklist.UNASSIGNED}
    chosen = request.GET.get("clinician", "")
    chosen = chosen if chosen in keys else ""
    work = worklist.build(scope, chosen)
    return {
        "work": work,
        "work_rows": worklist.by_clinician(work, everyone),
        "work_kinds": [worklist.KIND_LABELS[k] for k in worklist.KINDS],
        "work_chosen": chosen,
        "work_due_ahead": worklist.DUE_AHEAD_DAYS,
        "work_window": worklist.VISIT_WINDOW_DAYS,
        "work_screen_days": worklist.SCREEN_MAX_DAYS,
    }

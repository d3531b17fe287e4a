"""Reassign a patient's responsible clinician (a POST from the patient page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.models import Patient
from ldnderm.web.registry.services import responsible as service
from ldnderm.web.registry.views.base import page


@page("patient_data", patient_id=Patient)
def reassign(request: HttpRequest, scope: Scope, patient_id: int) -> HttpResponse:
    """POST ``responsible`` (a user id, or empty for none); GET goes back to the patient."""
    patient = scope.get(Patient, patient_id)
    if request.method == "POST":
        raw = request.POST.get("responsible", "").strip()
        try:
            user_id = int(raw) if raw else None
        except ValueError:
            user_id = -1
        try:
            saved = service.reassign(scope, patient.pk, user_id)
        except InvalidInput as exc:
            messages.error(request, f"Responsible clinician: {exc.problem}.")
        else:
            name = service.display_name(saved.responsible)
            messages.success(request, f"Responsible clinician: {name}.")
    return redirect("registry:patient", patient_id=patient.pk)

"""Record a visit with several measures at once; adverse events; the measure form fragment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.forms import AdverseEventForm, VisitForm
from ldnderm.web.registry.inputs import AdverseEventIn, VisitIn
from ldnderm.web.registry.measure_forms import (
    MeasureForm,
    available,
    form_for,
    responses_from,
)
from ldnderm.web.registry.models import Patient
from ldnderm.web.registry.routes import declare
from ldnderm.web.registry.services import adverse_events as ae_service
from ldnderm.web.registry.services import visits as service
from ldnderm.web.registry.views.base import page


def _course_choices(patient: Patient) -> list[tuple[int, str]]:
    names = clinical.condition_names()
    return [
        (c.pk, f"{names.get(c.condition_id, c.condition_id)} from {c.started_on:%d %b %Y}")
        for c in patient.courses.all()
    ]


def _chosen(request: HttpRequest, patient: Patient) -> list[str]:
    known = set(available())
    chosen = [m for m in request.POST.getlist("measures") or request.GET.getlist("measures")]
    if not chosen:  # default: the measures the knowledge base recommends for active courses
        active = {c.condition_id for c in patient.courses.all() if c.stopped_on is None}
        chosen = [
            m for c in clinical.conditions() if c.id in active for m in c.recommended_measures
        ]
    return [m for m in dict.fromkeys(chosen) if m in known]


@page("patient_data", patient_id=Patient)
def visit_new(request: HttpRequest, scope: Scope, patient_id: int) -> HttpResponse:
    patient = scope.get(Patient, patient_id)
    courses = _course_choices(patient)
    form = VisitForm(
        request.POST or None,
        courses=courses,
        initial={"course_id": courses[0][0] if courses else None},
        today=scope.today(),
    )
    chosen = _chosen(request, patient)
    forms: list[MeasureForm] = [form_for(m) for m in chosen]
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            responses = {f.measure_id: responses_from(f, request.POST) for f in forms}
            service.record_visit(
                scope, VisitIn(patient_id=patient.pk, assessments=responses, **form.cleaned_data)
            )
            return redirect("registry:patient", patient_id=patient.pk)
        except (InvalidInput, NotFound) as exc:
            error = str(exc)
    choices = [measures.get(m) for m in available()]
    context = {
        "patient": patient,
        "form": form,
        "measure_forms": forms,
        "available": choices,
        "chosen": chosen,
        "error": error,
        "posted": request.POST,
    }
    return render(request, "registry/visit_form.html", context)


@require_GET
@declare("public")
def measure_form(request: HttpRequest, measure_id: str) -> HttpResponse:
    """The generated fieldset of one measure (an HTMX fragment; definitions are public)."""
    try:
        form = form_for(measure_id)
    except NotFound:
        return HttpResponse("unknown measure", status=404, content_type="text/plain")
    return render(request, "registry/partials/measure_fieldset.html", {"mf": form, "posted": {}})


@page("patient_data", patient_id=Patient)
def adverse_event_new(request: HttpRequest, scope: Scope, patient_id: int) -> HttpResponse:
    patient = scope.get(Patient, patient_id)
    form = AdverseEventForm(
        request.POST or None, courses=_course_choices(patient), today=scope.today()
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            ae_service.record_adverse_event(
                scope, AdverseEventIn(patient_id=patient.pk, **form.cleaned_data)
            )
            return redirect("registry:patient", patient_id=patient.pk)
        except (InvalidInput, ValueError) as exc:
            error = str(exc)
    return render(
        request, "registry/ae_form.html", {"patient": patient, "form": form, "error": error}
    )

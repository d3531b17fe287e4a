"""Start a course (screen, show findings, propose a plan, confirm), change a dose, stop."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from pydantic import ValidationError

from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.forms import CourseForm, DoseForm, StopForm
from ldnderm.web.registry.inputs import (
    HOLD_REASON_MIN,
    CourseIn,
    CourseStopIn,
    DoseIn,
    HoldResolution,
)
from ldnderm.web.registry.models import Patient, TreatmentCourse
from ldnderm.web.registry.services import courses as service
from ldnderm.web.registry.services import orders
from ldnderm.web.registry.versions import Expected, StaleVersion
from ldnderm.web.registry.views.base import is_htmx, page
from ldnderm.web.screening import facts

RESOLVE = "resolve__"
"""POST keys ``resolve__<rule>``: the clinician's reason for resolving that hold finding."""


@page("patient_data", patient_id=Patient)
def course_start(request: HttpRequest, scope: Scope, patient_id: int) -> HttpResponse:
    """GET: the form. POST ``preview``: screening, and the plan only when the verdict allows
    (a hold needs a reason per finding, ``resolve__<rule>``). POST ``confirm``: start it."""
    patient = scope.get(Patient, patient_id)
    choices = [(c.id, c.name) for c in clinical.conditions()]
    form = CourseForm(
        request.POST or None,
        conditions=choices,
        protocols=clinical.protocols(),
        today=scope.today(),
    )
    context: dict[str, object] = {
        "patient": patient,
        "form": form,
        "can_prescribe": scope.can_prescribe,
        "reason_min": HOLD_REASON_MIN,
        "fact_labels": facts.FACT_LABELS,
    }
    if request.method == "POST" and form.is_valid():
        reasons = {
            key[len(RESOLVE) :]: value.strip()
            for key in request.POST
            if key.startswith(RESOLVE) and (value := request.POST.get(key, "")).strip()
        }
        context["reasons_given"] = reasons
        try:
            data = CourseIn(
                patient_id=patient.pk,
                condition_id=form.cleaned_data["condition_id"],
                protocol_id=form.cleaned_data["protocol_id"],
                started_on=form.cleaned_data["started_on"],
                profile=form.profile(patient),
                hold_resolutions=[
                    HoldResolution(rule=rule, reason=reason) for rule, reason in reasons.items()
                ],
            )
        except ValidationError:
            context["error"] = (
                f"Each reason for resolving a hold needs at least {HOLD_REASON_MIN} characters."
            )
            data = CourseIn(
                patient_id=patient.pk,
                condition_id=form.cleaned_data["condition_id"],
                protocol_id=form.cleaned_data["protocol_id"],
                started_on=form.cleaned_data["started_on"],
                profile=form.profile(patient),
            )
        try:
            if "confirm" in request.POST and "error" not in context:
                service.start_course(scope, data)
                return redirect("registry:patient", patient_id=patient.pk)
        except (InvalidInput, NotFound) as exc:
            context["error"] = str(exc)
        try:
            context["proposal"] = service.propose(scope, data)
        except InvalidInput as exc:
            context.setdefault("error", str(exc))
            if data.hold_resolutions:  # a refused resolution: show the screen without any
                context["proposal"] = service.propose(
                    scope, data.model_copy(update={"hold_resolutions": []})
                )
        except NotFound as exc:
            context.setdefault("error", str(exc))
        if is_htmx(request):
            return render(request, "registry/partials/proposal.html", context)
    return render(request, "registry/course_form.html", context)


@page("patient_data", course_id=TreatmentCourse)
def course_stop(request: HttpRequest, scope: Scope, course_id: int) -> HttpResponse:
    course = scope.get(TreatmentCourse, course_id)
    form = StopForm(request.POST or None, today=scope.today(), initial={"version": course.version})
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = Expected(data.pop("version"))
        try:
            service.stop_course(scope, course, CourseStopIn(**data), expected)
            return redirect("registry:patient", patient_id=course.patient_id)
        except StaleVersion:
            status = 409
            error = (
                "Not saved: someone else changed this course after you opened it. "
                "Open the patient again to see its current state."
            )
        except InvalidInput as exc:
            error = str(exc)
    context = {"course": course, "form": form, "error": error, "title": "Stop course"}
    return render(request, "registry/course_change.html", context, status=status)


@page("patient_data", course_id=TreatmentCourse)
def dose_change(request: HttpRequest, scope: Scope, course_id: int) -> HttpResponse:
    qs = scope.rows(TreatmentCourse).select_related("screening").prefetch_related("doses")
    course = scope.get(TreatmentCourse, course_id, qs)
    today = scope.today()
    step = service.next_planned_step(course, today)
    initial = {}
    if step is not None:
        # Propose the next step of the plan saved at the start; the clinician may change it.
        initial = {
            "changed_on": max(step.starts_on, course.started_on),
            "mg_per_day": step.mg_per_day,
        }
        initial["note"] = "step of the plan proposed at the start"
    form = DoseForm(request.POST or None, initial=initial, today=today)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            service.change_dose(scope, course, DoseIn(**form.cleaned_data))
            return redirect("registry:patient", patient_id=course.patient_id)
        except InvalidInput as exc:
            error = str(exc)
    context = {
        "course": course,
        "form": form,
        "error": error,
        "title": "Change dose",
        "steps": service.planned_steps(course, today),
    }
    return render(request, "registry/course_change.html", context)


@page("patient_data", course_id=TreatmentCourse)
def course_order(request: HttpRequest, scope: Scope, course_id: int) -> HttpResponse:
    """The prescription and compounding order of a course, print-friendly; ``days`` and ``form``
    (liquid or capsule) are chosen on the page."""
    qs = scope.rows(TreatmentCourse).select_related("patient", "screening")
    course = scope.get(TreatmentCourse, course_id, qs)
    form = request.GET.get("form", "liquid")
    context: dict[str, object] = {"course": course, "form": form, "days": request.GET.get("days")}
    try:
        days = int(request.GET.get("days") or orders.DAYS_DEFAULT)
        context["days"] = days
        context["result"] = orders.course_order(scope, course, days, form)
    except ValueError:
        context["error"] = "days: a whole number of days, 1-365"
    except InvalidInput as exc:
        context["error"] = str(exc)
    context["condition"] = clinical.condition_names().get(course.condition_id, course.condition_id)
    status = 400 if "error" in context else 200
    return render(request, "registry/course_order.html", context, status=status)

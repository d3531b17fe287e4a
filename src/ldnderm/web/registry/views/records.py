"""Correct and delete records from the pages: patients, courses, doses, visits, assessments and
adverse events. Each page calls the registry service the API calls (one implementation: the
same checks, the same audit with old and new values). Every form carries the version it was
opened on; a save over someone else's change answers 409 and shows, field by field, the value
sent and the value now stored, with the form ready to save again on the current version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from pydantic import BaseModel, ValidationError

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.registry import forms
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import (
    AdverseEventPatch,
    CoursePatch,
    DosePatch,
    PatientPatch,
    VisitPatch,
)
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    TreatmentCourse,
    Versioned,
    Visit,
)
from ldnderm.web.registry.services import adverse_events, courses, patients, visits
from ldnderm.web.registry.versions import Expected, StaleVersion
from ldnderm.web.registry.views.base import page

Update = Callable[[Scope, Any, dict[str, Any], Expected], Versioned]
Delete = Callable[[Scope, Any, str, Expected], None]


def _patched(patch: type[BaseModel], update: Callable[..., Versioned]) -> Update:
    """An update from cleaned form data through the service's own pydantic input."""

    def run(scope: Scope, obj: Any, data: dict[str, Any], expected: Expected) -> Versioned:
        return update(scope, obj, patch(**data), expected)

    return run


def _responses(scope: Scope, obj: Any, data: dict[str, Any], expected: Expected) -> Versioned:
    return visits.update_assessment(scope, obj, data["responses"], expected)


@dataclass(frozen=True)
class Kind:
    """One kind of record the pages correct and delete."""

    slug: str
    param: str
    model: type[Versioned]
    noun: str
    form: type[forms.Versioned]
    update: Update
    delete: Delete
    related: tuple[str, ...] = ()

    def rows(self, scope: Scope) -> QuerySet[Any]:
        return scope.rows(self.model).select_related(*self.related)


KINDS = (
    Kind(
        "patients",
        "patient_id",
        Patient,
        "patient",
        forms.PatientEditForm,
        _patched(PatientPatch, patients.update_patient),
        patients.delete_patient,
        ("clinic",),
    ),
    Kind(
        "courses",
        "course_id",
        TreatmentCourse,
        "course",
        forms.CourseEditForm,
        _patched(CoursePatch, courses.update_course),
        courses.delete_course,
        ("patient",),
    ),
    Kind(
        "doses",
        "dose_id",
        DoseChange,
        "dose",
        forms.DoseEditForm,
        _patched(DosePatch, courses.update_dose),
        courses.delete_dose,
        ("course__patient",),
    ),
    Kind(
        "visits",
        "visit_id",
        Visit,
        "visit",
        forms.VisitEditForm,
        _patched(VisitPatch, visits.update_visit),
        visits.delete_visit,
        ("patient", "course"),
    ),
    Kind(
        "assessments",
        "assessment_id",
        Assessment,
        "assessment",
        forms.AssessmentEditForm,
        _responses,
        visits.delete_assessment,
        ("visit",),
    ),
    Kind(
        "adverse-events",
        "event_id",
        AdverseEvent,
        "adverse event",
        forms.AdverseEventEditForm,
        _patched(AdverseEventPatch, adverse_events.update_adverse_event),
        adverse_events.delete_adverse_event,
        ("patient",),
    ),
)


def patient_of(obj: Versioned) -> int:
    """The id of the patient whose page the record is shown on."""
    if isinstance(obj, Patient):
        return obj.pk
    if isinstance(obj, DoseChange):
        return obj.course.patient_id
    if isinstance(obj, Assessment):
        return obj.visit.patient_id
    return int(obj.patient_id)  # type: ignore[attr-defined]


def _initial(form: type[django_forms.Form], obj: Versioned) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in form.base_fields}


def _data_of(form: django_forms.Form) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


def _conflict(form: django_forms.Form, exc: StaleVersion) -> list[tuple[str, Any, Any]]:
    """The fields that differ (label, value sent, value now stored); the form is re-bound on the
    current version so that saving again is a deliberate overwrite."""
    rows = []
    for name, (yours, now) in exc.changed.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else name.replace("_", " ")
        rows.append((str(label).capitalize(), _shown(yours), _shown(now)))
    if exc.current is not None:
        data = dict(form.data.items())
        data["version"] = str(exc.current.version)
        form.data = data
    return rows


def _shown(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


def editor(kind: Kind) -> Callable[..., HttpResponse]:
    @page("patient_data", **{kind.param: kind.model})
    def edit(request: HttpRequest, scope: Scope, **ids: int) -> HttpResponse:
        obj = scope.get(kind.model, ids[kind.param], kind.rows(scope))
        initial = {**_initial(kind.form, obj), "version": obj.version}
        form = kind.form(request.POST or None, initial=initial)
        context: dict[str, Any] = {"kind": kind, "obj": obj, "form": form, "patient_id": 0}
        status = 200
        if request.method == "POST" and form.is_valid():
            expected = Expected(form.cleaned_data["version"])
            try:
                kind.update(scope, obj, _data_of(form), expected)
                return redirect("registry:patient", patient_id=patient_of(obj))
            except StaleVersion as exc:
                status = 409
                context["stale"] = True
                context["conflict"] = _conflict(form, exc)
                context["deleted"] = exc.current is None
            except InvalidInput as exc:
                context["error"] = str(exc)
            except ValidationError as exc:
                context["error"] = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                )
        context["patient_id"] = patient_of(obj)
        return render(request, "registry/record_edit.html", context, status=status)

    edit.__name__ = edit.__qualname__ = f"edit_{kind.slug.replace('-', '_')}"
    return edit


def deleter(kind: Kind) -> Callable[..., HttpResponse]:
    @page("patient_data", **{kind.param: kind.model})
    def delete(request: HttpRequest, scope: Scope, **ids: int) -> HttpResponse:
        obj = scope.get(kind.model, ids[kind.param], kind.rows(scope))
        form = forms.DeleteForm(request.POST or None, initial={"version": obj.version})
        patient_id = patient_of(obj)
        context: dict[str, Any] = {"kind": kind, "obj": obj, "form": form, "patient_id": patient_id}
        status = 200
        if request.method == "POST" and form.is_valid():
            expected = Expected(form.cleaned_data["version"])
            try:
                kind.delete(scope, obj, form.cleaned_data["reason"], expected)
                if isinstance(obj, Patient):
                    return redirect("registry:patients")
                return redirect("registry:patient", patient_id=patient_id)
            except StaleVersion as exc:
                status = 409
                context["stale"] = True
                context["conflict"] = _conflict(form, exc)
                context["deleted"] = exc.current is None
            except InvalidInput as exc:
                context["error"] = str(exc)
        return render(request, "registry/record_delete.html", context, status=status)

    delete.__name__ = delete.__qualname__ = f"delete_{kind.slug.replace('-', '_')}"
    return delete


def urlpatterns() -> list[Any]:
    """``<kind>/<id>/edit/`` and ``<kind>/<id>/delete/`` for every kind."""
    out = []
    for kind in KINDS:
        stem = f"{kind.slug}/<int:{kind.param}>/"
        name = kind.slug.rstrip("s").replace("adverse-event", "ae")
        out.append(path(stem + "edit/", editor(kind), name=f"{name}-edit"))
        out.append(path(stem + "delete/", deleter(kind), name=f"{name}-delete"))
    return out

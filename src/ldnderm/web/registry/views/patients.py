"""Patient list (with search), new patient, the patient page and the CSV export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ldnderm.web.registry import charts, clinical, scoring
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.forms import PatientForm
from ldnderm.web.registry.inputs import PatientIn
from ldnderm.web.registry.models import Patient
from ldnderm.web.registry.services import courses as course_service
from ldnderm.web.registry.services import patients as service
from ldnderm.web.registry.views.base import is_htmx, page

PAGE_SIZE = 50


@page("patient_data")
def patient_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        offset = 0
    rows, count = service.list_patients(scope, q=q, offset=offset, limit=PAGE_SIZE)
    context = {
        "patients": rows,
        "count": count,
        "q": q,
        "offset": offset,
        "next_offset": offset + PAGE_SIZE if offset + PAGE_SIZE < count else None,
        "conditions": clinical.condition_names(),
    }
    template = (
        "registry/partials/patient_rows.html" if is_htmx(request) else "registry/patient_list.html"
    )
    return render(request, template, context)


@page("patient_entry")
def patient_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = service.create_patient(scope, PatientIn(**form.cleaned_data))
        except IntegrityError:
            form.add_error("mrn", "A patient with this MRN already exists in this clinic.")
        else:
            return redirect("registry:patient", patient_id=patient.pk)
    return render(request, "registry/patient_form.html", {"form": form})


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str
    title: str
    detail: str = ""
    items: tuple[Any, ...] = ()
    record: str = ""
    """The URL stem of the record (``/registry/visits/3/``) for its edit and delete links."""


def _timeline(record: service.PatientRecord, names: dict[str, str]) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for c in record.courses:
        name = names.get(c.condition_id, c.condition_id)
        entries.append(
            TimelineEntry(c.started_on, "course", f"Course started: {name}", c.protocol_id)
        )
        if c.stopped_on:
            reason = c.get_stop_reason_display()
            entries.append(TimelineEntry(c.stopped_on, "stop", f"Course stopped: {name}", reason))
        for d in c.doses.all():
            text = f"{d.mg_per_day.normalize():f} mg/day"
            entries.append(TimelineEntry(d.changed_on, "dose", f"Dose {text}", d.formulation))
    for v in record.visits:
        entries.append(
            TimelineEntry(
                v.visit_date,
                "visit",
                "Visit",
                v.notes,
                tuple(v.assessments.all()),
                f"/registry/visits/{v.pk}/",
            )
        )
    for e in record.adverse_events:
        title = f"Adverse event: {e.term} (grade {e.grade})"
        entries.append(
            TimelineEntry(
                e.onset_on,
                "ae",
                title,
                e.get_relatedness_display(),
                (),
                f"/registry/adverse-events/{e.pk}/",
            )
        )
    entries.sort(key=lambda t: t.day, reverse=True)
    return entries


def _charts(record: service.PatientRecord) -> list[charts.Chart]:
    series: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for v in record.visits:
        for a in v.assessments.all():
            total = scoring.shown_total(a)
            if total is not None:
                series.setdefault(a.measure_id, []).append((v.visit_date, total))
    doses = sorted((d.changed_on, d.mg_per_day) for c in record.courses for d in c.doses.all())
    return charts.build_charts(series, doses)


@page("patient_data", patient_id=Patient)
def patient_detail(request: HttpRequest, scope: Scope, patient_id: int) -> HttpResponse:
    record = service.load_record(scope, patient_id)
    names = clinical.condition_names()
    today = scope.today()
    context = {
        "patient": record.patient,
        "record": record,
        "courses": [
            (c, names.get(c.condition_id, c.condition_id), course_service.planned_steps(c, today))
            for c in record.courses
        ],
        "condition_names": names,
        "timeline": _timeline(record, names),
        "charts": _charts(record),
        "can_prescribe": scope.can_prescribe,
        "can_correct": scope.may_correct,
    }
    return render(request, "registry/patient_detail.html", context)


@page("patient_data")
def patient_export(request: HttpRequest, scope: Scope) -> HttpResponse:
    body = service.export_csv(scope)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="patients.csv"'
    return response

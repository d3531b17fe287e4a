"""Patient list (with search), new patient, the patient page and the CSV export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

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
from ldnderm.web.registry.services import responsible, worklist
from ldnderm.web.registry.views.base import is_htmx, page

PAGE_SIZE = 50


@page("patient_data")
def patient_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Search by name or MRN; filter by condition, active course and "due" (a worklist item);
    sort; pages of :data:`PAGE_SIZE` with their numbers."""
    get = request.GET
    q = get.get("q", "")[:100]
    names = clinical.condition_names()
    condition = get.get("condition", "")
    condition = condition if condition in names else ""
    status = get.get("status", "")
    status = status if status in STATUSES else ""
    sort = get.get("sort", "name")
    sort = sort if sort in service.SORTS else "name"
    number = _page_number(get.get("page", "1"))
    only = worklist.patient_ids_due(scope) if status == "due" else None
    active = {"active": True, "inactive": False}.get(status)
    rows, count = service.list_patients(
        scope,
        q=q,
        condition_id=condition,
        active=active,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        sort=sort,
        only=only,
    )
    pages = max(1, -(-count // PAGE_SIZE))
    kept = {"q": q, "condition": condition, "status": status, "sort": sort}
    query = urlencode({k: v for k, v in kept.items() if v and not (k == "sort" and v == "name")})
    context = {
        "patients": rows,
        "count": count,
        "q": q,
        "condition": condition,
        "status": status,
        "sort": sort,
        "statuses": STATUSES,
        "sorts": SORT_LABELS,
        "page_number": min(number, pages),
        "pages": pages if pages > 1 else 0,
        "page_links": page_links(min(number, pages), pages),
        "query": query,
        "conditions": names,
    }
    template = (
        "registry/partials/patient_rows.html" if is_htmx(request) else "registry/patient_list.html"
    )
    return render(request, template, context)


STATUSES = {
    "": "Any",
    "active": "With an active course",
    "inactive": "With a stopped course",
    "due": "Due (on the worklist)",
}
SORT_LABELS = {"name": "Name", "mrn": "MRN", "born": "Year of birth", "newest": "Newest first"}


def page_links(current: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers to link: the first, the last and ``around`` either side of the
    current one; ``None`` marks a gap."""
    shown = sorted({1, pages, *range(max(1, current - around), min(pages, current + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out if pages > 1 else []


def _page_number(raw: str) -> int:
    try:
        return max(1, min(int(raw), 10**9))
    except ValueError:
        return 1


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
    protocols = dict(clinical.protocols())
    for c in record.courses:
        name = names.get(c.condition_id, c.condition_id)
        protocol = protocols.get(c.protocol_id, c.protocol_id)
        entries.append(TimelineEntry(c.started_on, "course", f"Course started: {name}", protocol))
        if c.stopped_on:
            reason = c.get_stop_reason_display()
            entries.append(TimelineEntry(c.stopped_on, "stop", f"Course stopped: {name}", reason))
        for d in c.doses.all():
            text = f"{d.mg_per_day.normalize():f} mg a day"
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
    clinicians = list(responsible.clinicians(scope.clinic_id))
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
        "may_reassign": scope.may_correct,
        "clinicians": clinicians,
        "responsible_name": _responsible_name(record.patient, clinicians),
    }
    return render(request, "registry/patient_detail.html", context)


def _responsible_name(patient: Patient, clinicians: list[Any]) -> str:
    """From the clinicians already loaded; a former clinician (deactivated) is read once."""
    if patient.responsible_id is None:
        return responsible.display_name(None)
    known = next((u for u in clinicians if u.pk == patient.responsible_id), None)
    return responsible.display_name(known or patient.responsible)


@page("patient_data")
def patient_export(request: HttpRequest, scope: Scope) -> HttpResponse:
    body = service.export_csv(scope)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="patients.csv"'
    return response

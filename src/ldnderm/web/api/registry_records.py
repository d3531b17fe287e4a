"""``/api/v1/courses``, ``/visits``, ``/assessments``, ``/adverse-events``: create, read,
update, delete, and paginated lists ``{"items", "count"}`` with filters. Every query is scoped to
the caller's clinic (another clinic's id answers 404 and is audited as ``denied``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from pydantic import Field

from ldnderm.web.api.auth import AUTH, patient_scope
from ldnderm.web.api.registry_schemas import (
    AdverseEventOut,
    AdverseEventPage,
    AssessmentOut,
    AssessmentPage,
    CourseOut,
    CoursePage,
    DoseOut,
    ResponsesIn,
    StorableSchema,
    VisitOut,
    VisitPage,
)
from ldnderm.web.audit.log import Action
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import (
    MAX_VERSION,
    AdverseEventIn,
    AdverseEventPatch,
    AssessmentIn,
    CourseIn,
    CourseStopIn,
    DoseIn,
    RowId,
    VisitIn,
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
from ldnderm.web.registry.routes import declare
from ldnderm.web.registry.services import adverse_events as ae_service
from ldnderm.web.registry.services import courses as course_service
from ldnderm.web.registry.services import visits as visit_service
from ldnderm.web.registry.services.common import REASON_MAX, audit, audited_page
from ldnderm.web.registry.versions import Expected, etag, expected_from

courses = Router(tags=["courses"], auth=AUTH)
visits = Router(tags=["visits"], auth=AUTH)
assessments = Router(tags=["assessments"], auth=AUTH)
adverse_events = Router(tags=["adverse events"], auth=AUTH)


DELETION = (
    "Clinicians and administrators only (403 otherwise), with a non-empty `reason`, which the "
    'audit trail keeps, and the version read: `If-Match: "<version>"` (412 when stale) or '
    "`?version=` (409 when stale); neither is 428."
)
VERSIONED = (
    'Send the version read: `If-Match: "<version>"` (the ETag of GET; 412 when stale) or a '
    "`version` field (409 when stale); neither is 428. The stale answer carries the current "
    "state and the fields that differ."
)


class Deletion(StorableSchema):
    """``?reason=``: why a clinical record is deleted (kept in the audit trail); ``?version=``:
    the version read, unless sent as ``If-Match``."""

    # Optional here so that another clinic's id answers 404 and a staff user 403 before the
    # reason is looked at; the service refuses a missing or blank reason (422 naming it).
    reason: str = Field("", max_length=REASON_MAX)
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


def expected(request: HttpRequest, version: int | None) -> Expected | None:
    """The version a change names: the If-Match header first, else the field (428 if none)."""
    return expected_from(request.headers.get("If-Match"), version)


def tagged(response: HttpResponse, obj: V) -> V:
    """``obj``, with its ETag (its version) set on the answer."""
    response["ETag"] = etag(obj)
    return obj


class Paging(StorableSchema):
    offset: int = 0
    limit: int = 50


class CourseFilters(Paging):
    patient_id: RowId | None = None
    condition_id: str = ""
    active: bool | None = None


class VisitFilters(Paging):
    patient_id: RowId | None = None
    course_id: RowId | None = None


class AssessmentFilters(Paging):
    patient_id: RowId | None = None
    visit_id: RowId | None = None
    measure_id: str = ""


class AdverseEventFilters(Paging):
    patient_id: RowId | None = None
    course_id: RowId | None = None
    grade: int | None = None


M = TypeVar("M", bound=Model)
V = TypeVar("V", bound=Versioned)


def _where(qs: QuerySet[M], **lookups: Any) -> QuerySet[M]:
    """``qs`` filtered by the lookups whose filter was given (not ``None``, not empty)."""
    return qs.filter(**{k: v for k, v in lookups.items() if v is not None and v != ""})


def _read(scope: Scope, obj: V, response: HttpResponse) -> V:
    audit(scope, Action.READ, obj)
    return tagged(response, obj)


def _courses(scope: Scope) -> QuerySet[TreatmentCourse]:
    return scope.rows(TreatmentCourse).select_related("screening").prefetch_related("doses")


# -- courses --------------------------------------------------------------------------------


@courses.get("", response=CoursePage, summary="List courses")
@declare("patient_data")
def list_courses(request: HttpRequest, f: Query[CourseFilters]) -> dict[str, Any]:
    scope = patient_scope(request)
    qs = _where(
        _courses(scope),
        patient_id=f.patient_id,
        condition_id=f.condition_id,
        stopped_on__isnull=f.active,
    )
    items, count = audited_page(scope, qs, f.offset, f.limit)
    return {"items": items, "count": count}


@courses.post("", response={201: CourseOut}, summary="Start a course (screening + plan)")
@declare("patient_data", patient_id=Patient)
def start_course(request: HttpRequest, payload: CourseIn) -> Status[TreatmentCourse]:
    scope = patient_scope(request)
    course = course_service.start_course(scope, payload)
    return Status(201, _courses(scope).get(pk=course.pk))


@courses.post("/preview", summary="Screen and propose a plan without starting")
@declare("patient_data", patient_id=Patient)
def preview_course(request: HttpRequest, payload: CourseIn) -> dict[str, Any]:
    """The screening, and the plan only when the verdict lets one follow: a contraindication,
    or a hold without a recorded reason (``hold_resolutions``), gives ``plan: null`` and the
    ``reasons``."""
    proposal = course_service.propose(patient_scope(request), payload)
    plan = proposal.plan
    return {
        "verdict": proposal.screening.verdict,
        "findings": proposal.screening.findings,
        "not_checked": proposal.screening.not_checked,
        "plan": plan.as_json() if plan is not None else None,
        "blocked": proposal.blocked,
        "reasons": proposal.reasons,
        "unresolved_holds": [f["rule"] for f in proposal.unresolved_holds],
        "contraindications": [f["rule"] for f in proposal.contraindications],
        "knowledge_version": proposal.screening.knowledge_version,
    }


@courses.get("/{course_id}", response=CourseOut, summary="One course")
@declare("patient_data", course_id=TreatmentCourse)
def get_course(request: HttpRequest, course_id: int, response: HttpResponse) -> TreatmentCourse:
    scope = patient_scope(request)
    return _read(scope, scope.get(TreatmentCourse, course_id, _courses(scope)), response)


@courses.patch("/{course_id}", response=CourseOut, summary="Stop a course", description=VERSIONED)
@declare("patient_data", course_id=TreatmentCourse)
def stop_course(
    request: HttpRequest, course_id: int, payload: CourseStopIn, response: HttpResponse
) -> TreatmentCourse:
    scope = patient_scope(request)
    course = scope.get(TreatmentCourse, course_id, _courses(scope))
    done = course_service.stop_course(scope, course, payload, expected(request, payload.version))
    return tagged(response, _courses(scope).get(pk=done.pk))


@courses.delete(
    "/{course_id}", response={204: None}, summary="Delete a course", description=DELETION
)
@declare("patient_data", course_id=TreatmentCourse)
def delete_course(request: HttpRequest, course_id: int, why: Query[Deletion]) -> Status[None]:
    scope = patient_scope(request)
    course = scope.get(TreatmentCourse, course_id)
    course_service.delete_course(scope, course, why.reason, expected(request, why.version))
    return Status(204, None)


@courses.post("/{course_id}/doses", response={201: DoseOut}, summary="Change the dose")
@declare("patient_data", course_id=TreatmentCourse)
def change_dose(request: HttpRequest, course_id: int, payload: DoseIn) -> Status[DoseChange]:
    scope = patient_scope(request)
    return Status(
        201, course_service.change_dose(scope, scope.get(TreatmentCourse, course_id), payload)
    )


# -- visits ---------------------------------------------------------------------------------


def _visits(scope: Scope) -> QuerySet[Visit]:
    return scope.rows(Visit).prefetch_related("assessments")


@visits.get("", response=VisitPage, summary="List visits")
@declare("patient_data")
def list_visits(request: HttpRequest, f: Query[VisitFilters]) -> dict[str, Any]:
    scope = patient_scope(request)
    qs = _where(_visits(scope), patient_id=f.patient_id, course_id=f.course_id)
    items, count = audited_page(scope, qs, f.offset, f.limit)
    return {"items": items, "count": count}


@visits.post("", response={201: VisitOut}, summary="Record a visit with its assessments")
@declare("patient_data", patient_id=Patient)
def create_visit(request: HttpRequest, payload: VisitIn) -> Status[Visit]:
    scope = patient_scope(request)
    visit = visit_service.record_visit(scope, payload)
    return Status(201, _visits(scope).get(pk=visit.pk))


@visits.get("/{visit_id}", response=VisitOut, summary="One visit")
@declare("patient_data", visit_id=Visit)
def get_visit(request: HttpRequest, visit_id: int, response: HttpResponse) -> Visit:
    scope = patient_scope(request)
    return _read(scope, scope.get(Visit, visit_id, _visits(scope)), response)


@visits.patch(
    "/{visit_id}",
    response=VisitOut,
    summary="Change a visit's date or notes",
    description=VERSIONED,
)
@declare("patient_data", visit_id=Visit)
def update_visit(
    request: HttpRequest, visit_id: int, payload: VisitPatch, response: HttpResponse
) -> Visit:
    scope = patient_scope(request)
    visit = scope.get(Visit, visit_id, _visits(scope))
    done = visit_service.update_visit(scope, visit, payload, expected(request, payload.version))
    return tagged(response, _visits(scope).get(pk=done.pk))


@visits.delete("/{visit_id}", response={204: None}, summary="Delete a visit", description=DELETION)
@declare("patient_data", visit_id=Visit)
def delete_visit(request: HttpRequest, visit_id: int, why: Query[Deletion]) -> Status[None]:
    scope = patient_scope(request)
    visit = scope.get(Visit, visit_id)
    visit_service.delete_visit(scope, visit, why.reason, expected(request, why.version))
    return Status(204, None)


# -- assessments ----------------------------------------------------------------------------


def _assessments(scope: Scope) -> QuerySet[Assessment]:
    return scope.rows(Assessment).select_related("visit")


@assessments.get("", response=AssessmentPage, summary="List assessments")
@declare("patient_data")
def list_assessments(request: HttpRequest, f: Query[AssessmentFilters]) -> dict[str, Any]:
    scope = patient_scope(request)
    qs = _where(
        _assessments(scope),
        visit__patient_id=f.patient_id,
        visit_id=f.visit_id,
        measure_id=f.measure_id,
    )
    items, count = audited_page(scope, qs, f.offset, f.limit)
    return {"items": items, "count": count}


@assessments.post("", response={201: AssessmentOut}, summary="Score and add a measure to a visit")
@declare("patient_data", visit_id=Visit)
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Status[Assessment]:
    return Status(201, visit_service.add_assessment(patient_scope(request), payload))


@assessments.get("/{assessment_id}", response=AssessmentOut, summary="One assessment")
@declare("patient_data", assessment_id=Assessment)
def get_assessment(request: HttpRequest, assessment_id: int, response: HttpResponse) -> Assessment:
    scope = patient_scope(request)
    return _read(scope, scope.get(Assessment, assessment_id, _assessments(scope)), response)


@assessments.patch(
    "/{assessment_id}",
    response=AssessmentOut,
    summary="Replace the responses",
    description=VERSIONED,
)
@declare("patient_data", assessment_id=Assessment)
def update_assessment(
    request: HttpRequest, assessment_id: int, payload: ResponsesIn, response: HttpResponse
) -> Assessment:
    scope = patient_scope(request)
    row = scope.get(Assessment, assessment_id, _assessments(scope))
    version = expected(request, payload.version)
    return tagged(response, visit_service.update_assessment(scope, row, payload.responses, version))


@assessments.delete(
    "/{assessment_id}", response={204: None}, summary="Delete an assessment", description=DELETION
)
@declare("patient_data", assessment_id=Assessment)
def delete_assessment(
    request: HttpRequest, assessment_id: int, why: Query[Deletion]
) -> Status[None]:
    scope = patient_scope(request)
    row = scope.get(Assessment, assessment_id, _assessments(scope))
    visit_service.delete_assessment(scope, row, why.reason, expected(request, why.version))
    return Status(204, None)


# -- adverse events -------------------------------------------------------------------------


@adverse_events.get("", response=AdverseEventPage, summary="List adverse events")
@declare("patient_data")
def list_adverse_events(request: HttpRequest, f: Query[AdverseEventFilters]) -> dict[str, Any]:
    scope = patient_scope(request)
    qs = _where(
        scope.rows(AdverseEvent), patient_id=f.patient_id, course_id=f.course_id, grade=f.grade
    )
    items, count = audited_page(scope, qs, f.offset, f.limit)
    return {"items": items, "count": count}


@adverse_events.post("", response={201: AdverseEventOut}, summary="Record an adverse event")
@declare("patient_data", patient_id=Patient)
def create_adverse_event(request: HttpRequest, payload: AdverseEventIn) -> Status[AdverseEvent]:
    return Status(201, ae_service.record_adverse_event(patient_scope(request), payload))


@adverse_events.get("/{event_id}", response=AdverseEventOut, summary="One adverse event")
@declare("patient_data", event_id=AdverseEvent)
def get_adverse_event(request: HttpRequest, event_id: int, response: HttpResponse) -> AdverseEvent:
    scope = patient_scope(request)
    return _read(scope, scope.get(AdverseEvent, event_id), response)


@adverse_events.patch(
    "/{event_id}",
    response=AdverseEventOut,
    summary="Update an adverse event",
    description=VERSIONED,
)
@declare("patient_data", event_id=AdverseEvent)
def update_adverse_event(
    request: HttpRequest, event_id: int, payload: AdverseEventPatch, response: HttpResponse
) -> AdverseEvent:
    scope = patient_scope(request)
    event = scope.get(AdverseEvent, event_id)
    version = expected(request, payload.version)
    return tagged(response, ae_service.update_adverse_event(scope, event, payload, version))


@adverse_events.delete(
    "/{event_id}", response={204: None}, summary="Delete an adverse event", description=DELETION
)
@declare("patient_data", event_id=AdverseEvent)
def delete_adverse_event(request: HttpRequest, event_id: int, why: Query[Deletion]) -> Status[None]:
    scope = patient_scope(request)
    event = scope.get(AdverseEvent, event_id)
    ae_service.delete_adverse_event(scope, event, why.reason, expected(request, why.version))
    return Status(204, None)

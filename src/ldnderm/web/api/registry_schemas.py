"""Response schemas of the registry API. Inputs are the services' own models
(``ldnderm.web.registry.inputs``), so pages and API validate identically."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from ldnderm.web.registry.inputs import MAX_VERSION, Storable
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    TreatmentCourse,
    Versioned,
    Visit,
)
from ldnderm.web.registry.scoring import shown_result


class StorableSchema(Schema, Storable):
    """An API input whose text must be storable: NUL or an unpaired surrogate is a 422 naming
    the field (PostgreSQL would refuse it with a DataError, a 500)."""


class TokenIn(StorableSchema):
    username: str = Field(max_length=150, description="At most 150 characters, as accounts.")
    password: str
    totp: str | None = None
    """The current code of the account's authenticator app (or a recovery code): required when
    the account has a second factor (``docs/mfa.md``)."""


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class PatientOut(Schema):
    id: int
    version: int
    mrn: str
    given_name: str
    family_name: str
    birth_year: int | None
    sex: str
    notes: str
    created_at: dt.datetime
    demo: bool
    """An invented patient of a demo clinic; ``false`` for a real patient."""


class DoseOut(Schema):
    id: int
    version: int
    changed_on: dt.date
    mg_per_day: Decimal
    formulation: str
    note: str


class ScreeningOut(Schema):
    verdict: str
    findings: list[dict[str, Any]]
    plan: dict[str, Any]
    knowledge_version: str
    taken_at: dt.datetime
    not_checked: list[str] = Field(default_factory=list)
    hold_resolutions: list[dict[str, Any]] = Field(default_factory=list)


class CourseOut(Schema):
    id: int
    version: int
    patient_id: int
    condition_id: str
    protocol_id: str
    started_on: dt.date
    stopped_on: dt.date | None
    stop_reason: str
    stop_note: str
    doses: list[DoseOut]
    screening: ScreeningOut | None = None

    @staticmethod
    def resolve_doses(obj: Any) -> list[Any]:
        return list(obj.doses.all())

    @staticmethod
    def resolve_screening(obj: Any) -> Any:
        return getattr(obj, "screening", None)


class PatientDetail(PatientOut):
    courses: list[CourseOut]

    @staticmethod
    def resolve_courses(obj: Any) -> list[Any]:
        return list(obj.courses.all())


class AssessmentOut(Schema):
    id: int
    version: int
    visit_id: int
    measure_id: str
    measure_version: str
    responses: Any
    result: dict[str, Any] = Field(
        description="The stored score; for a row that no longer scores, a not-computable "
        'result whose reason starts "cannot be scored: ".'
    )
    knowledge_version: str

    @staticmethod
    def resolve_result(obj: Any) -> dict[str, Any]:
        return shown_result(obj)


class VisitOut(Schema):
    id: int
    version: int
    patient_id: int
    course_id: int | None
    visit_date: dt.date
    notes: str
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_assessments(obj: Any) -> list[Any]:
        return list(obj.assessments.all())


class AdverseEventOut(Schema):
    id: int
    version: int
    patient_id: int
    course_id: int | None
    term: str
    grade: int
    onset_on: dt.date
    resolved_on: dt.date | None
    relatedness: str
    action: str
    notes: str


class PatientPage(Schema):
    items: list[PatientOut]
    count: int


class CoursePage(Schema):
    items: list[CourseOut]
    count: int


class VisitPage(Schema):
    items: list[VisitOut]
    count: int


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int


class AdverseEventPage(Schema):
    items: list[AdverseEventOut]
    count: int


class ResponsesIn(StorableSchema):
    responses: Any
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


def current_state(obj: Versioned) -> dict[str, Any]:
    """A record as its GET answers it (the body of a 409 or 412: the state now)."""
    schema: Any = {
        Patient: PatientOut,
        TreatmentCourse: CourseOut,
        DoseChange: DoseOut,
        Visit: VisitOut,
        Assessment: AssessmentOut,
        AdverseEvent: AdverseEventOut,
    }[type(obj)]
    state: dict[str, Any] = schema.from_orm(obj).model_dump(mode="json")
    return state

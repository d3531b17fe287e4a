"""Validated inputs of the registry's use cases (pydantic), shared by the pages and the API.

Field-level write protection: none of these carries ``clinic``, ``patient`` ownership changes,
``created_by`` or ``demo`` (the clinic's); those are set by the services from the caller's scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.plausible import check_year
from ldnderm.web.registry.models import MAX_DAILY_MG, AdverseEvent, Patient, TreatmentCourse

_TEXT = 4000

MAX_ID = 2**63 - 1
"""The largest id a BigAutoField holds (SQLite INTEGER and PostgreSQL bigint alike). A larger
integer is not an unknown id but one no database can compare: SQLite raises OverflowError."""

RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


def _plausible_year(day: dt.date) -> dt.date:
    try:
        return check_year(day, "")
    except InvalidInput as exc:
        raise ValueError(f"{exc.problem} (allowed: {exc.allowed})") from exc


ClinicalDate = Annotated[dt.date, AfterValidator(_plausible_year)]
"""A date in the years 1900-2100 (:func:`ldnderm.kernel.plausible.check_year`): a 422 naming
the field otherwise, before any plan or due date is computed from it."""


def storable(value: Any) -> Any:
    """``value`` unchanged, or ValueError naming where it holds text no database can store.

    PostgreSQL refuses NUL in text and JSON; neither database encodes an unpaired surrogate
    (``"\\ud800"`` is valid JSON but not UTF-8). Nested mappings and lists are searched, keys
    included, so free-form payloads (``responses``, ``profile``) are checked too.
    """
    problem = _unstorable(value, ())
    if problem is not None:
        where, what = problem
        at = f" at {'.'.join(where)}" if where else ""
        raise ValueError(f"text{at} contains {what}, which cannot be stored")
    return value


def _unstorable(value: Any, where: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    if isinstance(value, str):
        if "\x00" in value:
            return where, "a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where, "an unpaired surrogate"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unstorable(key, where) or _unstorable(item, (*where, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _unstorable(item, (*where, str(i)))
            if found is not None:
                return found
    return None


class Storable(BaseModel):
    """Every field's text must be storable (see :func:`storable`): a 422 naming the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)


class _In(Storable):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


MAX_VERSION = 2**31 - 1


class _Versioned(_In):
    """A change to an existing record: ``version`` is the version it was made on (or send it
    as the ``If-Match`` header); see ``ldnderm.web.registry.versions``."""

    version: int | None = Field(
        None,
        ge=1,
        le=MAX_VERSION,
        description='The record\'s version as read (or the If-Match header, "<version>"); '
        "a stale one answers 409, none at all 428.",
    )


def _not_null(value: Any) -> Any:
    """A patch may leave a required column out, but not set it to null (the database would
    refuse the NULL: an IntegrityError, answered as a misleading 409)."""
    if value is None:
        raise ValueError("may be left out, but not set to null")
    return value


class PatientIn(_In):
    mrn: str = Field(min_length=1, max_length=40)
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    sex: Patient.Sex = Patient.Sex.UNKNOWN
    notes: str = Field("", max_length=_TEXT)


class PatientPatch(_Versioned):
    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    sex: Patient.Sex | None = None
    notes: str | None = Field(None, max_length=_TEXT)

    _required = field_validator("given_name", "family_name", "sex", "notes")(_not_null)


HOLD_REASON_MIN = 15
"""The shortest reason accepted for resolving a hold finding (characters)."""


class HoldResolution(_In):
    """A clinician's recorded reason to start despite one ``hold`` finding (never a
    contraindication: those cannot be overridden)."""

    rule: str = Field(min_length=1, max_length=80, description="The hold finding's rule id.")
    reason: str = Field(
        min_length=HOLD_REASON_MIN,
        max_length=1000,
        description="Why the hold is resolved (stored with the screening and audited).",
    )


class CourseIn(_In):
    patient_id: RowId
    condition_id: str = Field(min_length=1, max_length=80)
    protocol_id: str = Field("", max_length=80)
    started_on: ClinicalDate
    profile: dict[str, Any] = Field(
        default_factory=dict,
        description="The screening profile as ``ldnderm screen`` reads it (age, sex, pregnant, "
        "breastfeeding, hepatic, renal, medications, ...); validated by ldnderm.safety. An "
        "absent fact is unknown; planned_dose_mg defaults to the plan's target dose.",
    )
    hold_resolutions: list[HoldResolution] = Field(
        default_factory=list,
        max_length=40,
        description="One recorded reason per hold finding; without them a hold blocks the start. "
        "A contraindication cannot be resolved.",
    )


class CourseStopIn(_Versioned):
    stopped_on: ClinicalDate
    stop_reason: TreatmentCourse.StopReason
    stop_note: str = Field("", max_length=_TEXT)


class DoseIn(_In):
    changed_on: ClinicalDate
    mg_per_day: Decimal = Field(ge=0, le=MAX_DAILY_MG, max_digits=5, decimal_places=2)
    formulation: str = Field("", max_length=80)
    note: str = Field("", max_length=200)


class DosePatch(_Versioned):
    changed_on: ClinicalDate | None = None
    mg_per_day: Decimal | None = Field(None, ge=0, le=MAX_DAILY_MG, max_digits=5, decimal_places=2)
    formulation: str | None = Field(None, max_length=80)
    note: str | None = Field(None, max_length=200)

    _required = field_validator("changed_on", "mg_per_day", "formulation", "note")(_not_null)


class CoursePatch(_Versioned):
    """A correction of a course's dates and stop details (the condition, protocol and screening
    stay as started)."""

    started_on: ClinicalDate | None = None
    stopped_on: ClinicalDate | None = None
    stop_reason: TreatmentCourse.StopReason | Literal[""] | None = None
    stop_note: str | None = Field(None, max_length=_TEXT)

    _required = field_validator("started_on", "stop_reason", "stop_note")(_not_null)


class VisitIn(_In):
    """A visit and the measures taken at it: ``assessments`` maps measure id to raw responses."""

    patient_id: RowId
    course_id: RowId | None = None
    visit_date: ClinicalDate
    notes: str = Field("", max_length=_TEXT)
    assessments: dict[str, Any] = Field(default_factory=dict, max_length=20)


class VisitPatch(_Versioned):
    visit_date: ClinicalDate | None = None
    notes: str | None = Field(None, max_length=_TEXT)

    _required = field_validator("visit_date", "notes")(_not_null)


class AssessmentIn(_In):
    visit_id: RowId
    measure_id: str = Field(min_length=1, max_length=40)
    responses: Any


class AdverseEventIn(_In):
    patient_id: RowId
    course_id: RowId | None = None
    term: str = Field(min_length=1, max_length=120)
    grade: int = Field(ge=1, le=5)
    onset_on: ClinicalDate
    resolved_on: ClinicalDate | None = None
    relatedness: AdverseEvent.Relatedness
    action: AdverseEvent.ActionTaken = AdverseEvent.ActionTaken.NONE
    notes: str = Field("", max_length=_TEXT)

    @model_validator(mode="after")
    def _resolution_after_onset(self) -> AdverseEventIn:
        if self.resolved_on is not None and self.resolved_on < self.onset_on:
            raise ValueError("resolved_on is before onset_on")
        return self


class AdverseEventPatch(_Versioned):
    term: str | None = Field(None, min_length=1, max_length=120)
    grade: int | None = Field(None, ge=1, le=5)
    resolved_on: ClinicalDate | None = None
    relatedness: AdverseEvent.Relatedness | None = None
    action: AdverseEvent.ActionTaken | None = None
    notes: str | None = Field(None, max_length=_TEXT)

    _required = field_validator("term", "grade", "relatedness", "action", "notes")(_not_null)

"""Validated inputs of the registry's use cases (pydantic), shared by the pages and the API.

Field-level write protection: none of these carries ``clinic``, ``patient`` ownership changes,
``created_by`` or ``synthetic``; those are set by the services from the caller's scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse

_TEXT = 4000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PatientIn(_In):
    mrn: str = Field(min_length=1, max_length=40)
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    sex: Patient.Sex = Patient.Sex.UNKNOWN
    notes: str = Field("", max_length=_TEXT)


class PatientPatch(_In):
    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    sex: Patient.Sex | None = None
    notes: str | None = Field(None, max_length=_TEXT)


class CourseIn(_In):
    patient_id: int
    condition_id: str = Field(min_length=1, max_length=80)
    protocol_id: str = Field("", max_length=80)
    started_on: dt.date
    profile: dict[str, Any] = Field(
        default_factory=dict,
        description="The screening profile as ``ldnderm screen`` reads it (age, sex, pregnant, "
        "breastfeeding, hepatic, renal, medications, ...); validated by ldnderm.safety.",
    )


class CourseStopIn(_In):
    stopped_on: dt.date
    stop_reason: TreatmentCourse.StopReason
    stop_note: str = Field("", max_length=_TEXT)


class DoseIn(_In):
    changed_on: dt.date
    mg_per_day: Decimal = Field(ge=0, le=50, max_digits=5, decimal_places=2)
    formulation: str = Field("", max_length=80)
    note: str = Field("", max_length=200)


class VisitIn(_In):
    """A visit and the measures taken at it: ``assessments`` maps measure id to raw responses."""

    patient_id: int
    course_id: int | None = None
    visit_date: dt.date
    notes: str = Field("", max_length=_TEXT)
    assessments: dict[str, Any] = Field(default_factory=dict, max_length=20)


class VisitPatch(_In):
    visit_date: dt.date | None = None
    notes: str | None = Field(None, max_length=_TEXT)


class AssessmentIn(_In):
    visit_id: int
    measure_id: str = Field(min_length=1, max_length=40)
    responses: Any


class AdverseEventIn(_In):
    patient_id: int
    course_id: int | None = None
    term: str = Field(min_length=1, max_length=120)
    grade: int = Field(ge=1, le=5)
    onset_on: dt.date
    resolved_on: dt.date | None = None
    relatedness: AdverseEvent.Relatedness
    action: AdverseEvent.ActionTaken = AdverseEvent.ActionTaken.NONE
    notes: str = Field("", max_length=_TEXT)

    @model_validator(mode="after")
    def _resolution_after_onset(self) -> AdverseEventIn:
        if self.resolved_on is not None and self.resolved_on < self.onset_on:
            raise ValueError("resolved_on is before onset_on")
        return self


class AdverseEventPatch(_In):
    term: str | None = Field(None, min_length=1, max_length=120)
    grade: int | None = Field(None, ge=1, le=5)
    resolved_on: dt.date | None = None
    relatedness: AdverseEvent.Relatedness | None = None
    action: AdverseEvent.ActionTaken | None = None
    notes: str | None = Field(None, max_length=_TEXT)

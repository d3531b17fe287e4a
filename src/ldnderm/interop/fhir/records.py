"""Registry records as plain values, the currency between the ORM and the FHIR mapping.

The web layer reads and writes these from and to the database; :mod:`.export` turns them into
FHIR resources and :mod:`.read` turns FHIR resources into them. Every record carries its natural
key, an ``Identifier`` (``system``, ``value``): the one it was imported with, or a local one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, order=True)
class Key:
    """A FHIR Identifier used as natural key (unique per clinic and resource type)."""

    system: str
    value: str


@dataclass(frozen=True)
class PatientRecord:
    """A patient. ``key`` is the preferred identifier (the first typed MR, else the first with a
    system and a value); ``identifiers`` are all of them in order, ``mr`` those typed MR."""

    key: Key
    given_name: str
    family_name: str
    birth_year: int | None = None
    sex: str = "unknown"
    identifiers: tuple[Key, ...] = ()
    mr: frozenset[Key] = frozenset()


@dataclass(frozen=True)
class ConditionRecord:
    """A skin condition of the knowledge base the patient is treated for."""

    key: Key
    condition_id: str
    code: str | None
    system: str | None
    display: str


@dataclass(frozen=True)
class Dose:
    start: date
    mg_per_day: Decimal
    formulation: str = ""


@dataclass(frozen=True)
class CourseRecord:
    """A naltrexone course (FHIR: MedicationStatement with one dosage per dose change)."""

    key: Key
    condition_key: Key | None
    condition_id: str
    started_on: date
    stopped_on: date | None = None
    stop_reason: str = ""
    doses: tuple[Dose, ...] = ()


@dataclass(frozen=True)
class AssessmentRecord:
    """An outcome measure taken on a date (FHIR: Observation coded in the measure system)."""

    key: Key
    measure_id: str
    measure_version: str
    taken_on: date
    responses: Any
    total: Decimal | None
    course_key: Key | None = None
    note: str = ""


@dataclass(frozen=True)
class AdverseEventRecord:
    key: Key
    term: str
    grade: int
    onset_on: date
    resolved_on: date | None = None
    relatedness: str = "possible"
    action: str = "none"
    course_key: Key | None = None


@dataclass(frozen=True)
class PatientExport:
    """Everything exported for one patient."""

    patient: PatientRecord
    conditions: tuple[ConditionRecord, ...] = ()
    courses: tuple[CourseRecord, ...] = ()
    assessments: tuple[AssessmentRecord, ...] = ()
    adverse_events: tuple[AdverseEventRecord, ...] = ()


@dataclass
class ParsedBundle:
    """What :func:`ldnderm.interop.fhir.read.read_bundle` found, patient by patient."""

    patients: list[PatientRecord] = field(default_factory=list)
    conditions: dict[Key, list[ConditionRecord]] = field(default_factory=dict)
    courses: dict[Key, list[CourseRecord]] = field(default_factory=dict)
    assessments: dict[Key, list[AssessmentRecord]] = field(default_factory=dict)
    adverse_events: dict[Key, list[AdverseEventRecord]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

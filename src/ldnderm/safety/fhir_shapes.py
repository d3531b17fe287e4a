"""Lean, strict models of exactly the FHIR R4 elements the safety reader reads.

A CDS hook carries dozens of resources that are only read, never stored. Validating each one
with fhir.resources costs most of a hook call, so :func:`read_resource` checks only the
elements :mod:`ldnderm.safety.fhir` reads, and checks them strictly:

- a string is a JSON string, a boolean a JSON boolean, a decimal a JSON number (or a string in
  FHIR's decimal syntax), a list a JSON list, an object a JSON object: no coercion;
- dates, dateTimes and instants match the FHIR R4 regular expressions. A full date becomes a
  :class:`~datetime.date`, a dateTime with a time a time-zoned :class:`~datetime.datetime`,
  a partial date (``2024`` or ``2024-05``) stays a string, as fhir.resources does;
- the elements FHIR requires and the reader reads are required (``status`` of a medication
  record, an Observation, a Procedure, a ServiceRequest; ``Observation.code``,
  ``ServiceRequest.intent``), and a choice element (``medication[x]``, ``effective[x]`` ...)
  has at most one form.

A resource that fails is unreadable: the caller leaves it out and reports it (the screen then
says it is incomplete), never reads it as "nothing there". Elements the reader does not read
are ignored. Full fhir.resources validation stays where data is written or imported
(:mod:`ldnderm.interop.fhir`) and for whole Bundles given to
:func:`ldnderm.safety.fhir.read_fhir_facts`.

The models keep fhir.resources' element names and ``get_resource_type()``, so one reader serves
both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError

_DATE = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|"
    r"3[0-1]))?)?"
)
_DATETIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|"
    r"3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|([+\-])((0[0-9]|"
    r"1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)
_INSTANT = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|"
    r"3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|([+\-])((0[0-9]|"
    r"1[0-3]):[0-5][0-9]|14:00))"
)
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
"""The regular expressions of the FHIR R4 primitive types (``datatypes.html``)."""


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("should be a JSON number")
    text = str(value)
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a FHIR decimal")
    return Decimal(text)


def _full(text: str) -> date | datetime | str:
    """A checked date or dateTime string as fhir.resources gives it (see the module docstring)."""
    if len(text) < 10:
        return text  # partial: year or year-month
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if ":60" in text[16:19]:
            return text  # a leap second cannot be a datetime
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:  # 2023-02-30 matches the pattern but is no date
        raise ValueError(f"{text!r} is not a valid date") from exc


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("should be a JSON object")
    return value


def _date(value: Any) -> date | str:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("should be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)")
    out = _full(value)
    assert not isinstance(out, datetime)
    return out


def _datetime(value: Any) -> date | datetime | str:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise ValueError("should be a FHIR dateTime (a date, or a date and time with a zone)")
    return _full(value)


def _instant(value: Any) -> datetime | str:
    if not isinstance(value, str) or not _INSTANT.fullmatch(value):
        raise ValueError("should be a FHIR instant (date and time with a zone)")
    out = _full(value)  # the pattern asks for a time, so never a bare date
    assert isinstance(out, datetime | str)
    return out


Str = str
"""Strings and booleans are checked by pydantic's strict mode (set on every model below)."""
Bool = bool
Dec = Annotated[Decimal, PlainValidator(_decimal)]
FhirDate = Annotated[date | str, PlainValidator(_date)]
FhirDateTime = Annotated[date | datetime | str, PlainValidator(_datetime)]
FhirInstant = Annotated[datetime | str, PlainValidator(_instant)]
AnyObject = Annotated[dict[str, Any], PlainValidator(_object)]


class _Element(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class Coding(_Element):
    system: Str | None = None
    code: Str | None = None
    display: Str | None = None


class CodeableConcept(_Element):
    coding: list[Coding] | None = None
    text: Str | None = None


class Reference(_Element):
    reference: Str | None = None
    display: Str | None = None


class Period(_Element):
    start: FhirDateTime | None = None
    end: FhirDateTime | None = None


class Quantity(_Element):
    value: Dec | None = None
    comparator: Str | None = None
    unit: Str | None = None
    system: Str | None = None
    code: Str | None = None


class ReferenceRange(_Element):
    high: Quantity | None = None


class DoseAndRate(_Element):
    doseQuantity: Quantity | None = None


class Dosage(_Element):
    asNeededBoolean: Bool | None = None
    doseAndRate: list[DoseAndRate] | None = None


class Resource(_Element):
    """What every read resource has: its type and id; ``get_resource_type()`` as fhir.resources.

    ``CHOICES`` names the choice elements (``effective`` for ``effective[x]``) of which at most
    one of the forms read may be given.
    """

    CHOICES: ClassVar[tuple[str, ...]] = ()
    resourceType: Str
    id: Str | None = None

    def get_resource_type(self) -> str:
        return self.resourceType

    @classmethod
    def choice_forms(cls) -> tuple[tuple[str, ...], ...]:
        """For each choice element, the forms of it that are read (``effectiveDateTime`` ...)."""
        return tuple(
            tuple(f for f in cls.model_fields if f.startswith(p) and f[len(p) :][:1].isupper())
            for p in cls.CHOICES
        )


class Medication(Resource):
    code: CodeableConcept | None = None


class Contained(Resource):
    """A contained resource: only a Medication's code is read."""

    code: CodeableConcept | None = None


class Patient(Resource):
    birthDate: FhirDate | None = None
    gender: Str | None = None


class Condition(Resource):
    CHOICES: ClassVar[tuple[str, ...]] = ("abatement",)
    code: CodeableConcept | None = None
    clinicalStatus: CodeableConcept | None = None
    verificationStatus: CodeableConcept | None = None
    abatementDateTime: FhirDateTime | None = None
    abatementPeriod: Period | None = None
    abatementAge: AnyObject | None = None
    abatementRange: AnyObject | None = None
    abatementString: Str | None = None


class _MedicationRecord(Resource):
    CHOICES: ClassVar[tuple[str, ...]] = ("medication",)
    status: Str
    medicationCodeableConcept: CodeableConcept | None = None
    medicationReference: Reference | None = None
    contained: list[Contained] | None = None


class MedicationStatement(_MedicationRecord):
    CHOICES: ClassVar[tuple[str, ...]] = ("medication", "effective")
    effectiveDateTime: FhirDateTime | None = None
    effectivePeriod: Period | None = None
    dateAsserted: FhirDateTime | None = None
    dosage: list[Dosage] | None = None
    # Elements of MedicationRequest only: never read from a statement (class constants, so the
    # reader's getattr finds them without pydantic's slow miss path).
    authoredOn: ClassVar[None] = None
    dosageInstruction: ClassVar[None] = None


class MedicationRequest(_MedicationRecord):
    authoredOn: FhirDateTime | None = None
    dosageInstruction: list[Dosage] | None = None
    # Elements of MedicationStatement only: never read from a request.
    effectiveDateTime: ClassVar[None] = None
    effectivePeriod: ClassVar[None] = None
    dateAsserted: ClassVar[None] = None
    dosage: ClassVar[None] = None


class AllergyIntolerance(Resource):
    code: CodeableConcept | None = None
    verificationStatus: CodeableConcept | None = None


class Observation(Resource):
    CHOICES: ClassVar[tuple[str, ...]] = ("effective", "value")
    status: Str
    code: CodeableConcept
    valueCodeableConcept: CodeableConcept | None = None
    valueQuantity: Quantity | None = None
    referenceRange: list[ReferenceRange] | None = None
    effectiveDateTime: FhirDateTime | None = None
    effectivePeriod: Period | None = None
    effectiveInstant: FhirInstant | None = None
    issued: FhirInstant | None = None


class Procedure(Resource):
    CHOICES: ClassVar[tuple[str, ...]] = ("performed",)
    status: Str
    code: CodeableConcept | None = None
    performedDateTime: FhirDateTime | None = None
    performedPeriod: Period | None = None


class ServiceRequest(Resource):
    CHOICES: ClassVar[tuple[str, ...]] = ("occurrence",)
    status: Str
    intent: Str
    code: CodeableConcept | None = None
    occurrenceDateTime: FhirDateTime | None = None
    occurrencePeriod: Period | None = None


MODELS: dict[str, type[Resource]] = {
    m.__name__: m
    for m in (
        Patient,
        Condition,
        MedicationStatement,
        MedicationRequest,
        AllergyIntolerance,
        Observation,
        Procedure,
        ServiceRequest,
        Medication,
    )
}
"""The resource types the safety reader reads, by ``resourceType``."""
_CHOICE_FORMS = {m: m.choice_forms() for m in MODELS.values()}
_CHOICE_KEYS = {
    m: frozenset(f for forms in _CHOICE_FORMS[m] for f in forms) for m in MODELS.values()
}


def read_resource(resource: Mapping[str, Any]) -> tuple[Resource | None, str | None]:
    """The resource as its lean model, or ``None`` and what is wrong with it.

    A resource type the reader does not read gives ``(None, "…not read")``.
    """
    kind = resource.get("resourceType")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None, f"resource type {kind!r} is not read"
    choices = _CHOICE_KEYS[model]
    if choices and len(choices.intersection(resource)) > 1:
        for forms in _CHOICE_FORMS[model]:
            given = [f for f in forms if f in resource]
            if len(given) > 1:
                why = f"one choice element given as {' and '.join(given)}"
                return None, f"not valid FHIR R4B ({why})"
    try:
        return model.__pydantic_validator__.validate_python(resource), None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "resource"
        return None, f"not valid FHIR R4B ({where}: {err['msg']})"

"""The parameters of every trigger kind that safety rules (data) may use, as one typed union.

A rule's ``trigger`` in ``data/safety/rules.yaml`` is validated once, when the data load, into one
of these models (the ``kind`` key picks which). Evaluation lives in :mod:`ldnderm.safety.triggers`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, field_validator

from ldnderm.kernel.model import Frozen
from ldnderm.safety.profile import PREGNANCY_FACTS, REQUIRED_FACTS, Hepatic, Renal

OpioidClass = Literal[
    "analgesic",
    "maintenance",
    "mixed_agonist_antagonist",
    "antitussive",
    "antidiarrheal",
    "peripheral_antidiarrheal",
]
Certainty = Literal["definite", "possible"]
DoseBand = Literal["any", "low", "standard"]
MedicationKind = Literal["opioid", "antagonist", "confirm_ingredient", "non_opioid", "unrecognised"]


class _Params(Frozen):
    """Parameters of one trigger kind; ``kind`` names the kind (the union's discriminator)."""


class OpioidUse(_Params):
    """Opioids of ``classes`` in use, planned, or stopped fewer than ``interval_days`` ago."""

    kind: Literal["opioid_use"]
    classes: list[OpioidClass] = Field(min_length=1)
    certainty: Certainty
    interval_days: int = Field(ge=0)
    long_acting_interval_days: int = Field(ge=0)


class LabValue(_Params):
    kind: Literal["lab_value"]
    labs: dict[str, list[str]]


class ConditionCode(_Params):
    kind: Literal["condition_code"]
    system: Literal["icd10cm", "snomed"]
    prefixes: list[str] = Field(min_length=1)
    dose_band: DoseBand = "any"


class ConditionName(_Params):
    kind: Literal["condition_name"]
    contains: list[str] = Field(min_length=1)


class ProfileFlag(_Params):
    kind: Literal["profile_flag"]
    field: Literal["pregnant", "breastfeeding", "opioid_use_disorder_history"]


class AnyOf(_Params):
    kind: Literal["any_of"]
    triggers: list[Trigger] = Field(min_length=1)


class ProcedureOpioids(_Params):
    """Procedures expecting opioid analgesia ``0..window_days`` days ahead (``inside_window``)
    or later (``inside_window: false``). Past procedures are ignored."""

    kind: Literal["procedure_opioids"]
    window_days: int = Field(ge=0)
    inside_window: bool


class HepaticLevels(_Params):
    kind: Literal["hepatic"]
    levels: list[Hepatic] = Field(min_length=1)
    dose_band: DoseBand


class RenalLevels(_Params):
    kind: Literal["renal"]
    levels: list[Renal] = Field(min_length=1)


class AgeBelow(_Params):
    kind: Literal["age_below"]
    years: int = Field(ge=1)


class MedicationName(_Params):
    kind: Literal["medication_name"]
    names: list[str] = Field(min_length=1)
    dose_band: DoseBand


class Allergy(_Params):
    kind: Literal["allergy"]
    names: list[str] = Field(min_length=1)


class FactsNotStated(_Params):
    """Required facts (``ldnderm.safety.profile.REQUIRED_FACTS`` and the pregnancy facts) among
    ``facts`` that the profile did not state: unknown is reported, never read as "no"."""

    kind: Literal["facts_not_stated"]
    facts: list[str] = Field(min_length=1)

    @field_validator("facts")
    @classmethod
    def _known(cls, facts: list[str]) -> list[str]:
        unknown = sorted(set(facts) - set(REQUIRED_FACTS) - set(PREGNANCY_FACTS))
        if unknown:
            raise ValueError(f"not required facts: {unknown}")
        return facts


class MedicationClass(_Params):
    """Medicines whose closed-world class (:func:`ldnderm.safety.classify.classify`) is one of
    ``kinds``, in use, planned, or stopped fewer than ``within_days`` days ago."""

    kind: Literal["medication_class"]
    kinds: list[
        Literal["opioid", "antagonist", "confirm_ingredient", "non_opioid", "unrecognised"]
    ] = Field(min_length=1)
    within_days: int = Field(ge=0)


class DoseAbove(_Params):
    """A planned dose above ``mg`` (mg/day)."""

    kind: Literal["dose_above"]
    mg: Decimal = Field(gt=0)


class ConditionCodeExcept(_Params):
    """Coded conditions starting with one of ``prefixes`` but none of ``except_prefixes``."""

    kind: Literal["condition_code_except"]
    system: Literal["icd10cm", "snomed"]
    prefixes: list[str] = Field(min_length=1)
    except_prefixes: list[str] = Field(min_length=1)


class MedicationRecent(_Params):
    """Medicines named by a phrase in ``names`` in use, planned, or stopped fewer than
    ``within_days`` days ago (``end`` is the last dose, injection or removal date)."""

    kind: Literal["medication_recent"]
    names: list[str] = Field(min_length=1)
    within_days: int = Field(ge=1)


Trigger = Annotated[
    OpioidUse
    | LabValue
    | ConditionCode
    | ConditionName
    | ProfileFlag
    | AnyOf
    | ProcedureOpioids
    | HepaticLevels
    | RenalLevels
    | AgeBelow
    | MedicationName
    | Allergy
    | MedicationRecent
    | FactsNotStated
    | MedicationClass
    | DoseAbove
    | ConditionCodeExcept,
    Field(discriminator="kind"),
]
"""Any trigger; ``kind`` selects the model."""

AnyOf.model_rebuild()
_ADAPTER: TypeAdapter[Trigger] = TypeAdapter(Trigger)


def parse_trigger(spec: Any) -> Trigger:
    """Validate a trigger document (recursively for ``any_of``); raises a pydantic
    ``ValidationError`` for an unknown kind or bad parameters."""
    return _ADAPTER.validate_python(spec)

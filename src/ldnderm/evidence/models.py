"""The schema of the evidence knowledge base: studies, conditions, regimens, mechanisms.

Every clinical statement in the data carries its sources: ids of the one source registry
(``data/sources.yaml``, :mod:`ldnderm.kernel.sources`), which hold the citation, DOI, PMID or URL.
A study's citation lives in the registry entry with the same id; the study row keeps what was
found (design, n, dose, outcome...). The values here are immutable; the loader
(:mod:`ldnderm.evidence.loader`) builds them from YAML and checks every reference and the tier
policy. Evidence grades are *not* part of the data: :mod:`ldnderm.evidence.grading` computes them.

Each study keeps the row id of the research notes it came from in ``evidence_ref`` (never shown).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ldnderm.kernel.model import Frozen as _Frozen

Design = Literal[
    "systematic_review",
    "rct",
    "nonrandomised_trial",
    "prospective_open_label",
    "retrospective",
    "case_series",
    "case_report",
    "review",
    "trial_registration",
]
"""How a study was done. Reviews, letters and commentaries are ``review``."""

Direction = Literal["positive", "negative", "null", "mixed"]
"""What a study found for naltrexone.

``positive``: benefit. ``null``: no difference from the comparator or no meaningful change (a
"negative trial" in everyday usage). ``negative``: worse on naltrexone (for example paradoxical
itch). ``mixed``: benefit in some patients or outcomes and none or relapse in others. ``None`` in
the data means the result itself was not seen.
"""

Verification = Literal["verified", "partial"]
"""``verified``: title, journal and year were all seen. ``partial``: something was not seen, and
``verification_note`` says what."""

Agent = Literal["naltrexone", "naloxone"]
DoseBand = Literal["low", "standard", "mixed", "unknown", "not_applicable"]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ICD10_RE = re.compile(r"^[A-Z]\d{2}(?:\.\d{1,4})?$")


def _check_id(value: str) -> str:
    if not ID_RE.match(value):
        raise ValueError(f"{value!r} is not a kebab-case id")
    return value


class Study(_Frozen):
    """One publication, trial registration or review, as it was seen."""

    id: str
    evidence_ref: str = Field(description="Row id in the research notes, e.g. LPP2 (never shown).")
    label: str = Field(description="Short handle for tables, e.g. 'Albers 2017'.")
    design: Design
    n: int | None = Field(None, ge=1)
    agent: Agent = "naltrexone"
    route: Literal["oral", "topical", "intravenous"] = "oral"
    dose: str | None = None
    dose_band: DoseBand
    duration: str | None = None
    outcome: str = Field(description="The finding in one paraphrased sentence, with numbers.")
    direction: Direction | None = Field(
        None, description="None for reviews and registrations, or when the result was not seen."
    )
    indirect: str | None = Field(
        None, description="Why the study does not bear directly on the condition, if it does not."
    )
    verification: Verification
    verification_note: str | None = None

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _honest_gaps(self) -> Study:
        unseen_result = self.primary and self.direction is None
        gaps = self.verification == "partial" or unseen_result
        if gaps and not self.verification_note:
            raise ValueError(f"study {self.id}: say what was not seen in verification_note")
        return self

    @property
    def primary(self) -> bool:
        """A study that reports patients treated (not a review or a registration)."""
        return self.design not in {"systematic_review", "review", "trial_registration"}


StatementVerification = Literal["verified", "unverified"]
"""``unverified``: no primary or secondary source is left for the statement; it is kept in the
data for review but never shown as a claim (presenters withhold its text)."""


class Sourced(_Frozen):
    """A statement with its sources: registry ids (at least one unless ``unverified``)."""

    text: str
    sources: list[str] = Field(default_factory=list)
    verification: StatementVerification = "verified"

    @model_validator(mode="after")
    def _has_source(self) -> Sourced:
        if not self.sources and self.verification != "unverified":
            raise ValueError(f"statement without a source: {self.text[:60]!r}")
        return self

    @property
    def claim(self) -> bool:
        """Shown as a claim (its text is published)."""
        return self.verification == "verified"


class _CodeSource(_Frozen):
    source: str | None = Field(None, description="Registry id of where the code was seen.")
    verification: StatementVerification = "verified"

    @model_validator(mode="after")
    def _source_or_unverified(self) -> _CodeSource:
        if self.source is None and self.verification != "unverified":
            raise ValueError("a code needs a source id or verification: unverified")
        return self


class Code(_CodeSource):
    """An ICD-10-CM code with the registry id of where it was seen (or marked unverified: it still
    helps find the condition by code, but its label is not backed by an official page)."""

    code: str
    label: str
    note: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not ICD10_RE.match(value):
            raise ValueError(f"{value!r} is not an ICD-10 code such as L73.2")
        return value


class SnomedCode(_CodeSource):
    """A SNOMED CT concept id with where it was seen (registry id) and its caveat."""

    id: str = Field(pattern=r"^\d{6,18}$")
    label: str
    caveat: str


class Regimen(_Frozen):
    """A naltrexone regimen used in the literature, with the studies that used it."""

    id: str
    label: str
    dose: str
    timing: str | None = None
    duration: str | None = None
    notes: str | None = None
    studies: list[str] = Field(min_length=1)

    _id = field_validator("id")(_check_id)


class Judgement(_Frozen):
    """One GRADE domain's rating-down judgement for a body of evidence.

    ``down`` is 0, 1 (serious) or 2 (very serious). A step down must say why and name the
    studies it concerns; a zero may carry a short reason.
    """

    down: int = Field(0, ge=0, le=2)
    reason: str | None = None
    studies: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _down_says_why(self) -> Judgement:
        if self.down and not (self.reason and self.studies):
            raise ValueError("a step down needs a reason and the studies it concerns")
        return self


class Certainty(_Frozen):
    """The appraisal of one condition's evidence for its key outcome (GRADE-style).

    The level and the direction are not stored: :mod:`ldnderm.evidence.grading` computes them
    from the designs and results of ``studies`` and from the five judgements here.
    """

    question: str = Field(description="The use in question: population, dose and outcome.")
    key_outcome: str
    scope_note: str | None = None
    studies: list[str] = Field(
        default_factory=list,
        description="Primary naltrexone studies reporting the key outcome; empty means none exist.",
    )
    risk_of_bias: Judgement = Judgement()
    inconsistency: Judgement = Judgement()
    indirectness: Judgement = Judgement()
    imprecision: Judgement = Judgement()
    publication_bias: Judgement = Judgement()
    direction_reason: str | None = None

    def judgements(self) -> list[tuple[str, Judgement]]:
        """The five domains in GRADE's order, as (domain id, judgement)."""
        return [
            ("risk_of_bias", self.risk_of_bias),
            ("inconsistency", self.inconsistency),
            ("indirectness", self.indirectness),
            ("imprecision", self.imprecision),
            ("publication_bias", self.publication_bias),
        ]


class Condition(_Frozen):
    """A skin condition (or itch type) and what the literature says about naltrexone for it."""

    id: str
    name: str
    names: list[str] = Field(default_factory=list, description="Other names.")
    synonyms: list[str] = Field(default_factory=list)
    icd10cm: list[Code] = Field(default_factory=list)
    icd10cm_note: str | None = None
    snomed: list[SnomedCode] = Field(default_factory=list)
    about: Sourced = Field(description="What the condition is, in plain words.")
    clinician_summary: Sourced
    patient_summary: Sourced = Field(description="What the evidence says, in plain words.")
    recommended_measures: list[str] = Field(default_factory=list)
    regimens: list[Regimen] = Field(default_factory=list)
    studies: list[str] = Field(default_factory=list)
    searched: str | None = Field(
        None, description="What was searched; required when no primary study was found."
    )
    notes: list[Sourced] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list, description="To ask your dermatologist.")
    certainty: Certainty

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _codes_or_note(self) -> Condition:
        if not self.icd10cm and not self.icd10cm_note:
            raise ValueError(f"condition {self.id}: give ICD-10-CM codes or say why there are none")
        return self


class Mechanism(_Frozen):
    """A proposed mechanism of action, with its sources."""

    id: str
    name: str
    summary: Sourced

    _id = field_validator("id")(_check_id)


class PatientGuidance(_Frozen):
    """Questions and safety basics shown on every patient page."""

    questions: list[str]
    safety: list[Sourced]

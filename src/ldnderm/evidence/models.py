"""The schema of the evidence knowledge base: studies, conditions, regimens, mechanisms.

Every clinical statement in the data carries its sources: study ids (which resolve to a DOI, a
PMID or a URL where the study was seen) or URLs. The values here are immutable; the loader
(:mod:`ldnderm.evidence.loader`) builds them from YAML and checks the references between them.
Evidence grades are *not* part of the data: :mod:`ldnderm.evidence.grading` computes them.

The study rows come from ``shared/research/evidence.md`` (verified notes made from stored copies
of public pages); each study keeps the row id it came from in ``evidence_ref``.
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

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
PMCID_RE = re.compile(r"^PMC\d{4,9}$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://\S+$")
ICD10_RE = re.compile(r"^[A-Z]\d{2}(?:\.\d{1,4})?$")


def _check_id(value: str) -> str:
    if not ID_RE.match(value):
        raise ValueError(f"{value!r} is not a kebab-case id")
    return value


def _check_urls(values: list[str]) -> list[str]:
    for url in values:
        if not URL_RE.match(url):
            raise ValueError(f"{url!r} is not an http(s) URL")
    return values


class Study(_Frozen):
    """One publication, trial registration or review, as it was seen."""

    id: str
    evidence_ref: str = Field(description="Row id in shared/research/evidence.md, e.g. LPP2.")
    label: str = Field(description="Short handle for tables, e.g. 'Albers 2017'.")
    authors: str | None = None
    title: str | None = Field(None, description="None when the title was not displayed.")
    journal: str | None = None
    year: int | None = Field(None, ge=1950, le=2100)
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    registry: str | None = Field(None, description="Trial registry id, e.g. NCT04409041.")
    urls: list[str] = Field(min_length=1, description="Where the study was seen.")
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
    _urls = field_validator("urls")(_check_urls)

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is not None and not DOI_RE.match(value):
            raise ValueError(f"{value!r} is not a DOI (10.<registrant>/<suffix>)")
        return value

    @field_validator("pmid")
    @classmethod
    def _pmid(cls, value: str | None) -> str | None:
        if value is not None and not PMID_RE.match(value):
            raise ValueError(f"{value!r} is not a PMID (digits only)")
        return value

    @field_validator("pmcid")
    @classmethod
    def _pmcid(cls, value: str | None) -> str | None:
        if value is not None and not PMCID_RE.match(value):
            raise ValueError(f"{value!r} is not a PMCID (PMC<digits>)")
        return value

    @model_validator(mode="after")
    def _honest_gaps(self) -> Study:
        unseen_result = self.primary and self.direction is None
        gaps = self.verification == "partial" or self.title is None or unseen_result
        if gaps and not self.verification_note:
            raise ValueError(f"study {self.id}: say what was not seen in verification_note")
        return self

    @property
    def primary(self) -> bool:
        """A study that reports patients treated (not a review or a registration)."""
        return self.design not in {"systematic_review", "review", "trial_registration"}

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    def citation(self) -> str:
        """A one-line reference built from the parts that were seen."""
        parts = [p for p in (self.authors, self.title) if p]
        where = self.journal or ""
        if self.year:
            where += f" {self.year}" if where else str(self.year)
        if self.volume:
            where += f";{self.volume}"
        if self.pages:
            where += f":{self.pages}"
        if where:
            parts.append(where.strip())
        return ". ".join(parts) or self.label


class Sourced(_Frozen):
    """A statement with its sources: study ids, URLs, or both (at least one)."""

    text: str
    studies: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)

    _urls = field_validator("urls")(_check_urls)

    @model_validator(mode="after")
    def _has_source(self) -> Sourced:
        if not (self.studies or self.urls):
            raise ValueError(f"statement without a source: {self.text[:60]!r}")
        return self


class Code(_Frozen):
    """An ICD-10-CM code as displayed on a coding site (``url``)."""

    code: str
    label: str
    url: str
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_urls([value])[0]

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not ICD10_RE.match(value):
            raise ValueError(f"{value!r} is not an ICD-10 code such as L73.2")
        return value


class SnomedCode(_Frozen):
    """A SNOMED CT concept id with where it was seen and its caveat."""

    id: str = Field(pattern=r"^\d{6,18}$")
    label: str
    url: str
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

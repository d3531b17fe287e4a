"""Value types shared by every outcome measure: definitions, bands, results.

A measure's *definition* (citations, licence, recall period, items, bands, thresholds) is data in
``data/measures/<id>.yaml``; its *scoring algorithm* is a small module in this package.
Results are immutable pydantic models so the CLI, the HTTP API and the registry serialise them the
same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_serializer, model_validator

from ldnderm.kernel.model import Frozen as _Frozen

Number = int | Decimal
"""Scores are ints, or Decimals where halves or tenths occur (UAS7 twice daily, PASI)."""

Verification = Literal["verified", "secondary", "product_decision", "unverified"]


class Citation(_Frozen):
    """A use of registry sources in a measure definition: ``label`` is the handle rules, bandings
    and thresholds cite; ``sources`` are ids of ``data/sources.yaml`` (citation, DOI, PMID, URL);
    ``supports`` says which rule or number they support here."""

    label: str
    sources: list[str] = Field(default_factory=list)
    supports: str | None = Field(None, description="Which rule or number this source supports.")


class Rule(_Frozen):
    """A scoring rule with its verification status and the sources behind it."""

    id: str
    text: str
    status: Verification
    sources: list[str] = Field(default_factory=list, description="Labels of citations.")


class Band(_Frozen):
    """One severity band. A value falls in the last band whose lower bound it reaches.

    ``min`` is inclusive unless ``exclusive_min`` is true (so ``min: 0, exclusive_min: true``
    reads "more than 0"). Ordered bands with lower bounds band non-integer values (UAS7
    twice-daily half points) without rounding.
    """

    code: str
    label: str
    min: Decimal
    exclusive_min: bool = False

    def admits(self, value: Decimal) -> bool:
        return value > self.min if self.exclusive_min else value >= self.min


class Banding(_Frozen):
    """A named banding scheme with its source."""

    id: str
    label: str
    source: str
    bands: list[Band]

    def band_of(self, value: Number) -> Band:
        """The band a total falls in. Totals below the first band's bound are a program fault."""
        exact = Decimal(value)
        chosen: Band | None = None
        for band in self.bands:
            if band.admits(exact):
                chosen = band
        if chosen is None:
            raise ValueError(f"{value} lies below every band of {self.id}")
        return chosen


class ItemDef(_Frozen):
    """One input key of a measure. ``topic`` paraphrases what the item is about; it is never the
    licensed item wording.

    ``maximum`` is the largest value a count item takes, when the instrument publishes none but
    a bound is needed (every score must stay exactly computable and storable); ``maximum_rule``
    names the rule of the definition that says where the bound comes from (a published maximum,
    or a project bound marked ``product_decision``)."""

    key: str
    topic: str
    allowed: str
    maximum: int | None = Field(None, ge=0)
    maximum_rule: str | None = None


class Threshold(_Frozen):
    """A responder or cut-off threshold with its source."""

    value: Decimal
    label: str
    source: str
    status: Verification = "verified"


class MeasureDefinition(_Frozen):
    """Everything about a measure except its arithmetic. Loaded from YAML and validated."""

    id: str
    name: str
    version: str
    kind: Literal["patient_reported", "clinician_reported", "responder_only"]
    recall_period: str
    score_range: str
    higher_is: Literal["worse", "better", "not_applicable"]
    licence: str
    copyright: str | None = None
    show_item_wording: bool = False
    citations: list[Citation]
    items: list[ItemDef]
    rules: list[Rule] = Field(default_factory=list)
    bandings: list[Banding] = Field(default_factory=list)
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sources_exist(self) -> MeasureDefinition:
        labels = {c.label for c in self.citations}
        named = [s for r in self.rules for s in r.sources]
        named += [b.source for b in self.bandings] + [t.source for t in self.thresholds.values()]
        missing = sorted(set(named) - labels)
        if missing:
            raise ValueError(f"{self.id}: sources not among its citations: {missing}")
        return self

    @model_validator(mode="after")
    def _bounds_have_rules(self) -> MeasureDefinition:
        rules = {r.id for r in self.rules}
        for item in self.items:
            if (item.maximum is None) != (item.maximum_rule is None):
                raise ValueError(f"{self.id}: item {item.key} needs maximum and maximum_rule")
            if item.maximum_rule is not None and item.maximum_rule not in rules:
                raise ValueError(
                    f"{self.id}: item {item.key}: maximum_rule {item.maximum_rule} is not a rule"
                )
        return self

    def usable(self, rule_id: str) -> bool:
        """Whether the rule may drive a computed result: an ``unverified`` rule never does."""
        return next(r for r in self.rules if r.id == rule_id).status != "unverified"

    def banding(self, banding_id: str | None = None) -> Banding:
        """The named banding, or the first (default) one."""
        if banding_id is None:
            return self.bandings[0]
        return next(b for b in self.bandings if b.id == banding_id)

    def threshold(self, key: str) -> Decimal:
        return self.thresholds[key].value

    def maxima(self) -> dict[str, int | None]:
        """Each item key with its ``maximum`` (``None``: no bound), in the definition's order."""
        return {item.key: item.maximum for item in self.items}


def _plain_number(value: Any) -> Any:
    """Decimals serialise as JSON floats (21.0, 23.4); ints stay ints."""
    if isinstance(value, Decimal):
        return float(value)
    return value


class ScoreResult(_Frozen):
    """The outcome of scoring one set of responses.

    ``computable`` is false when the published rules do not allow a score (for example two or
    more unanswered DLQI items); ``reason`` then says why and ``total``/``band`` are ``None``.
    """

    measure: str
    version: str
    computable: bool
    total: Number | None = None
    band: str | None = None
    band_label: str | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    copyright: str | None = None
    """The instrument's required copyright line (DLQI, UCT), to show with the score."""
    knowledge_version: str

    @field_serializer("total")
    def _total(self, value: Number | None) -> Any:
        return _plain_number(value)

    @field_serializer("details")
    def _details(self, value: dict[str, Any]) -> Any:
        return _jsonable(value)


class CompareResult(_Frozen):
    """The change between a baseline and a follow-up assessment.

    ``change`` is follow-up minus baseline. ``percent_change`` is ``change / baseline * 100``
    (``None`` when the baseline is 0). ``responders`` maps each published responder definition to
    whether it is met; it is empty when ``evaluable`` is false, and ``reason`` says why.
    """

    measure: str
    version: str
    evaluable: bool
    change: Number | None = None
    percent_change: Decimal | None = None
    responders: dict[str, bool] = Field(default_factory=dict)
    reason: str | None = None
    baseline: ScoreResult
    followup: ScoreResult
    details: dict[str, Any] = Field(default_factory=dict)
    copyright: str | None = None
    knowledge_version: str

    @field_serializer("change", "percent_change")
    def _numbers(self, value: Number | None) -> Any:
        return _plain_number(value)

    @field_serializer("details")
    def _details(self, value: dict[str, Any]) -> Any:
        return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return _plain_number(value)

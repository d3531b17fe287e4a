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


class Choice(_Frozen):
    """One answer an item takes as a word (``not_relevant``, ``positive``) or as a labelled
    number. ``label`` is what a form shows; without one the form shows the value itself."""

    value: int | str
    label: str | None = None


class Answer(_Frozen):
    """How one item, or one part of a composite item, is answered.

    - ``int``: a whole number from ``min`` to ``max`` (no ``max``: an open count) in steps of
      ``step``; ``choices`` are extra word answers besides the numbers (DLQI "not relevant"),
      ``anchors`` label numbers of the scale (the itch NRS's 0 and 10).
    - ``decimal``: a number from ``min`` to ``max`` in steps of ``step``.
    - ``choice``: exactly one of ``choices``.
    - ``sites``: any set of distinct ``choices`` (codes), posted as a list.
    - ``group``: a composite item whose ``parts`` are answered each on its own (a PASI region).

    Any label shown (of a choice or an anchor) must come from the definition:
    ``labels_rule`` names the rule that carries them, and an ``unverified`` rule carries none.
    """

    type: Literal["int", "decimal", "choice", "sites", "group"]
    min: Decimal | None = None
    max: Decimal | None = None
    step: Decimal | None = Field(None, gt=0)
    choices: list[Choice] = Field(default_factory=list)
    anchors: dict[int, str] = Field(default_factory=dict)
    labels_rule: str | None = None
    parts: dict[str, Answer] = Field(default_factory=dict)

    @field_serializer("min", "max", "step")
    def _bound(self, value: Decimal | None) -> int | float | None:
        """Bounds serialise as JSON numbers (0, 3, 0.5) in every dump mode."""
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    @model_validator(mode="after")
    def _consistent(self) -> Answer:
        numeric = self.type in ("int", "decimal")
        if numeric and self.min is None:
            raise ValueError(f"a {self.type} answer needs min")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if self.type in ("choice", "sites") and not self.choices:
            raise ValueError(f"a {self.type} answer needs choices")
        if (self.type == "group") != bool(self.parts):
            raise ValueError("parts belong to, and only to, a group answer")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError(f"choices repeat a value: {values}")
        if numeric and any(not isinstance(v, str) for v in values):
            raise ValueError("the extra choices of a number answer are words")
        outside = [a for a in self.anchors if not self.admits(a)]
        if outside or (self.anchors and not numeric):
            raise ValueError(f"anchors outside the scale: {outside or list(self.anchors)}")
        if self.labels() and self.labels_rule is None:
            raise ValueError("labels need a labels_rule naming the rule that carries them")
        return self

    def admits(self, number: int) -> bool:
        """Whether a number lies on this answer's scale."""
        low = self.min if self.min is not None else Decimal(number)
        high = self.max if self.max is not None else Decimal(number)
        return low <= number <= high

    def labels(self) -> list[str]:
        """Every label this answer shows, of choices and anchors."""
        shown = [c.label for c in self.choices if c.label is not None]
        return shown + list(self.anchors.values())

    def label_rules(self) -> list[str]:
        """The rule ids this answer and its parts cite for their labels."""
        own = [self.labels_rule] if self.labels_rule else []
        return own + [r for part in self.parts.values() for r in part.label_rules()]


class ItemDef(_Frozen):
    """One input key of a measure. ``topic`` paraphrases what the item is about; it is never the
    licensed item wording.

    ``maximum`` is the largest value a count item takes, when the instrument publishes none but
    a bound is needed (every score must stay exactly computable and storable); ``maximum_rule``
    names the rule of the definition that says where the bound comes from (a published maximum,
    or a project bound marked ``product_decision``).

    ``answer`` says structurally which answers the item takes (forms are built from it; its
    ``max`` equals ``maximum`` where both are set); ``allowed`` says the same in words for error
    messages."""

    key: str
    topic: str
    allowed: str
    maximum: int | None = Field(None, ge=0)
    maximum_rule: str | None = None
    answer: Answer

    @property
    def path(self) -> tuple[str, ...]:
        """Where the answer sits in the responses document (``disability.sleep``)."""
        return tuple(self.key.split("."))


class DiarySession(_Frozen):
    """One recording of a diary day (the morning or evening record)."""

    key: str
    label: str


class DiaryMode(_Frozen):
    """One way of keeping the diary: once daily (no sessions) or in named sessions. ``rule`` is
    the scoring rule of that mode; a mode whose rule is ``unverified`` is never offered."""

    id: str
    label: str
    rule: str
    sessions: list[DiarySession] = Field(default_factory=list)
    items: list[str] = Field(description="Keys of the items recorded per day or session.")


class Diary(_Frozen):
    """A measure recorded as a diary of ``days`` consecutive days (UAS7): the responses are
    ``{"days": [...]}``, one entry per day."""

    days: int = Field(ge=1)
    parts: list[str] = Field(description="What each day or session records (wheals, itch).")
    modes: list[DiaryMode]


class Threshold(_Frozen):
    """A responder or cut-off threshold with its source."""

    value: Decimal
    label: str
    source: str
    status: Verification = "verified"


class TotalRange(_Frozen):
    """The range of a measure's total as its ``score_range`` states it; ``max`` null: no upper
    bound (a count). Charts span it."""

    min: Decimal
    max: Decimal | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TotalRange:
        if self.max is not None and self.max <= self.min:
            raise ValueError(f"total_range: max {self.max} is not above min {self.min}")
        return self


class MeasureDefinition(_Frozen):
    """Everything about a measure except its arithmetic. Loaded from YAML and validated."""

    id: str
    name: str
    version: str
    kind: Literal["patient_reported", "clinician_reported", "responder_only"]
    recall_period: str
    score_range: str
    total_range: TotalRange | None = None
    """The total's range as data (None: the measure computes no total)."""
    higher_is: Literal["worse", "better", "not_applicable"]
    licence: str
    copyright: str | None = None
    show_item_wording: bool = False
    citations: list[Citation]
    items: list[ItemDef]
    number_items: bool = Field(False, description="Forms number the items (DLQI question 1...).")
    diary: Diary | None = None
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
            if item.maximum is not None and item.answer.max != item.maximum:
                raise ValueError(f"{self.id}: item {item.key}: answer max is not its maximum")
        return self

    @model_validator(mode="after")
    def _entry_rules_exist(self) -> MeasureDefinition:
        rules = {r.id: r for r in self.rules}
        labelled = [r for item in self.items for r in item.answer.label_rules()]
        modes = [mode.rule for mode in self.diary.modes] if self.diary else []
        missing = sorted(set(labelled + modes) - set(rules))
        if missing:
            raise ValueError(f"{self.id}: answers cite rules it does not have: {missing}")
        unverified = sorted({r for r in labelled if rules[r].status == "unverified"})
        if unverified:
            raise ValueError(f"{self.id}: labels may not come from unverified rules {unverified}")
        if self.diary:
            keys = {item.key for item in self.items}
            for mode in self.diary.modes:
                unknown = sorted(set(mode.items) - keys)
                if unknown:
                    raise ValueError(f"{self.id}: diary mode {mode.id} names no items {unknown}")
        return self

    def diary_modes(self) -> list[DiaryMode]:
        """The diary modes a form may offer: those whose scoring rule is not unverified."""
        return [m for m in self.diary.modes if self.usable(m.rule)] if self.diary else []

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

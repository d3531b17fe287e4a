"""Schema and loader of the safety knowledge: the opioid code list and the rules.

The data live in ``data/safety/{opioids,rules}.yaml``; their sources are ids of the one source
registry (``data/sources.yaml``, :mod:`ldnderm.kernel.sources`). Loading validates them against
the models below and cross-checks them (every source id exists in the registry, every weak rule
says why, every trigger kind and its parameters are known to :mod:`ldnderm.safety.triggers`) and
enforces the tier policy: a rule or opioid-list entry cites at least one primary or secondary
source, or is marked ``verification: unverified``. An unverified rule is not evaluated by the
screen. An unverified opioid-list entry is still matched (removing an opioid from recognition
would let the screen say OK for an opioid). A failure is a :class:`KnowledgeDataError`: a fault
in shipped data, never a user error.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.kernel.sources import Kind, SourceRegistry, Tier, registry
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml
from ldnderm.safety.trigger_params import Certainty, OpioidClass, Trigger

SAFETY_DIR: Path = DATA_DIR / "safety"

Severity = Literal["contraindicated", "hold", "caution", "ok"]
Quality = Literal["label", "peer", "reference", "secondary", "low"]


EntryVerification = Literal["verified", "unverified"]


class Source(_Frozen):
    """A cited source as findings and plans show it, resolved from the source registry."""

    id: str
    label: str = Field(description="The full citation.")
    url: str | None = Field(None, description="The published link (doi.org, PubMed, PMC or url).")
    doi: str | None = None
    pmid: str | None = None
    kind: Kind
    tier: Tier
    quality: Tier = Field(description="The registry tier (primary, secondary, weak).")


def cited(reg: SourceRegistry, source_id: str) -> Source:
    """The registry entry ``source_id`` as a :class:`Source`."""
    s = reg.get(source_id)
    return Source(
        id=s.id,
        label=s.citation,
        url=s.link,
        doi=s.doi,
        pmid=s.pmid,
        kind=s.kind,
        tier=s.tier,
        quality=s.tier,
    )


class _Entry(_Frozen):
    sources: list[str] = Field(default_factory=list)
    verification: EntryVerification = "verified"


class AtcGroup(_Entry):
    prefix: str
    class_: OpioidClass = Field(alias="class")
    certainty: Certainty


class AtcCode(_Entry):
    ingredient: str
    class_: OpioidClass | None = Field(None, alias="class")
    exclude: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _class_or_exclude(self) -> AtcCode:
        if not self.exclude and self.class_ is None:
            raise ValueError(f"ATC entry for {self.ingredient} needs a class or exclude: true")
        return self


class LookAlike(_Entry):
    name: str
    rxnorm: str | None = None
    atc: str | None = None
    brands: list[str] = Field(default_factory=list)
    reason: str


class Ingredient(_Entry):
    name: str
    class_: OpioidClass = Field(alias="class")
    long_acting: bool = False
    rxnorm: str | None = None
    brands: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    note: str | None = None


class BrandName(_Entry):
    """A brand (often international) of a product containing the opioid ``ingredient``."""

    name: str
    ingredient: str
    country: str | None = None
    note: str | None = None


class Antagonist(_Entry):
    """A systemic opioid antagonist (naltrexone and the like): duplicate therapy with naltrexone."""

    name: str
    rxnorm: str | None = None
    atc: str | None = None
    brands: list[str] = Field(default_factory=list)
    note: str | None = None


class ConfirmEntry(_Entry):
    """A name or code that only says: confirm the ingredient (brand family, odd set member)."""

    name: str
    rxnorm: str | None = None
    reason: str


class HandNonOpioid(_Frozen):
    name: str


class OpioidList(_Frozen):
    version: str
    classes: dict[OpioidClass, str]
    atc_groups: list[AtcGroup]
    atc_codes: dict[str, AtcCode]
    ingredients: list[Ingredient]
    look_alikes: list[LookAlike]
    brand_names: list[BrandName] = Field(default_factory=list)
    antagonists: list[Antagonist] = Field(default_factory=list)
    confirm: list[ConfirmEntry] = Field(default_factory=list)
    known_non_opioids: list[HandNonOpioid] = Field(default_factory=list)


# Generated vocabulary (scripts/build_vocabulary.py -> data/safety/vocabulary/).
IngredientRole = Literal["opioid", "co_ingredient", "antagonist"]


class ValueSetInput(_Frozen):
    """One input file of the build, with its version and checksum."""

    file: str
    source: str
    licence: str
    repository: str
    commit: str
    title: str | None = None
    url: str | None = None
    version: str | None = None
    date: str | None = None
    expansion_timestamp: str | None = None
    expansion_version: str | None = None
    sha256: str
    concepts: int


class Concept(_Frozen):
    display: str
    ingredients: list[str]
    brands: list[str]
    sets: list[str]


class ValueSetVocabulary(_Frozen):
    inputs: list[ValueSetInput]
    roles: dict[str, IngredientRole]
    unresolved: list[str]
    concepts: dict[str, Concept]


class NonOpioidInput(_Frozen):
    file: str
    sha256: str
    entries: int


class NonOpioidVocabulary(_Frozen):
    input: NonOpioidInput
    names: list[str]
    rxnorm: dict[str, str]


class Vocabulary(_Frozen):
    """The generated vocabulary: value-set concepts and the known non-opioids."""

    valuesets: ValueSetVocabulary
    non_opioids: NonOpioidVocabulary

    @property
    def sources(self) -> list[str]:
        return sorted({i.source for i in self.valuesets.inputs})


NON_OPIOID_SOURCES: tuple[str, ...] = ("drugbank-open-vocabulary", "dner-2-0-9")


@cache
def vocabulary() -> Vocabulary:
    """Read and validate the generated vocabulary (cached); its sources must be registry ids."""
    try:
        vs = ValueSetVocabulary.model_validate(_read("vocabulary/valuesets.yaml"))
        non = NonOpioidVocabulary.model_validate(_read("vocabulary/non_opioids.yaml"))
    except (ValidationError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeDataError(f"safety vocabulary: {exc}") from exc
    voc = Vocabulary(valuesets=vs, non_opioids=non)
    missing = registry().unknown([*voc.sources, *NON_OPIOID_SOURCES])
    if missing:
        raise KnowledgeDataError(f"safety vocabulary names unknown sources: {sorted(missing)}")
    return voc


class RuleDef(_Frozen):
    """One safety rule as data; ``trigger`` is validated into its typed parameters at load time."""

    id: str
    title: str
    severity: Literal["contraindicated", "hold", "caution"]
    trigger: Trigger
    message: str
    patient_message: str
    sources: list[str] = Field(default_factory=list)
    verification: EntryVerification = Field(
        "verified", description="unverified: no primary or secondary source; not evaluated."
    )
    source_quality: Literal["strong", "moderate", "weak"]
    evidence_note: str | None = None

    @model_validator(mode="after")
    def _weak_says_why(self) -> RuleDef:
        if self.source_quality == "weak" and not self.evidence_note:
            raise ValueError(f"rule {self.id}: a weak rule must explain its evidence_note")
        return self


class RuleSet(_Frozen):
    version: str
    rules: list[RuleDef]

    @property
    def evaluated(self) -> list[RuleDef]:
        """The rules the screen evaluates: every rule not marked unverified."""
        return [r for r in self.rules if r.verification == "verified"]


class SafetyKnowledge(_Frozen):
    sources: dict[str, Source]
    opioids: OpioidList
    rules: RuleSet

    def cite(self, ids: list[str]) -> list[Source]:
        return [self.sources[i] for i in ids]


def _read(name: str) -> Any:
    path = SAFETY_DIR / name
    return load_yaml(path)


@cache
def load() -> SafetyKnowledge:
    """Read, validate and cross-check the safety data (cached for the process)."""
    reg = registry()
    try:
        opioids = OpioidList.model_validate(_read("opioids.yaml"))
        rules = RuleSet.model_validate(_read("rules.yaml"))
    except (ValidationError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeDataError(f"safety data: {exc}") from exc
    entries = _entries(opioids, rules)
    missing = sorted({s for _, e in entries for s in reg.unknown(e.sources)})
    if missing:
        raise KnowledgeDataError(f"safety data names unknown sources: {missing}")
    weak = [
        where
        for where, e in entries
        if e.verification == "verified" and not reg.supports_claim(e.sources)
    ]
    if weak:
        raise KnowledgeDataError(
            "safety data: no primary or secondary source (mark verification: unverified): "
            + ", ".join(weak)
        )
    ids = [r.id for r in rules.rules]
    if len(ids) != len(set(ids)):
        raise KnowledgeDataError("safety rules: duplicate rule ids")
    named = dict.fromkeys(reg.canonical(s) for _, e in entries for s in e.sources)
    return SafetyKnowledge(
        sources={sid: cited(reg, sid) for sid in named}, opioids=opioids, rules=rules
    )


def _entries(k: OpioidList, rules: RuleSet) -> list[tuple[str, _Entry | RuleDef]]:
    named: list[tuple[str, _Entry | RuleDef]] = [(f"rule {r.id}", r) for r in rules.rules]
    named += [(f"atc group {g.prefix}", g) for g in k.atc_groups]
    named += [(f"atc code {c}", e) for c, e in k.atc_codes.items()]
    named += [(f"ingredient {i.name}", i) for i in k.ingredients]
    named += [(f"look-alike {a.name}", a) for a in k.look_alikes]
    named += [(f"brand {b.name}", b) for b in k.brand_names]
    named += [(f"antagonist {a.name}", a) for a in k.antagonists]
    named += [(f"confirm {c.name}", c) for c in k.confirm]
    return named

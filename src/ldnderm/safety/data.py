"""Schema and loader of the safety knowledge: sources, the opioid code list and the rules.

The data live in ``data/safety/{sources,opioids,rules}.yaml``. Loading validates them
against the models below and cross-checks them (every source id a rule or code list names
exists, every rule has a source, every weak rule says why, every trigger kind and its parameters
are known to :mod:`ldnderm.safety.triggers`). A failure is a :class:`KnowledgeDataError`: a fault
in shipped data, never a user error.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml
from ldnderm.safety.trigger_params import Certainty, OpioidClass, Trigger

SAFETY_DIR: Path = DATA_DIR / "safety"

Severity = Literal["contraindicated", "hold", "caution", "ok"]
Quality = Literal["label", "peer", "reference", "secondary", "low"]


class Source(_Frozen):
    """A source that was seen: at least one of ``url``, ``doi`` or ``pmid``."""

    id: str = ""
    label: str
    url: str | None = None
    doi: str | None = None
    pmid: str | None = None
    quality: Quality
    supports: str

    @model_validator(mode="after")
    def _has_locator(self) -> Source:
        if not (self.url or self.doi or self.pmid):
            raise ValueError(f"source {self.label!r} needs a url, doi or pmid")
        return self


class AtcGroup(_Frozen):
    prefix: str
    class_: OpioidClass = Field(alias="class")
    certainty: Certainty
    sources: list[str] = Field(min_length=1)


class AtcCode(_Frozen):
    ingredient: str
    class_: OpioidClass | None = Field(None, alias="class")
    exclude: bool = False
    note: str | None = None
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _class_or_exclude(self) -> AtcCode:
        if not self.exclude and self.class_ is None:
            raise ValueError(f"ATC entry for {self.ingredient} needs a class or exclude: true")
        return self


class Ingredient(_Frozen):
    name: str
    class_: OpioidClass = Field(alias="class")
    long_acting: bool = False
    rxnorm: str | None = None
    brands: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class LookAlike(_Frozen):
    name: str
    rxnorm: str | None = None
    atc: str | None = None
    brands: list[str] = Field(default_factory=list)
    reason: str
    sources: list[str] = Field(min_length=1)


class OpioidList(_Frozen):
    version: str
    classes: dict[OpioidClass, str]
    atc_groups: list[AtcGroup]
    atc_codes: dict[str, AtcCode]
    ingredients: list[Ingredient]
    look_alikes: list[LookAlike]


class RuleDef(_Frozen):
    """One safety rule as data; ``trigger`` is validated into its typed parameters at load time."""

    id: str
    title: str
    severity: Literal["contraindicated", "hold", "caution"]
    trigger: Trigger
    message: str
    patient_message: str
    sources: list[str] = Field(min_length=1)
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
    try:
        raw_sources = _read("sources.yaml")["sources"]
        sources = {k: Source.model_validate({**v, "id": k}) for k, v in raw_sources.items()}
        knowledge = SafetyKnowledge(
            sources=sources,
            opioids=OpioidList.model_validate(_read("opioids.yaml")),
            rules=RuleSet.model_validate(_read("rules.yaml")),
        )
    except (ValidationError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeDataError(f"safety data: {exc}") from exc
    missing = sorted(set(_named_sources(knowledge)) - set(sources))
    if missing:
        raise KnowledgeDataError(f"safety data names unknown sources: {missing}")
    ids = [r.id for r in knowledge.rules.rules]
    if len(ids) != len(set(ids)):
        raise KnowledgeDataError("safety rules: duplicate rule ids")
    return knowledge


def _named_sources(k: SafetyKnowledge) -> list[str]:
    named = [s for r in k.rules.rules for s in r.sources]
    named += [s for g in k.opioids.atc_groups for s in g.sources]
    named += [s for c in k.opioids.atc_codes.values() for s in c.sources]
    named += [s for i in k.opioids.ingredients for s in i.sources]
    named += [s for a in k.opioids.look_alikes for s in a.sources]
    return named

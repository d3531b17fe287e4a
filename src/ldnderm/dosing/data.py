"""Schema and loader of the dosing knowledge: protocols, condition defaults, compounding facts.

Files: ``data/dosing/protocols.yaml`` and ``compounding.yaml``. Every protocol,
condition default, visit and stability fact names ids of the one source registry
(``data/sources.yaml``); every protocol and condition default cites at least one primary or
secondary source (a weak source never supports a dosing claim alone). A failure is a
:class:`~ldnderm.kernel.errors.KnowledgeDataError`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml

DOSING_DIR = DATA_DIR / "dosing"


class Visit(_Frozen):
    week: int = Field(ge=1, le=104)
    purpose: str
    sources: list[str] = Field(min_length=1)


class Protocol(_Frozen):
    """A dosing protocol; doses in mg/day, intervals in days."""

    id: str
    label: str
    band: Literal["low", "standard"]
    start_mg: Decimal
    step_mg: Decimal
    step_days: int = Field(ge=0)
    default_target_mg: Decimal
    min_target_mg: Decimal
    max_target_mg: Decimal
    timing: str
    alternative_timing: str | None = None
    note: str
    sources: list[str] = Field(min_length=1)
    visits: list[Visit] = Field(min_length=1)
    labs: str
    lab_sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Protocol:
        if not self.min_target_mg <= self.default_target_mg <= self.max_target_mg:
            raise ValueError(f"protocol {self.id}: default target outside its range")
        if self.step_mg > 0 and self.step_days == 0:
            raise ValueError(f"protocol {self.id}: a titration needs step_days")
        return self


class ConditionDefault(_Frozen):
    protocol: str | None = None
    target_mg: Decimal | None = None
    measures: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class Protocols(_Frozen):
    version: str
    protocols: list[Protocol]
    conditions: dict[str, ConditionDefault]

    def protocol(self, protocol_id: str) -> Protocol | None:
        return next((p for p in self.protocols if p.id == protocol_id), None)


class Stability(_Frozen):
    storage: Literal["refrigerated", "room_temperature"]
    days: int = Field(ge=1)
    concentration_mg_ml: Decimal | None = None
    sources: list[str] = Field(min_length=1)


class LiquidFacts(_Frozen):
    default_concentration_mg_ml: Decimal
    vehicle: str
    vehicle_sources: list[str]
    stability: list[Stability]
    volume_step_ml: Decimal
    min_dose_volume_ml: Decimal


class CapsuleFacts(_Frozen):
    filler: str
    filler_sources: list[str]
    stability: list[Stability]


class Compounding(_Frozen):
    version: str
    tablet_strength_mg: Decimal
    liquid: LiquidFacts
    capsule: CapsuleFacts


def _read(name: str) -> Any:
    return load_yaml(DOSING_DIR / name)


@cache
def protocols() -> Protocols:
    """The validated protocol file (cached)."""
    try:
        data = Protocols.model_validate(_read("protocols.yaml"))
    except ValidationError as exc:
        raise KnowledgeDataError(f"dosing data protocols.yaml: {exc}") from exc
    named = [s for p in data.protocols for s in (*p.sources, *p.lab_sources)]
    named += [s for p in data.protocols for v in p.visits for s in v.sources]
    named += [s for c in data.conditions.values() for s in c.sources]
    _check(named, "protocols.yaml")
    claims = {f"protocol {p.id}": p.sources for p in data.protocols}
    claims |= {
        f"condition default {c}": d.sources for c, d in data.conditions.items() if d.protocol
    }
    weak = [where for where, ids in claims.items() if not registry().supports_claim(ids)]
    if weak:
        raise KnowledgeDataError(f"protocols.yaml: no primary or secondary source: {weak}")
    for cid, default in data.conditions.items():
        if default.protocol and data.protocol(default.protocol) is None:
            raise KnowledgeDataError(f"protocols.yaml: {cid} names unknown protocol")
    return data


@cache
def compounding() -> Compounding:
    """The validated compounding facts (cached)."""
    try:
        data = Compounding.model_validate(_read("compounding.yaml"))
    except ValidationError as exc:
        raise KnowledgeDataError(f"dosing data compounding.yaml: {exc}") from exc
    named = [*data.liquid.vehicle_sources, *data.capsule.filler_sources]
    named += [s for st in (*data.liquid.stability, *data.capsule.stability) for s in st.sources]
    _check(named, "compounding.yaml")
    return data


def _check(named: list[str], where: str) -> None:
    missing = sorted(set(registry().unknown(named)))
    if missing:
        raise KnowledgeDataError(f"{where}: unknown sources {missing}")


def max_daily_mg() -> Decimal:
    """The dose ceiling, mg/day: the highest target of any protocol (today 150 mg, the
    ``sdn-50mg`` protocol's maximum). The safety screen's ``dose-above-ceiling`` rule and the
    registry's dose limit use this one value (tests hold them to it)."""
    return max(p.max_target_mg for p in protocols().protocols)

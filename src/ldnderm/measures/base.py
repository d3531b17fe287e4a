"""The contract every outcome measure fulfils, and helpers shared by their modules."""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.sources import registry, source_view
from ldnderm.kernel.version import DATA_DIR, knowledge_version
from ldnderm.kernel.yamlio import load_yaml
from ldnderm.measures.model import Citation, CompareResult, MeasureDefinition, Number, ScoreResult

DEFINITIONS_DIR: Path = DATA_DIR / "measures"


def load_definition(measure_id: str) -> MeasureDefinition:
    """Read and validate ``data/measures/<measure_id>.yaml``."""
    path = DEFINITIONS_DIR / f"{measure_id}.yaml"
    raw = load_yaml(path)
    try:
        definition = MeasureDefinition.model_validate(raw)
    except ValueError as exc:
        raise KnowledgeDataError(f"measure definition {path.name}: {exc}") from exc
    _check_sources(definition, path.name)
    return definition


def _check_sources(d: MeasureDefinition, where: str) -> None:
    """Every citation names known registry ids; every rule that is not ``unverified`` or a
    ``product_decision`` cites at least one primary or secondary source."""
    reg = registry()
    unknown = sorted({s for c in d.citations for s in reg.unknown(c.sources)})
    if unknown:
        raise KnowledgeDataError(f"measure definition {where}: unknown sources {unknown}")
    by_label = {c.label: c.sources for c in d.citations}
    for rule in d.rules:
        if rule.status in ("unverified", "product_decision") or not rule.sources:
            continue
        ids = [i for label in rule.sources for i in by_label.get(label, [])]
        if not reg.supports_claim(ids):
            raise KnowledgeDataError(
                f"measure definition {where}: rule {rule.id} has no primary or secondary source"
                " (mark it unverified)"
            )


def _citation_view(citation: Citation) -> dict[str, Any]:
    reg = registry()
    return {
        **citation.model_dump(exclude_none=True),
        "sources": [source_view(reg.get(i)) for i in citation.sources],
    }


class Measure(ABC):
    """An outcome measure: a definition (data) plus its scoring arithmetic (code).

    Subclasses set ``id`` and implement :meth:`score`; those with published responder
    definitions implement :meth:`compare` and set ``comparable``.
    """

    id: ClassVar[str]
    comparable: ClassVar[bool] = False
    scorable: ClassVar[bool] = True

    @cached_property
    def definition(self) -> MeasureDefinition:
        return load_definition(self.id)

    @property
    def version(self) -> str:
        return self.definition.version

    @abstractmethod
    def score(self, responses: Any) -> ScoreResult:
        """Score one set of responses (a parsed JSON object); raises InvalidInput."""

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        """Compare two sets of responses; measures without responder definitions raise."""
        from ldnderm.kernel.errors import InvalidInput

        raise InvalidInput("measure", f"{self.id} has no published responder definition")

    def describe(self) -> dict[str, Any]:
        """The public description of the measure (JSON-ready), shared by CLI, API and pages."""
        d = self.definition
        return {
            "id": d.id,
            "name": d.name,
            "version": d.version,
            "kind": d.kind,
            "recall_period": d.recall_period,
            "score_range": d.score_range,
            "higher_is": d.higher_is,
            "scorable": self.scorable,
            "comparable": self.comparable,
            "licence": d.licence,
            "copyright": d.copyright,
            "citations": [_citation_view(c) for c in d.citations],
            "items": [i.model_dump() for i in d.items],
            "rules": [r.model_dump() for r in d.rules],
            "bandings": [b.model_dump(mode="json") for b in d.bandings],
            "thresholds": {k: t.model_dump(mode="json") for k, t in d.thresholds.items()},
        }

    # -- helpers for subclasses -------------------------------------------------------------

    def result(self, total: Number, details: dict[str, Any] | None = None) -> ScoreResult:
        """A computable result, banded by the definition's default banding when it has one."""
        band = self.definition.banding().band_of(total) if self.definition.bandings else None
        return ScoreResult(
            measure=self.id,
            version=self.version,
            computable=True,
            total=total,
            band=band.code if band else None,
            band_label=band.label if band else None,
            details=details or {},
            copyright=self.definition.copyright,
            knowledge_version=knowledge_version(),
        )

    def not_computable(self, reason: str, details: dict[str, Any] | None = None) -> ScoreResult:
        return ScoreResult(
            measure=self.id,
            version=self.version,
            computable=False,
            reason=reason,
            details=details or {},
            copyright=self.definition.copyright,
            knowledge_version=knowledge_version(),
        )

    def comparison(
        self,
        baseline: ScoreResult,
        followup: ScoreResult,
        responders: dict[str, bool] | None = None,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> CompareResult:
        """A comparison of two scored results: change and percent change are derived here.

        ``responders=None`` marks the comparison not evaluable; ``reason`` must then say why.
        """
        change: Number | None = None
        percent: Decimal | None = None
        if baseline.computable and followup.computable:
            assert baseline.total is not None and followup.total is not None
            change = followup.total - baseline.total
            percent = percent_change(baseline.total, followup.total)
        elif reason is None:
            which = "baseline" if not baseline.computable else "follow-up"
            reason = f"{which} score is not computable"
        return CompareResult(
            measure=self.id,
            version=self.version,
            evaluable=responders is not None,
            change=change,
            percent_change=percent,
            responders=responders or {},
            reason=reason,
            baseline=baseline,
            followup=followup,
            details=details or {},
            copyright=self.definition.copyright,
            knowledge_version=knowledge_version(),
        )


def percent_change(baseline: Number, followup: Number) -> Decimal | None:
    """``(followup - baseline) / baseline * 100`` exactly, rounded half-even to 2 places for
    display; ``None`` when the baseline is 0 (undefined, never reported as 0% or 100%).

    The quotient is a :class:`~fractions.Fraction`, so no decimal context (its precision or
    exponent limits) can round it or raise, whatever the size of the totals."""
    if baseline == 0:
        return None
    hundredths = round((Fraction(followup) - Fraction(baseline)) * 10_000 / Fraction(baseline))
    return Decimal(f"{hundredths}E-2")  # exact: a string is never rounded to a context


def reduction_at_least(baseline: Number, followup: Number, percent: Decimal | int) -> bool:
    """True when the follow-up is at least ``percent`` % below a positive baseline, decided in
    exact arithmetic: ``(baseline - followup) * 100 >= percent * baseline``."""
    return (Fraction(baseline) - Fraction(followup)) * 100 >= Fraction(percent) * Fraction(baseline)

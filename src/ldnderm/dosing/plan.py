"""Titration schedules: a condition and a start date in, dated doses and a visit schedule out.

Doses are mg of naltrexone hydrochloride per day; dates are calendar days (no times, so daylight
saving changes cannot shift a step). A titration protocol rises by ``step_mg`` every
``step_days`` from ``start_mg`` to the target; the target step is open-ended (``end: null``).
Sources: registry ids named in ``data/dosing/protocols.yaml``.

The outcome measures for each visit come from the evidence knowledge base
(:func:`ldnderm.evidence.condition`) when it knows the condition, otherwise from the condition
defaults of the protocol file; ``measures_from`` says which.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_serializer

from ldnderm.dosing.data import ConditionDefault, Protocol, protocols
from ldnderm.dosing.periop import HoldWindow, hold_windows
from ldnderm.kernel import readers as r
from ldnderm.kernel.errors import InvalidInput, KnowledgeDataError, NotFound
from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.kernel.plausible import check_year
from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import knowledge_version
from ldnderm.safety.data import Source, cited
from ldnderm.safety.profile import Procedure

MeasuresFrom = Literal["knowledge base", "dosing protocols"]


LIVER_TESTS_FROM_MG = Decimal(50)
"""From this target (mg/day) every plan carries baseline and periodic liver tests (the label's
hepatotoxicity warning at standard doses; Lee & Elston 2019, LiverTox)."""


class Step(_Frozen):
    """Take ``dose_mg`` daily from ``start`` to ``end`` inclusive (``end`` null: continue)."""

    start: date
    end: date | None
    dose_mg: Decimal
    timing: str

    @field_serializer("dose_mg")
    def _dose(self, value: Decimal) -> float:
        return float(value)


class PlannedVisit(_Frozen):
    date: date
    week: int
    purpose: str
    measures: list[str]
    sources: list[str]


class Plan(_Frozen):
    condition: str
    protocol: str
    protocol_label: str
    target_mg: Decimal
    timing: str
    alternative_timing: str | None
    steps: list[Step]
    visits: list[PlannedVisit]
    measures: list[str]
    measures_from: MeasuresFrom
    labs: str
    note: str
    sources: list[Source]
    knowledge_version: str
    warnings: list[str] = Field(default_factory=list)
    holds: list[HoldWindow] = Field(
        default_factory=list, description="Hold windows around planned operations."
    )

    @field_serializer("target_mg")
    def _target(self, value: Decimal) -> float:
        return float(value)


def plan(
    condition: str,
    start: date,
    protocol: str | None = None,
    target_mg: Decimal | None = None,
    procedures: Iterable[Procedure] = (),
) -> Plan:
    """Dated titration steps and follow-up visits for ``condition`` starting on ``start``.

    Parameters
    ----------
    condition:
        A condition id (or any name the evidence knowledge base resolves).
    protocol:
        A protocol id; default: the condition's default protocol.
    target_mg:
        The final daily dose in mg, within the protocol's range; default: the condition's
        literature target, else the protocol's default.
    procedures:
        Planned procedures (a screening fact); each expecting opioid analgesia puts a hold
        window into the plan (:mod:`ldnderm.dosing.periop`).

    Raises
    ------
    NotFound
        Unknown condition or protocol.
    InvalidInput
        No default protocol for the condition (none was found in the evidence), a target
        outside the protocol's range, or a start outside the years 1900-2100.
    """
    check_year(start, "start")
    data = protocols()
    condition_id, measures, measures_from = _condition(condition)
    default = data.conditions.get(condition_id, ConditionDefault())
    proto = _protocol(protocol or default.protocol, condition_id)
    target = _target(proto, target_mg, default if default.protocol == proto.id else None)
    steps = _steps(proto, start, target)
    visits = [
        PlannedVisit(
            date=start,
            week=0,
            purpose="baseline measures before the first dose "
            "(product decision: change needs a baseline)",
            measures=measures,
            sources=[],
        )
    ]
    visits += [
        PlannedVisit(
            date=start + timedelta(weeks=v.week),
            week=v.week,
            purpose=v.purpose,
            measures=measures,
            sources=v.sources,
        )
        for v in proto.visits
    ]
    ids = [*proto.sources, *(default.sources if default.protocol == proto.id else [])]
    ids += [s for v in proto.visits for s in v.sources] + proto.lab_sources
    warnings = []
    if target >= LIVER_TESTS_FROM_MG and "baseline" not in proto.labs:
        warnings.append(
            "Liver tests at baseline and periodically during treatment: hepatotoxicity is a "
            f"warning at {LIVER_TESTS_FROM_MG} mg/day and above"
        )
        ids += ["lee-elston-2019", "livertox"]
    if default.protocol != proto.id:
        warnings.append(
            f"{proto.id} is not the default protocol for {condition_id}: its sources back the "
            f"protocol, not its use in this condition; check the doses reported for it "
            f"(ldnderm evidence {condition_id})"
        )
    holds = hold_windows(procedures, start)
    for hold in holds:
        when = f"{hold.procedure_on:%d %b %Y}"
        if hold.hold_from is None:
            warnings.append(f"Planned procedure on {when}: {hold.advice}")
        else:
            warnings.append(
                f"Planned procedure on {when}: hold naltrexone from {hold.hold_from:%d %b %Y} "
                f"({hold.days_before} days before). {hold.advice}"
            )
        ids += hold.sources
    return Plan(
        holds=holds,
        warnings=warnings,
        condition=condition_id,
        protocol=proto.id,
        protocol_label=proto.label,
        target_mg=target,
        timing=proto.timing,
        alternative_timing=proto.alternative_timing,
        steps=steps,
        visits=visits,
        measures=measures,
        measures_from=measures_from,
        labs=proto.labs,
        note=proto.note,
        sources=[cited(registry(), i) for i in dict.fromkeys(ids)],
        knowledge_version=knowledge_version(),
    )


def plan_from_json(data: Any) -> Plan:
    """:func:`plan` from a JSON object ``{condition, start, protocol?, target_mg?}``."""
    doc = r.as_object(data)
    r.reject_unknown(doc, ("condition", "start", "protocol", "target_mg"))
    condition = r.string(r.get(doc, "condition"), "condition")
    start = r.date_value(r.get(doc, "start"), "start")
    proto = r.get(doc, "protocol")
    target = r.get(doc, "target_mg")
    return plan(
        condition,
        start,
        None if proto is r.MISSING else r.string(proto, "protocol"),
        None if target is r.MISSING else r.number(target, "target_mg", Decimal(0), Decimal(500)),
    )


def _steps(proto: Protocol, start: date, target: Decimal) -> list[Step]:
    doses: list[Decimal] = []
    dose = proto.start_mg
    while proto.step_mg > 0 and dose < target:
        doses.append(dose)
        dose += proto.step_mg
    doses.append(target)
    steps = []
    for i, d in enumerate(doses):
        begin = start + timedelta(days=i * proto.step_days)
        last = i == len(doses) - 1
        end = None if last else begin + timedelta(days=proto.step_days - 1)
        steps.append(Step(start=begin, end=end, dose_mg=d, timing=proto.timing))
    return steps


def _target(proto: Protocol, asked: Decimal | None, default: ConditionDefault | None) -> Decimal:
    if asked is None:
        return default.target_mg if default and default.target_mg else proto.default_target_mg
    if not proto.min_target_mg <= asked <= proto.max_target_mg:
        allowed = f"{proto.min_target_mg}-{proto.max_target_mg} mg for {proto.id}"
        raise InvalidInput("target_mg", f"{asked} mg is outside the protocol's range", allowed)
    return asked


def _protocol(protocol_id: str | None, condition_id: str) -> Protocol:
    data = protocols()
    ids = [p.id for p in data.protocols]
    if protocol_id is None:
        raise InvalidInput("protocol", _no_default(condition_id), ", ".join(ids))
    proto = data.protocol(protocol_id)
    if proto is None:
        raise NotFound("protocol", protocol_id, ids)
    return proto


def _no_default(condition_id: str) -> str:
    """Why there is no default protocol: say "no dosing evidence" only when that is true.

    Conditions whose literature regimens (evidence knowledge base) are not set up as a default
    here (uremic or cholestatic itch, trichotillomania, ...) did have naltrexone doses studied;
    the clinician is pointed to them instead of being told that none exist.
    """
    try:
        from ldnderm import evidence

        regimens = evidence.condition(condition_id).regimens
    except (NotFound, KnowledgeDataError):
        regimens = []
    if not regimens:
        return f"no default protocol for {condition_id}: no naltrexone dosing evidence was found"
    doses = "; ".join(r.label for r in regimens)
    return (
        f"no default protocol for {condition_id}; the literature used: {doses} "
        f"(ldnderm evidence {condition_id}); choose a protocol explicitly"
    )


def _condition(key: str) -> tuple[str, list[str], MeasuresFrom]:
    """Resolve through the evidence knowledge base first, then the protocol file's defaults."""
    known = protocols().conditions
    kb_miss: NotFound | None = None
    try:
        from ldnderm import evidence

        found = evidence.condition(key)
        return found.id, list(found.recommended_measures), "knowledge base"
    except NotFound as exc:
        kb_miss = exc
    except KnowledgeDataError:
        pass  # the evidence base failed its own checks: plan from the protocol file alone
    if key in known:
        return key, list(known[key].measures), "dosing protocols"
    if kb_miss is not None and kb_miss.suggestions:
        raise kb_miss
    import difflib

    raise NotFound("condition", key, difflib.get_close_matches(key, list(known), n=3, cutoff=0.5))

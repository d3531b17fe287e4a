"""Compounding arithmetic: how much naltrexone to compound from 50 mg tablets, and for how long.

From a daily dose and a number of days (or from a :class:`~ldnderm.dosing.plan.Plan`) it gives
the total mg, the number of whole 50 mg tablets to compound from (rounded up), the liquid volume
(mL, rounded up to 0.1 mL so a supply is never short) or the capsule count, a beyond-use date and
the prescription text. All arithmetic is Decimal.

Beyond-use periods (``data/dosing/compounding.yaml``): 1 mg/mL oral liquid 60 days
refrigerated or 30 days at room temperature (Fawcett 1997, PMID 9391680); capsules in
microcrystalline cellulose 180 days at room temperature (default cap; 360-day stability data,
Cote 2018). Other concentrations have no sourced stability and get no beyond-use date.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import field_serializer

from ldnderm.dosing.data import Stability, compounding
from ldnderm.dosing.plan import Plan, plan_from_json
from ldnderm.kernel import readers as r
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.kernel.plausible import check_year
from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import knowledge_version
from ldnderm.safety.data import Source, cited

Form = Literal["liquid", "capsule"]
Storage = Literal["refrigerated", "room_temperature"]
DOSE_RANGE = (Decimal("0.1"), Decimal(300))
DAYS_RANGE = (1, 365)
CONCENTRATION_RANGE = (Decimal("0.1"), Decimal(10))


class Line(_Frozen):
    """``days`` days of ``dose_mg`` daily: ``dose_volume_ml`` per dose (liquid) or one capsule."""

    dose_mg: Decimal
    days: int
    dose_volume_ml: Decimal | None = None
    capsules: int | None = None

    @field_serializer("dose_mg", "dose_volume_ml")
    def _num(self, value: Decimal | None) -> float | None:
        return None if value is None else float(value)


class CompoundingOrder(_Frozen):
    form: Form
    lines: list[Line]
    days: int
    total_mg: Decimal
    tablets_50mg: int
    concentration_mg_ml: Decimal | None = None
    volume_ml: Decimal | None = None
    batch_volume_ml: Decimal | None = None
    capsules: int | None = None
    storage: Storage
    compounded_on: date
    beyond_use_date: date | None
    preparation: str
    prescription_text: str
    warnings: list[str]
    sources: list[Source]
    knowledge_version: str

    @field_serializer("total_mg", "concentration_mg_ml", "volume_ml", "batch_volume_ml")
    def _num(self, value: Decimal | None) -> float | None:
        return None if value is None else float(value)


def compound(
    dose_mg: Decimal,
    days: int,
    form: Form = "liquid",
    concentration_mg_ml: Decimal | None = None,
    storage: Storage | None = None,
    compounded_on: date | None = None,
) -> CompoundingOrder:
    """A compounding order for ``dose_mg`` once daily for ``days`` days.

    ``dose_mg`` 0.1-300 mg; ``days`` 1-365; ``concentration_mg_ml`` (liquid only) 0.1-10 mg/mL,
    default 1 mg/mL; ``storage`` default refrigerated for liquid, room temperature for capsules.
    Raises :class:`InvalidInput` naming the field.
    """
    _check_dose(dose_mg, "dose_mg")
    _check_days(days)
    return _order(
        [(dose_mg, days)], form, concentration_mg_ml, storage, compounded_on, "once daily"
    )


def compound_plan(
    plan: Plan,
    days: int,
    form: Form = "liquid",
    concentration_mg_ml: Decimal | None = None,
    storage: Storage | None = None,
    compounded_on: date | None = None,
) -> CompoundingOrder:
    """A compounding order covering the first ``days`` days of a titration plan."""
    _check_days(days)
    lines: list[tuple[Decimal, int]] = []
    remaining = days
    for step in plan.steps:
        length = remaining if step.end is None else (step.end - step.start).days + 1
        length = min(length, remaining)
        if length > 0:
            lines.append((step.dose_mg, length))
            remaining -= length
    timing = "at bedtime" if plan.timing == "bedtime" else plan.timing
    if plan.alternative_timing:
        timing += f" (or in the {plan.alternative_timing})"
    return _order(lines, form, concentration_mg_ml, storage, compounded_on, timing)


def compound_from_json(data: Any) -> CompoundingOrder:
    """From ``{dose_mg, days, form?, concentration_mg_ml?, storage?, compounded_on?}``, or with
    ``plan`` (a plan request object) in place of ``dose_mg``."""
    doc = r.as_object(data)
    keys = ("dose_mg", "plan", "days", "form", "concentration_mg_ml", "storage", "compounded_on")
    r.reject_unknown(doc, keys)
    days = r.integer(r.get(doc, "days"), "days", *DAYS_RANGE)
    form = (
        r.choice(r.get(doc, "form"), "form", ("liquid", "capsule")) if "form" in doc else "liquid"
    )
    conc = r.get(doc, "concentration_mg_ml")
    concentration = (
        None if conc is r.MISSING else r.number(conc, "concentration_mg_ml", *CONCENTRATION_RANGE)
    )
    raw_storage = r.get(doc, "storage")
    storage = (
        None
        if raw_storage is r.MISSING
        else r.choice(raw_storage, "storage", ("refrigerated", "room_temperature"))
    )
    when = r.get(doc, "compounded_on")
    compounded_on = None if when is r.MISSING else r.date_value(when, "compounded_on")
    args: tuple[Any, ...] = (form, concentration, storage, compounded_on)
    if r.get(doc, "plan") is not r.MISSING:
        if r.get(doc, "dose_mg") is not r.MISSING:
            raise InvalidInput("dose_mg", "give dose_mg or plan, not both")
        return compound_plan(plan_from_json(doc["plan"]), days, *args)
    dose = r.number(r.get(doc, "dose_mg"), "dose_mg", *DOSE_RANGE)
    return compound(dose, days, *args)


def _order(
    lines: list[tuple[Decimal, int]],
    form: Form,
    concentration: Decimal | None,
    storage: Storage | None,
    compounded_on: date | None,
    timing: str,
) -> CompoundingOrder:
    facts = compounding()
    when = check_year(compounded_on, "compounded_on") if compounded_on else r.today()
    days = sum(n for _, n in lines)
    total = sum((dose * n for dose, n in lines), Decimal(0))
    tablets = int((total / facts.tablet_strength_mg).to_integral_value(rounding=ROUND_CEILING))
    warnings: list[str] = []
    conc: Decimal | None = None
    volume: Decimal | None = None
    batch: Decimal | None = None
    if form == "capsule" and concentration is not None:
        raise InvalidInput("concentration_mg_ml", "applies to the liquid form only", "omit it")
    if form == "liquid":
        conc = _check_conc(concentration or facts.liquid.default_concentration_mg_ml)
        store: Storage = storage or "refrigerated"
        stability = _stability(facts.liquid.stability, store, conc)
        out = [Line(dose_mg=d, days=n, dose_volume_ml=_q(d / conc, "0.01")) for d, n in lines]
        minimum = facts.liquid.min_dose_volume_ml
        warnings += [
            f"a {ln.dose_volume_ml} mL dose is below {minimum} mL; choose a lower concentration"
            for ln in out
            if (ln.dose_volume_ml or 0) < minimum
        ]
        volume = _up(total / conc, facts.liquid.volume_step_ml)
        # Whole tablets make up to this volume; 0.01 mL is finer than any measure, and the
        # exact quotient (16.666... mL at 3 mg/mL) is unreadable on a worksheet.
        batch = _q(facts.tablet_strength_mg * tablets / conc, "0.01")
        ids = [*facts.liquid.vehicle_sources]
        prep = (
            f"{tablets} x 50 mg naltrexone tablets in {_n(batch)} mL ({_n(conc)} mg/mL): "
            f"{facts.liquid.vehicle}"
        )
    else:
        store = storage or "room_temperature"
        stability = _stability(facts.capsule.stability, store, None)
        out = [Line(dose_mg=d, days=n, capsules=n) for d, n in lines]
        ids = [*facts.capsule.filler_sources]
        prep = f"{tablets} x 50 mg naltrexone tablets into capsules; filler: {facts.capsule.filler}"
    bud = when + timedelta(days=stability.days) if stability else None
    if stability is None:
        warnings.append(
            f"no stability data for this {form} ({store}); set a beyond-use date locally"
        )
    elif days > stability.days:
        warnings.append(
            f"{days} days exceeds the {stability.days}-day beyond-use period; dispense in parts "
            f"of at most {stability.days} days, each compounded fresh"
        )
    if all(d % facts.tablet_strength_mg == 0 for d, _ in lines):
        warnings.append("commercial 50 mg tablets supply this dose without compounding")
    ids += stability.sources if stability else []
    order = CompoundingOrder(
        form=form,
        lines=out,
        days=days,
        total_mg=total,
        tablets_50mg=tablets,
        concentration_mg_ml=conc,
        volume_ml=volume,
        batch_volume_ml=batch,
        capsules=sum(ln.capsules or 0 for ln in out) if form == "capsule" else None,
        storage=store,
        compounded_on=when,
        beyond_use_date=bud,
        preparation=prep,
        prescription_text="",
        warnings=warnings,
        sources=[cited(registry(), i) for i in dict.fromkeys(ids)],
        knowledge_version=knowledge_version(),
    )
    return order.model_copy(update={"prescription_text": _rx(order, timing)})


def _rx(o: CompoundingOrder, timing: str) -> str:
    """Prescription text: strength, quantity, then "Take <amount> by mouth <when> for N days".

    When the supply outlasts the beyond-use period the text says so: one bottle or pot cannot
    both last ``days`` days and be discarded at the beyond-use date.
    """
    where = "in the refrigerator" if o.storage == "refrigerated" else "at room temperature"
    parts = ""
    if o.beyond_use_date is not None:
        period = (o.beyond_use_date - o.compounded_on).days
        if o.days > period:
            parts = (
                f" Supply of {o.days} days exceeds the {period}-day beyond-use period: dispense "
                f"in parts of at most {period} days' supply, each compounded fresh."
            )
        first = "the first part " if parts else ""
        discard = f"{parts} Discard {first}after {o.beyond_use_date}."
    else:
        discard = " Beyond-use date: set by the compounding pharmacy (no sourced stability data)."
    if o.form == "liquid" and o.concentration_mg_ml is not None:
        amounts = [f"{_n(ln.dose_volume_ml)} mL ({_n(ln.dose_mg)} mg)" for ln in o.lines]
        return (
            f"Naltrexone {_n(o.concentration_mg_ml)} mg/mL oral liquid (compounded). "
            f"Dispense {_n(o.volume_ml)} mL in total. {_take(amounts, o.lines, timing)} "
            f"Shake well; store {where}, protected from light.{discard}"
        )
    amounts = [f"one {_n(ln.dose_mg)} mg capsule" for ln in o.lines]
    strengths = ", ".join(dict.fromkeys(f"{_n(ln.dose_mg)} mg" for ln in o.lines))
    return (
        f"Naltrexone {strengths} capsules (compounded). Dispense {o.capsules} capsules in total. "
        f"{_take(amounts, o.lines, timing)} Store {where}, protected from light.{discard}"
    )


def _take(amounts: list[str], lines: list[Line], timing: str) -> str:
    """One dose: "Take X by mouth <timing> for N days." Several: the timing once, then steps."""
    if len(lines) == 1:
        return f"Take {amounts[0]} by mouth {timing} for {_days(lines[0].days)}."
    steps = "; then ".join(
        f"{a} for {_days(ln.days)}" for a, ln in zip(amounts, lines, strict=True)
    )
    return f"Take by mouth {timing}: {steps}."


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _stability(options: list[Stability], storage: str, conc: Decimal | None) -> Stability | None:
    for option in options:
        if option.storage == storage and (conc is None or option.concentration_mg_ml == conc):
            return option
    return None


def _check_dose(value: Decimal, field: str) -> None:
    low, high = DOSE_RANGE
    if not low <= value <= high:
        raise InvalidInput(field, f"{value} mg is out of range", f"{low}-{high} mg")


def _check_days(days: int) -> None:
    low, high = DAYS_RANGE
    if isinstance(days, bool) or not low <= days <= high:
        raise InvalidInput("days", f"{days} is out of range", f"an integer {low}-{high}")


def _check_conc(value: Decimal) -> Decimal:
    low, high = CONCENTRATION_RANGE
    if not low <= value <= high:
        raise InvalidInput("concentration_mg_ml", f"{value} is out of range", f"{low}-{high} mg/mL")
    return value


def _q(value: Decimal, step: str) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def _up(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def _n(value: Decimal | None) -> str:
    """A Decimal without trailing zeros: 4.50 -> 4.5, 100.0 -> 100."""
    if value is None:
        return "-"
    text = format(value.normalize(), "f")
    return text

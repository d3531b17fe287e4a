"""Hold windows around planned operations, from the safety rules' peri-operative guidance.

A planned procedure that expects opioid analgesia (a screening fact) puts a hold window into the
plan. The number of days comes only from the safety rules that screen such procedures (trigger
``procedure_opioids`` in ``data/safety/rules.yaml``, with their sources and source quality): the
hold starts ``window_days`` before the procedure. When those rules are missing, or disagree on
the window, no day count is given and the window reads "hold per the surgical team". No restart
date is computed: the rules give none (a restart follows the opioid-free interval of any new
start after opioid analgesia, and a new screen). Procedures before the start date, and those not
expecting opioid analgesia, put no window into the plan (the rules do not fire for them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ldnderm.kernel.model import Frozen as _Frozen
from ldnderm.safety.data import RuleDef, load
from ldnderm.safety.profile import Procedure
from ldnderm.safety.trigger_params import ProcedureOpioids

PER_SURGICAL_TEAM = "Hold per the surgical team: no cited interval is available."
RESTART = (
    "Restart only after review: if opioids are given, after the opioid-free interval a new start "
    "needs, and after a new screen (rule {rule})."
)


class HoldWindow(_Frozen):
    """Naltrexone held from ``hold_from`` (``days_before`` the procedure) until a clinician
    restarts it; ``hold_from`` is ``None`` when no cited interval exists (``advice`` says so)."""

    procedure_on: date
    description: str
    hold_from: date | None
    days_before: int | None
    advice: str
    rule: str | None
    source_quality: str | None
    sources: list[str]


def hold_windows(
    procedures: Iterable[Procedure], start: date, rules: Iterable[RuleDef] | None = None
) -> list[HoldWindow]:
    """The hold window of each procedure expecting opioid analgesia on or after ``start``
    (``rules``: the safety rules to take the window from; default the shipped ones)."""
    rule, days = _guidance(rules)
    windows = []
    for p in sorted(procedures, key=lambda p: p.date):
        if p.date < start or not p.opioid_analgesia_expected:
            continue
        if rule is None or days is None:
            windows.append(
                HoldWindow(
                    procedure_on=p.date,
                    description=p.description,
                    hold_from=None,
                    days_before=None,
                    advice=PER_SURGICAL_TEAM,
                    rule=None,
                    source_quality=None,
                    sources=[],
                )
            )
            continue
        windows.append(
            HoldWindow(
                procedure_on=p.date,
                description=p.description,
                hold_from=p.date - timedelta(days=days),
                days_before=days,
                advice=RESTART.format(rule=rule.id),
                rule=rule.id,
                source_quality=rule.source_quality,
                sources=list(rule.sources),
            )
        )
    return windows


def _guidance(rules: Iterable[RuleDef] | None = None) -> tuple[RuleDef | None, int | None]:
    """The rule that plans a hold (the one for procedures beyond the window when present) and the
    window in days, when every peri-operative rule agrees on it."""
    periop = [
        (r, r.trigger)
        for r in (load().rules.evaluated if rules is None else rules)
        if isinstance(r.trigger, ProcedureOpioids)
    ]
    if not periop:
        return None, None
    days = {trigger.window_days for _, trigger in periop}
    chosen = next((r for r, trigger in periop if not trigger.inside_window), periop[0][0])
    return chosen, (days.pop() if len(days) == 1 else None)

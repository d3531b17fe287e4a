"""A planned operation expecting opioid analgesia puts a hold window into the plan: its days come
only from the cited peri-operative safety rules, else "hold per the surgical team"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ldnderm import dosing
from ldnderm.dosing.periop import PER_SURGICAL_TEAM, hold_windows
from ldnderm.safety.data import RuleDef, load
from ldnderm.safety.profile import Procedure
from ldnderm.safety.trigger_params import ProcedureOpioids

START = date(2026, 3, 2)
KNEE = Procedure(date=date(2026, 4, 20), description="knee replacement")


def _periop_rules() -> list[RuleDef]:
    return [r for r in load().rules.evaluated if isinstance(r.trigger, ProcedureOpioids)]


def test_the_window_is_the_days_of_the_cited_rules_before_the_procedure() -> None:
    rules = _periop_rules()
    (days,) = {r.trigger.window_days for r in rules if isinstance(r.trigger, ProcedureOpioids)}
    (window,) = hold_windows([KNEE], START)
    assert window.days_before == days
    assert window.hold_from == KNEE.date - timedelta(days=days)
    assert window.rule in {r.id for r in rules}
    assert window.sources and window.source_quality == "weak"
    assert "screen" in window.advice


def test_no_cited_rule_gives_hold_per_surgical_team_without_days() -> None:
    (window,) = hold_windows([KNEE], START, rules=[])
    assert (window.hold_from, window.days_before, window.advice) == (None, None, PER_SURGICAL_TEAM)


def test_rules_that_disagree_on_the_window_give_no_days() -> None:
    rules = _periop_rules()
    other = rules[0].model_copy(
        update={"trigger": rules[0].trigger.model_copy(update={"window_days": 7})}
    )
    (window,) = hold_windows([KNEE], START, rules=[*rules, other])
    assert window.hold_from is None and window.advice == PER_SURGICAL_TEAM


def test_past_procedures_and_those_without_opioids_put_no_window() -> None:
    past = Procedure(date=START - timedelta(days=1))
    no_opioids = Procedure(date=date(2026, 5, 1), opioid_analgesia_expected=False)
    assert hold_windows([past, no_opioids], START) == []


def test_the_plan_carries_the_windows_as_data_and_as_a_warning() -> None:
    plan = dosing.plan("psoriasis", START, procedures=[KNEE])
    (hold,) = plan.holds
    assert hold.procedure_on == KNEE.date
    assert any("20 Apr 2026" in w and "hold naltrexone from" in w for w in plan.warnings)
    assert {s.id for s in plan.sources} >= set(hold.sources)
    assert dosing.plan("psoriasis", START).holds == []


def test_without_a_cited_window_the_warning_says_per_surgical_team(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ldnderm.dosing import periop

    monkeypatch.setattr(periop, "_guidance", lambda rules=None: (None, None))
    plan = dosing.plan("psoriasis", START, procedures=[KNEE])
    assert any(PER_SURGICAL_TEAM in w for w in plan.warnings)

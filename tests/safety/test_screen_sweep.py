"""Sweep through the screen: every name and code of the vocabulary, alone in an otherwise complete
profile, gives the finding its class has in the rules.

- opioids: contraindicated by ``opioid-current-or-recent``; loperamide keeps its sourced caution
  (``loperamide-peripheral-opioid``); a mixed group asks to confirm (``opioid-unconfirmed``, hold);
- systemic antagonists: ``duplicate-naltrexone`` (hold);
- known non-opioids: no opioid finding and no ``unrecognised-medication`` finding.
"""

from __future__ import annotations

from typing import Any

from ldnderm import safety
from ldnderm.safety.classify import classify
from ldnderm.safety.data import vocabulary
from ldnderm.safety.profile import Medication
from tests.safety.profiles import complete

OPIOID_RULES = {
    "opioid-current-or-recent",
    "opioid-unconfirmed",
    "loperamide-peripheral-opioid",
    "buprenorphine-extended-release",
}
EXPECTED: dict[str, set[str]] = {
    "opioid": {"opioid-current-or-recent", "loperamide-peripheral-opioid"},
    "confirm_ingredient": {"opioid-unconfirmed"},
    "antagonist": {"duplicate-naltrexone"},
}


def _fired(med: dict[str, Any]) -> set[str]:
    return {f.rule for f in safety.screen_document(complete(medications=[med])).findings}


def _check(entries: list[dict[str, Any]]) -> list[str]:
    wrong = []
    for med in entries:
        kind = classify(Medication.model_validate(med)).kind
        fired = _fired(med)
        if kind == "non_opioid":
            bad = fired & (OPIOID_RULES | {"unrecognised-medication"})
            if bad:
                wrong.append(f"{med}: non-opioid fired {sorted(bad)}")
        elif kind in EXPECTED and not fired & EXPECTED[kind]:
            wrong.append(f"{med}: {kind} fired {sorted(fired)}")
        elif kind == "unrecognised":
            wrong.append(f"{med}: the vocabulary does not recognise its own entry")
    return wrong


def test_every_value_set_code_screened_alone() -> None:
    codes = [{"rxnorm": code} for code in vocabulary().valuesets.concepts]
    assert len(codes) > 1800
    assert _check(codes) == []


def test_every_non_opioid_name_screened_alone() -> None:
    # A few generated entries are systematic chemical names longer than the 200 characters a
    # profile accepts; they cannot be entered, so they cannot be screened.
    names = [{"name": n} for n in vocabulary().non_opioids.names if len(n) <= 200]
    assert len(names) > 1000
    assert _check(names) == []

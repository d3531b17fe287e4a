"""The registry of trigger kinds that safety rules (data) may use.

A trigger kind is a parameter model plus a function ``(profile, params) -> evidence``; the rule
fires when the evidence list is not empty, and each evidence line names the profile field that
fired it (``medications[1]: ...``). Adding a kind is one entry in :data:`TRIGGERS`; rules pick
kinds by name, so there is no ``if kind == ...`` chain anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ldnderm.safety.classify import classify, normalise
from ldnderm.safety.opioids import matcher
from ldnderm.safety.profile import Medication, Profile
from ldnderm.safety.trigger_params import (
    AgeBelow,
    Allergy,
    AnyOf,
    ConditionCode,
    ConditionCodeExcept,
    ConditionName,
    DoseAbove,
    DoseBand,
    FactsNotStated,
    HepaticLevels,
    LabValue,
    MedicationClass,
    MedicationName,
    MedicationRecent,
    OpioidUse,
    ProcedureOpioids,
    ProfileFlag,
    RenalLevels,
    Trigger,
)

Evaluate = Callable[[Profile, Any], list[str]]


@dataclass(frozen=True)
class TriggerKind:
    params: type[Trigger]
    evaluate: Evaluate


def _opioid_use(p: Profile, t: OpioidUse) -> list[str]:
    found = []
    for i, med in enumerate(p.medications):
        m = matcher().match(med)
        if m is None or m.opioid_class not in t.classes or m.certainty != t.certainty:
            continue
        status = _status(med.start, med.end, p.as_of)
        interval = t.long_acting_interval_days if m.long_acting else t.interval_days
        if status is None:
            assert med.end is not None
            free = (p.as_of - med.end).days
            if free >= interval:
                continue
            status = f"stopped {med.end} ({free} opioid-free days; interval {interval} days)"
        prn = ", as needed" if med.prn else ""
        found.append(f"medications[{i}]: {med.describe()} -> {m.describe()}, {status}{prn}")
    return found


def _status(start: date | None, end: date | None, as_of: date) -> str | None:
    if start is not None and start > as_of:
        return f"planned from {start}"
    if end is None or end >= as_of:
        return "current"
    return None


def _lab_value(p: Profile, t: LabValue) -> list[str]:
    return [f"labs.{k}: {p.labs[k]}" for k, bad in t.labs.items() if p.labs.get(k) in bad]


def _condition_code(p: Profile, t: ConditionCode) -> list[str]:
    if not _dose_matches(p, t.dose_band):
        return []
    return [
        f"conditions[{i}]: {c.system} {c.code}"
        for i, c in enumerate(p.conditions)
        if c.system == t.system and c.code and any(c.code.startswith(x) for x in t.prefixes)
    ]


def _condition_name(p: Profile, t: ConditionName) -> list[str]:
    words = [w.lower() for w in t.contains]
    return [
        f"conditions[{i}]: {c.text}"
        for i, c in enumerate(p.conditions)
        if c.text and any(w in c.text.lower() for w in words)
    ]


def _profile_flag(p: Profile, t: ProfileFlag) -> list[str]:
    return [f"{t.field}: true"] if getattr(p, t.field) is True else []


def _any_of(p: Profile, t: AnyOf) -> list[str]:
    return [line for sub in t.triggers for line in evaluate(sub, p)]


def _procedure_opioids(p: Profile, t: ProcedureOpioids) -> list[str]:
    found = []
    for i, proc in enumerate(p.planned_procedures):
        days = (proc.date - p.as_of).days
        if not proc.opioid_analgesia_expected or days < 0:
            continue
        if (days <= t.window_days) == t.inside_window:
            label = f" ({proc.description})" if proc.description else ""
            found.append(f"planned_procedures[{i}]: {proc.date}{label}, in {days} days")
    return found


def _dose_matches(p: Profile, band: DoseBand) -> bool:
    if band == "any":
        return True
    # A missing dose counts as standard: the cautious reading for standard-dose rules.
    return (p.dose_band == "low") == (band == "low")


def _dose_note(p: Profile) -> str:
    if p.planned_dose_mg is None:
        return "planned_dose_mg: not given (read as standard dose)"
    return f"planned_dose_mg: {p.planned_dose_mg} ({p.dose_band} dose)"


def _hepatic(p: Profile, t: HepaticLevels) -> list[str]:
    if p.hepatic not in t.levels or not _dose_matches(p, t.dose_band):
        return []
    return [f"hepatic: {p.hepatic}"] + ([_dose_note(p)] if t.dose_band != "any" else [])


def _renal(p: Profile, t: RenalLevels) -> list[str]:
    return [f"renal: {p.renal}"] if p.renal in t.levels else []


def _age_below(p: Profile, t: AgeBelow) -> list[str]:
    age = p.age_years
    source = f"birth_date {p.birth_date}" if p.birth_date else "age"
    return [f"{source}: {age} years"] if age is not None and age < t.years else []


def _medication_name(p: Profile, t: MedicationName) -> list[str]:
    if not _dose_matches(p, t.dose_band):
        return []
    targets = [normalise(n) for n in t.names]
    found = [
        f"medications[{i}]: {m.describe()}"
        for i, m in enumerate(p.medications)
        if m.name and _current_or_planned(m.start, m.end, p.as_of) and _has_any(m.name, targets)
    ]
    return found + ([_dose_note(p)] if found and t.dose_band != "any" else [])


def _medication_recent(p: Profile, t: MedicationRecent) -> list[str]:
    targets = [normalise(n) for n in t.names]
    found = []
    for i, med in enumerate(p.medications):
        if not med.name or not _has_any(med.name, targets):
            continue
        status = _recent(med, p.as_of, t.within_days)
        if status is not None:
            found.append(f"medications[{i}]: {med.describe()}, {status}")
    return found


def _recent(med: Medication, as_of: date, within_days: int) -> str | None:
    """How ``med`` stands: current, planned, or stopped fewer than ``within_days`` days ago;
    ``None`` when it stopped earlier than that."""
    status = _status(med.start, med.end, as_of)
    if status is not None:
        return status
    assert med.end is not None
    days = (as_of - med.end).days
    if days >= within_days:
        return None
    return f"stopped {med.end} ({days} days ago; window {within_days} days)"


def _current_or_planned(start: date | None, end: date | None, as_of: date) -> bool:
    return _status(start, end, as_of) is not None


def _allergy(p: Profile, t: Allergy) -> list[str]:
    targets = [normalise(n) for n in t.names]
    return [f"allergies[{i}]: {a}" for i, a in enumerate(p.allergies) if _has_any(a, targets)]


def _has_any(text: str, phrases: list[tuple[str, ...]]) -> bool:
    words = normalise(text)
    return any(
        words[i : i + len(ph)] == ph for ph in phrases for i in range(len(words) - len(ph) + 1)
    )


def _facts_not_stated(p: Profile, t: FactsNotStated) -> list[str]:
    missing = p.unstated()
    return [f"{fact}: not stated" for fact in t.facts if fact in missing]


def _medication_class(p: Profile, t: MedicationClass) -> list[str]:
    found = []
    for i, med in enumerate(p.medications):
        c = classify(med)
        if c.kind not in t.kinds:
            continue
        status = _recent(med, p.as_of, t.within_days)
        if status is not None:
            kind = c.kind.replace("_", " ")
            found.append(f"medications[{i}]: {med.describe()} -> {kind}, {status}")
    return found


def _dose_above(p: Profile, t: DoseAbove) -> list[str]:
    dose = p.planned_dose_mg
    return (
        [f"planned_dose_mg: {dose} (above {t.mg} mg/day)"]
        if dose is not None and dose > t.mg
        else []
    )


def _condition_code_except(p: Profile, t: ConditionCodeExcept) -> list[str]:
    return [
        f"conditions[{i}]: {c.system} {c.code}"
        for i, c in enumerate(p.conditions)
        if c.system == t.system
        and c.code
        and any(c.code.startswith(x) for x in t.prefixes)
        and not any(c.code.startswith(x) for x in t.except_prefixes)
    ]


TRIGGERS: dict[str, TriggerKind] = {
    "opioid_use": TriggerKind(OpioidUse, _opioid_use),
    "lab_value": TriggerKind(LabValue, _lab_value),
    "condition_code": TriggerKind(ConditionCode, _condition_code),
    "condition_name": TriggerKind(ConditionName, _condition_name),
    "profile_flag": TriggerKind(ProfileFlag, _profile_flag),
    "any_of": TriggerKind(AnyOf, _any_of),
    "procedure_opioids": TriggerKind(ProcedureOpioids, _procedure_opioids),
    "hepatic": TriggerKind(HepaticLevels, _hepatic),
    "renal": TriggerKind(RenalLevels, _renal),
    "age_below": TriggerKind(AgeBelow, _age_below),
    "medication_name": TriggerKind(MedicationName, _medication_name),
    "allergy": TriggerKind(Allergy, _allergy),
    "medication_recent": TriggerKind(MedicationRecent, _medication_recent),
    "facts_not_stated": TriggerKind(FactsNotStated, _facts_not_stated),
    "medication_class": TriggerKind(MedicationClass, _medication_class),
    "dose_above": TriggerKind(DoseAbove, _dose_above),
    "condition_code_except": TriggerKind(ConditionCodeExcept, _condition_code_except),
}
"""Trigger kind name -> parameter model and evaluator (one entry per member of the union)."""


def evaluate(trigger: Trigger, profile: Profile) -> list[str]:
    """Evidence lines for one trigger (empty: the trigger did not fire)."""
    return TRIGGERS[trigger.kind].evaluate(profile, trigger)

"""Engine and rule data: every rule evaluated, every rule sourced, weak sources said out loud."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ldnderm import safety
from ldnderm.kernel.version import knowledge_version
from ldnderm.safety.data import load
from ldnderm.safety.profile import PREGNANCY_FACTS, REQUIRED_FACTS
from ldnderm.safety.trigger_params import parse_trigger as validate_trigger
from ldnderm.safety.triggers import TRIGGERS
from tests.safety.profiles import complete


def test_every_evaluated_rule_has_a_primary_or_secondary_source_with_a_link() -> None:
    k = load()
    for rule in k.rules.evaluated:
        cited = k.cite(rule.sources)
        assert any(s.tier in ("primary", "secondary") and s.url for s in cited), rule.id


def test_an_unverified_rule_is_not_evaluated() -> None:
    k = load()
    unverified = [r.id for r in k.rules.rules if r.verification == "unverified"]
    assert unverified == ["thyroid-monitor-tsh"]
    result = safety.screen_document({"as_of": "2026-03-01", "conditions": ["hypothyroidism"]})
    assert "thyroid-monitor-tsh" not in result.rules_evaluated


def test_every_code_list_entry_has_a_source_or_is_unverified_but_still_listed() -> None:
    codes = load().opioids
    entries = [*codes.ingredients, *codes.atc_codes.values(), *codes.look_alikes]
    entries += codes.atc_groups
    assert all(e.sources or e.verification == "unverified" for e in entries)
    names = {i.name for i in codes.ingredients}
    assert {"levomethadone", "tilidine", "diphenoxylate", "loperamide"} <= names


def test_the_required_atc_groups_are_covered() -> None:
    prefixes = {g.prefix for g in load().opioids.atc_groups}
    assert {"N02A", "N07BC", "R05DA", "A07DA"} <= prefixes


def test_every_rule_is_evaluated_and_named_in_the_result() -> None:
    result = safety.screen_document({"as_of": "2026-03-01"})
    assert result.rules_evaluated == [r.id for r in load().rules.evaluated]
    assert result.knowledge_version == knowledge_version()


def test_weak_rules_say_so_in_their_message() -> None:
    result = safety.screen_document(complete(planned_procedures=[{"date": "2026-03-02"}]))
    (finding,) = result.findings
    assert finding.source_quality == "weak"
    assert "Evidence quality: weak" in finding.message and "72 h" in finding.message


def test_findings_carry_evidence_paths_into_the_profile() -> None:
    result = safety.screen_document(
        complete(medications=[{"name": "cetirizine"}, {"name": "tramadol"}])
    )
    assert result.findings[0].evidence[0].startswith("medications[1]: tramadol")


def test_unknown_trigger_kinds_are_rejected_at_load() -> None:
    import pytest

    with pytest.raises(ValueError, match="does not match any of the expected tags"):
        validate_trigger({"kind": "if_chain"})
    assert "opioid_use" in TRIGGERS


def test_json_output_is_plain_json() -> None:
    import json

    result = safety.screen_document({"as_of": "2026-03-01", "planned_dose_mg": 4.5})
    assert json.loads(json.dumps(result.model_dump(mode="json")))["planned_dose_mg"] == 4.5


def test_the_age_finding_names_the_birth_date_it_came_from() -> None:
    result = safety.screen_document({"as_of": "2026-05-10", "birth_date": "2010-01-15"})
    lines = [e for f in result.findings for e in f.evidence]
    assert "birth_date 2010-01-15: 16 years" in lines


def test_extended_release_buprenorphine_evidence_names_the_stop_date_and_window() -> None:
    result = safety.screen_document(
        complete(
            medications=[
                {"name": "cetirizine"},
                {"name": "Sublocade 100 mg", "end": "2025-08-13"},
            ]
        )
    )
    (finding,) = result.findings
    assert finding.rule == "buprenorphine-extended-release" and finding.severity == "hold"
    assert finding.evidence == [
        "medications[1]: Sublocade 100 mg, stopped 2025-08-13 (200 days ago; window 365 days)"
    ]
    assert finding.source_quality == "weak"
    assert "Evidence quality: weak" in finding.message
    assert "must not be" in finding.message and "365 days" in finding.message


def test_medication_recent_trigger_validates_its_parameters() -> None:
    import pytest
    from pydantic import ValidationError

    validate_trigger({"kind": "medication_recent", "names": ["Sublocade"], "within_days": 30})
    with pytest.raises(ValidationError):
        validate_trigger({"kind": "medication_recent", "names": [], "within_days": 30})
    with pytest.raises(ValidationError):
        validate_trigger({"kind": "medication_recent", "names": ["Sublocade"], "within_days": 0})


def test_an_empty_profile_is_never_ok_and_lists_what_was_not_checked() -> None:
    result = safety.screen_document({})
    assert result.verdict == "hold"
    assert result.not_checked == [
        "medications",
        "allergies",
        "hepatic",
        "renal",
        "planned_procedures",
        "opioid_use_disorder_history",
        "planned_dose_mg",
        "pregnant",
        "breastfeeding",
    ]


def test_a_complete_profile_with_nothing_of_note_is_ok() -> None:
    result = safety.screen_document(complete())
    assert (result.verdict, result.findings, result.not_checked) == ("ok", [], [])


def test_the_dose_ceiling_message_names_the_ceiling() -> None:
    result = safety.screen_document(complete(planned_dose_mg=500))
    ceiling = next(f for f in result.findings if f.rule == "dose-above-ceiling")
    assert "above 150 mg/day" in ceiling.text


REQUIRED = [*REQUIRED_FACTS, *PREGNANCY_FACTS]


MEDICINES = [
    {"name": "metformin 500 mg"},
    {"name": "clobetasol cream"},
    {"name": "oxycodone 5 mg"},
    {"name": "zorblaxin"},
    {"name": "Tylenol #3"},
    {"rxnorm": "99999999"},
    {"rxnorm": "1049221"},
    {"atc": "R05DA"},
    {"name": "kratom"},
    {"name": "cetirizine", "atc": "R06AE07"},
]
"""Known non-opioids, opioids by name and code, unknown names and codes, a mixed group."""


@settings(max_examples=300, deadline=None)
@given(
    dropped=st.sets(st.sampled_from(REQUIRED)),
    sex=st.sampled_from(["female", "male", "other", "unknown", None]),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=110)),
    medicines=st.lists(st.sampled_from(MEDICINES), max_size=4),
)
def test_ok_implies_every_fact_stated_and_every_medicine_recognised(
    dropped: set[str], sex: str | None, age: int | None, medicines: list[dict[str, str]]
) -> None:
    from ldnderm.safety.classify import classify
    from ldnderm.safety.profile import read_profile

    doc = complete(**{key: None for key in dropped}, sex=sex, age=age)
    if "medications" not in dropped:
        doc["medications"] = medicines
    result = safety.screen_document(doc)
    if result.verdict == "ok":
        for med in read_profile(doc).medications:
            assert classify(med).kind == "non_opioid", med
        assert result.not_checked == []
        missing_pregnancy = dropped & {"pregnant", "breastfeeding"}
        assert not (dropped - missing_pregnancy)
        if missing_pregnancy:
            assert sex == "male" or (age is not None and not 12 <= age <= 55)
    else:
        assert result.not_checked or result.findings


def test_lab_values_are_shown_with_their_multiple_of_the_limit_and_no_verdict() -> None:
    labs = [
        {"name": "ALT", "value": 400, "unit": "U/L", "upper_limit": 40, "code": "1742-6"},
        {"name": "eGFR", "value": 25, "unit": "mL/min/1.73m2"},
    ]
    result = safety.screen_document(complete(lab_values=labs))
    assert result.verdict == "ok" and result.findings == []  # no sourced threshold exists
    alt, egfr = result.lab_values
    assert (alt.value, alt.times_upper_limit) == (Decimal(400), Decimal(10))
    assert egfr.times_upper_limit is None


def test_lab_values_name_the_field_at_fault() -> None:
    import pytest

    from ldnderm.kernel.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        safety.screen_document(complete(lab_values=[{"name": "ALT", "value": -1, "unit": "U/L"}]))
    assert caught.value.field == "lab_values[0].value"


def test_fhir_lab_values_reach_the_screen() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "bili",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "1975-2"}]},
                    "effectiveDateTime": "2026-02-20",
                    "valueQuantity": {"value": 0.8, "unit": "mg/dL", "code": "mg/dL"},
                    "referenceRange": [{"high": {"value": 1.2, "unit": "mg/dL"}}],
                }
            }
        ],
    }
    result = safety.screen_document(bundle, as_of=date(2026, 3, 1))
    (bili,) = result.lab_values
    assert (bili.code, bili.value, bili.upper_limit) == ("1975-2", Decimal("0.8"), Decimal("1.2"))

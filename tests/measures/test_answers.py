"""Structured answers in measure definitions: validated at load, labels only from verified rules,
diary modes offered only when their scoring rule is usable."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ldnderm import measures
from ldnderm.measures.model import Answer, MeasureDefinition


def _definition(**changes: Any) -> dict[str, Any]:
    data = measures.get("dlqi").definition.model_dump(mode="json")
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"type": "int"}, "needs min"),
        ({"type": "int", "min": 3, "max": 0}, "above max"),
        ({"type": "choice"}, "needs choices"),
        ({"type": "group"}, "parts belong"),
        ({"type": "int", "min": 0, "parts": {"a": {"type": "int", "min": 0}}}, "parts belong"),
        ({"type": "choice", "choices": [{"value": "a"}, {"value": "a"}]}, "repeat"),
        ({"type": "int", "min": 0, "choices": [{"value": 5}]}, "are words"),
        ({"type": "int", "min": 0, "max": 3, "anchors": {4: "x"}, "labels_rule": "r"}, "anchors"),
        ({"type": "choice", "choices": [{"value": "a", "label": "A"}]}, "labels_rule"),
        ({"type": "int", "min": 0, "step": 0}, "greater than 0"),
    ],
)
def test_an_inconsistent_answer_is_refused_at_load(answer: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Answer.model_validate(answer)


def test_an_open_count_admits_any_number_above_its_minimum() -> None:
    count = Answer(type="int", min=0)
    assert count.admits(10**6) and not count.admits(-1)


def test_labels_must_come_from_a_rule_the_measure_has() -> None:
    data = _definition()
    data["items"][2]["answer"]["labels_rule"] = "no_such_rule"
    with pytest.raises(ValidationError, match="no_such_rule"):
        MeasureDefinition.model_validate(data)


def test_labels_may_not_come_from_an_unverified_rule() -> None:
    data = _definition()
    data["items"][2]["answer"]["labels_rule"] = "subscales"  # unverified in dlqi.yaml
    with pytest.raises(ValidationError, match="unverified rules"):
        MeasureDefinition.model_validate(data)


def test_every_shown_label_of_the_shipped_measures_cites_a_usable_rule() -> None:
    for measure_id in measures.ids():
        d = measures.get(measure_id).definition
        for item in d.items:
            for rule in item.answer.label_rules():
                assert d.usable(rule), (measure_id, item.key, rule)


def _uas7(**rule_status: str) -> dict[str, Any]:
    data = measures.get("uas7").definition.model_dump(mode="json")
    for rule in data["rules"]:
        rule["status"] = rule_status.get(rule["id"], rule["status"])
    return data


def test_uas7_offers_both_diary_modes_because_both_rules_are_verified() -> None:
    d = measures.get("uas7").definition
    assert [m.id for m in d.diary_modes()] == ["once_daily", "twice_daily"]
    assert {d.rules[i].status for i, r in enumerate(d.rules) if r.id.endswith("daily")} == {
        "verified"
    }


def test_a_diary_mode_with_an_unverified_rule_is_not_offered() -> None:
    d = MeasureDefinition.model_validate(_uas7(twice_daily="unverified"))
    assert [m.id for m in d.diary_modes()] == ["once_daily"]


def test_a_diary_mode_must_name_items_and_rules_of_the_measure() -> None:
    data = _uas7()
    data["diary"]["modes"][0]["items"] = ["days[i].sleep"]
    with pytest.raises(ValidationError, match="names no items"):
        MeasureDefinition.model_validate(data)
    data = _uas7()
    data["diary"]["modes"][0]["rule"] = "hourly"
    with pytest.raises(ValidationError, match="hourly"):
        MeasureDefinition.model_validate(data)


def test_dotted_item_keys_are_paths() -> None:
    d = measures.get("five-d-itch").definition
    assert [i.path for i in d.items][3] == ("disability", "sleep")


def test_answers_serialise_as_plain_json_numbers() -> None:
    import json

    item = measures.get("dlqi").describe()["items"][2]
    assert json.loads(json.dumps(item))["answer"]["max"] == 3
    assert Answer(type="decimal", min=0, max=10, step="0.5").model_dump()["step"] == 0.5

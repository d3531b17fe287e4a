"""Measure definitions: an item's bound is data, and must say which rule it rests on."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.measures.model import MeasureDefinition

BASE: dict[str, Any] = {
    "id": "m",
    "name": "M",
    "version": "1",
    "kind": "clinician_reported",
    "recall_period": "now",
    "score_range": "0 or more",
    "higher_is": "worse",
    "licence": "none",
    "citations": [],
    "rules": [{"id": "count_bound", "text": "a project bound", "status": "product_decision"}],
}


def item(**extra: Any) -> dict[str, Any]:
    answer = {"type": "int", "min": 0, "max": extra.get("maximum")}
    return {
        "key": "n",
        "topic": "a count",
        "allowed": "an integer 0-1000",
        "answer": answer,
        **extra,
    }


def test_an_item_bound_names_the_rule_behind_it() -> None:
    d = MeasureDefinition.model_validate(
        BASE | {"items": [item(maximum=1000, maximum_rule="count_bound"), item(key="k")]}
    )
    assert d.maxima() == {"n": 1000, "k": None}


def test_a_bound_and_the_answer_scale_agree() -> None:
    bad = item(maximum=1000, maximum_rule="count_bound") | {
        "answer": {"type": "int", "min": 0, "max": 999}
    }
    with pytest.raises(ValueError, match="answer max is not its maximum"):
        MeasureDefinition.model_validate(BASE | {"items": [bad]})


@pytest.mark.parametrize(
    "bad",
    [item(maximum=1000), item(maximum_rule="count_bound"), item(maximum=9, maximum_rule="nope")],
)
def test_a_bound_without_its_rule_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="item n"):
        MeasureDefinition.model_validate(BASE | {"items": [bad]})

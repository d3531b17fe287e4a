"""Assessment forms are built from the structured answers of measure definitions, and what they
post scores."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.registry.measure_forms import (
    MeasureForm,
    available,
    form_for,
    responses_from,
    scorable,
)


def _grid(form: MeasureForm, mode: str) -> Any:
    return next(g for g in form.grids if g.mode == mode)


@pytest.mark.parametrize("measure_id", available())
def test_every_measure_gets_a_structured_form(measure_id: str) -> None:
    form = form_for(measure_id)
    assert form.fields or form.grids


def test_measures_without_a_verified_total_are_entered_but_not_scored() -> None:
    assert {"five-d-itch", "lppai"} <= set(available())
    assert not {"five-d-itch", "lppai"} & set(scorable())


def test_dlqi_items_are_numbered_and_not_relevant_is_in_words() -> None:
    form = form_for("dlqi")
    assert [f.path for f in form.fields] == [(f"q{i}",) for i in range(1, 11)]
    assert form.fields[0].label == "1. itchy, sore, painful or stinging skin"
    assert [(o.value, o.label) for o in form.fields[2].options] == [
        ("0", "0"),
        ("1", "1"),
        ("2", "2"),
        ("3", "3"),
        ("not_relevant", "Not relevant"),
    ]
    q7 = [(o.value, o.label) for o in form.fields[6].options]
    assert q7 == [
        ("0", "0"),
        ("1", "1"),
        ("2", "2"),
        ("yes", "Yes"),
        ("not_relevant", "Not relevant"),
    ]


def test_dlqi_words_post_as_their_values_and_score() -> None:
    form = form_for("dlqi")
    posted = {f.name: "1" for f in form.fields}
    posted["dlqi__q3"] = "not_relevant"
    posted["dlqi__q7"] = "yes"
    responses = responses_from(form, posted)
    assert (responses["q3"], responses["q7"]) == ("not_relevant", "yes")
    assert measures.score("dlqi", responses).total == 8 + 0 + 3


def test_the_itch_nrs_shows_the_anchors_of_its_verified_rule() -> None:
    (field,) = form_for("itch-nrs").fields
    assert field.anchors == ("0 = no itch", "10 = worst imaginable itch")
    assert [o.value for o in field.options] == [str(v) for v in range(11)]


def test_a_pasi_region_becomes_one_row_per_part() -> None:
    form = form_for("pasi")
    assert ("head", "erythema") in [f.path for f in form.fields]
    posted = {f.name: "2" for f in form.fields}
    responses = responses_from(form, posted)
    assert responses["trunk"] == {"erythema": 2, "induration": 2, "desquamation": 2, "area": 2}
    assert measures.score("pasi", responses).computable


def test_lesion_counts_become_number_inputs_up_to_their_bound() -> None:
    field = form_for("ihs4").fields[0]
    assert field.widget == "number" and field.minimum == 0 and field.maximum == 1000


def test_five_d_itch_disability_nests_and_sites_are_checkboxes() -> None:
    form = form_for("five-d-itch")
    fields = {f.path: f for f in form.fields}
    assert fields[("disability", "sleep")].words == frozenset()
    assert "na" in fields[("disability", "work_school")].words
    sites = fields[("distribution",)]
    assert sites.widget == "checkboxes" and len(sites.options) == 16
    posted = {f.name: "3" for f in form.fields if f.widget == "radios"}
    posted["five-d-itch__disability__work_school"] = "na"
    posted["five-d-itch__distribution"] = ["face", "palms", "not-a-site"]  # type: ignore[assignment]
    responses = responses_from(form, posted)
    assert responses["disability"]["work_school"] == "na"
    assert responses["distribution"] == ["face", "palms"]
    result = measures.score("five-d-itch", responses)
    assert not result.computable and "formula not verified" in (result.reason or "")


def test_lppai_choices_post_as_words_and_validate() -> None:
    form = form_for("lppai")
    posted = {f.name: f.options[-1].value for f in form.fields}
    responses = responses_from(form, posted)
    assert (responses["pull_test"], responses["spreading"]) == ("negative", "spreading")
    assert measures.score("lppai", responses).details["unanswered"] == []


def test_uas7_offers_a_seven_day_grid_per_verified_mode() -> None:
    form = form_for("uas7")
    once, twice = _grid(form, "once_daily"), _grid(form, "twice_daily")
    assert len(once.rows) == len(twice.rows) == 7
    assert once.columns == ("wheals", "itch")
    assert twice.columns == ("Morning wheals", "Morning itch", "Evening wheals", "Evening itch")


def test_a_once_daily_grid_scores_the_worked_example_u1() -> None:
    form = form_for("uas7")
    u1 = [(1, 1), (2, 1), (0, 0), (1, 2), (3, 3), (0, 1), (1, 0)]  # tests/measures U1: 16
    posted = {"uas7__mode": "once_daily"}
    for row, (wheals, itch) in zip(_grid(form, "once_daily").rows, u1, strict=True):
        posted[row[0].name], posted[row[1].name] = str(wheals), str(itch)
    result = measures.score("uas7", responses_from(form, posted))
    assert (result.total, result.band) == (16, "moderate")


def test_a_twice_daily_grid_scores_the_worked_example_u4() -> None:
    form = form_for("uas7")
    posted = {"uas7__mode": "twice_daily"}
    for row in _grid(form, "twice_daily").rows:  # tests/measures U4: (1+2 + 2+1)/2 a day = 21
        for cell, value in zip(row, (1, 2, 2, 1), strict=True):
            posted[cell.name] = str(value)
    result = measures.score("uas7", responses_from(form, posted))
    assert (result.total, result.details["mode"]) == (21, "twice_daily")


def test_a_blank_day_leaves_the_week_not_computable() -> None:
    form = form_for("uas7")
    rows = _grid(form, "once_daily").rows
    posted = {cell.name: "1" for row in rows[:6] for cell in row}
    result = measures.score("uas7", responses_from(form, posted))
    assert not result.computable


def test_an_untouched_diary_is_left_out_and_an_unknown_mode_is_refused() -> None:
    form = form_for("uas7")
    assert responses_from(form, {}) == {}
    with pytest.raises(InvalidInput, match=r"assessments\.uas7\.mode"):
        responses_from(form, {"uas7__mode": "hourly"})


def test_a_posted_value_that_is_no_answer_names_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"assessments\.dlqi\.q2"):
        responses_from(form_for("dlqi"), {"dlqi__q2": "lots"})


def test_blank_answers_are_left_unanswered() -> None:
    form = form_for("dlqi")
    posted = {f.name: "1" for f in form.fields[1:]}
    result = measures.score("dlqi", responses_from(form, posted))
    assert result.computable and result.total == 9


def test_a_huge_number_is_refused_naming_the_field_not_a_crash() -> None:
    with pytest.raises(InvalidInput, match=r"assessments\.ihs4\.nodules"):
        responses_from(form_for("ihs4"), {"ihs4__nodules": "9" * 5000})
    with pytest.raises(InvalidInput) as refused:
        responses_from(form_for("ihs4"), {"ihs4__nodules": "9" * 5000})
    assert len(str(refused.value)) < 200

"""Assessment forms are generated from measure definitions, and what they post scores."""

from __future__ import annotations

import pytest

from ldnderm import measures
from ldnderm.web.registry.measure_forms import available, form_for, responses_from


@pytest.mark.parametrize("measure_id", available())
def test_every_scorable_measure_gets_a_form(measure_id: str) -> None:
    form = form_for(measure_id)
    assert form.json_only or form.fields


def test_dlqi_items_become_radio_rows_with_not_relevant() -> None:
    form = form_for("dlqi")
    assert [f.path for f in form.fields] == [(f"q{i}",) for i in range(1, 11)]
    assert form.fields[2].options == ("0", "1", "2", "3", "not_relevant")


def test_a_pasi_region_becomes_one_row_per_sign() -> None:
    form = form_for("pasi")
    assert ("head", "erythema") in [f.path for f in form.fields]
    posted = {f.name: "2" for f in form.fields}
    responses = responses_from(form, posted)
    assert responses["trunk"] == {"erythema": 2, "induration": 2, "desquamation": 2, "area": 2}
    assert measures.score("pasi", responses).computable


def test_lesion_counts_become_number_inputs_up_to_their_bound() -> None:
    field = form_for("ihs4").fields[0]
    assert not field.is_choice and field.minimum == 0 and field.maximum == 1000


def test_the_diary_measure_takes_json() -> None:
    form = form_for("uas7")
    assert form.json_only
    posted = {form.json_name: '{"days": [{"wheals": 1, "itch": 1}]}'}
    assert responses_from(form, posted) == {"days": [{"wheals": 1, "itch": 1}]}


def test_blank_answers_are_left_unanswered() -> None:
    form = form_for("dlqi")
    posted = {f.name: "1" for f in form.fields[1:]}
    result = measures.score("dlqi", responses_from(form, posted))
    assert result.computable and result.total == 9

"""Worked examples R3 and R4 (shared/research/instruments.md §8): the prurigo nodularis combined
endpoint of the PRIME trials, a worst-itch improvement of 4 or more *and* IGA PN-Stage 0/1, read
from the two measures' own results."""

from __future__ import annotations

import pytest

from ldnderm import measures


def combined_responder(itch_before: int, itch_after: int, nodules_after: int) -> bool:
    itch = measures.compare("itch-nrs", {"score": itch_before}, {"score": itch_after})
    stage = measures.score("pn-iga-stage", {"nodules": nodules_after})
    return itch.responders["responder_4pt"] and stage.band == "grade_0_or_1"


def test_r3_cannot_be_called_a_combined_responder_while_the_stage_anchor_is_unverified() -> None:
    # R3 (itch 9 -> 5, 4 nodules) is a responder once IGA PN-S 0/1 = 0-5 nodules is verified;
    # today that anchor rests on a weak source only, so stage and endpoint are not computed.
    assert measures.score("pn-iga-stage", {"nodules": 4}).computable is False
    assert combined_responder(9, 5, 4) is False


def test_r4_itch_9_to_6_with_2_nodules_is_not_a_responder() -> None:
    assert combined_responder(9, 6, 2) is False


@pytest.mark.parametrize("nodules", [6, 19])
def test_an_unverified_grade_2_count_never_counts_as_success(nodules: int) -> None:
    stage = measures.score("pn-iga-stage", {"nodules": nodules})
    assert stage.computable is False
    assert combined_responder(9, 2, nodules) is False

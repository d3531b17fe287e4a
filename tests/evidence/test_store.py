"""Resolving conditions by id, name, synonym or ICD-10-CM code; NotFound with suggestions."""

from __future__ import annotations

import pytest

from ldnderm import evidence
from ldnderm.evidence.store import KnowledgeBase
from ldnderm.kernel.errors import NotFound


class TestConditionLookup:
    @pytest.mark.parametrize(
        ("key", "expected"),
        [
            ("L73.2", "hidradenitis-suppurativa"),
            ("l73.2", "hidradenitis-suppurativa"),
            ("Hidradenitis Suppurativa", "hidradenitis-suppurativa"),
            ("benign familial pemphigus", "hailey-hailey-disease"),
            ("Hailey Hailey disease", "hailey-hailey-disease"),
            ("frontal fibrosing alopecia", "lichen-planopilaris"),
            ("L66.12", "lichen-planopilaris"),
            ("chronic hives", "chronic-urticaria"),
            ("L29.9", "prurigo-nodularis"),
        ],
    )
    def test_it_resolves_names_synonyms_and_codes(self, key: str, expected: str) -> None:
        assert evidence.condition(key).id == expected

    def test_an_unknown_condition_suggests_close_matches(self) -> None:
        with pytest.raises(NotFound) as info:
            evidence.condition("hailey-haley")
        assert info.value.suggestions[0] == "hailey-hailey-disease"

    def test_a_shared_code_names_every_candidate(self) -> None:
        with pytest.raises(NotFound) as info:
            evidence.condition("Q82.8")
        assert set(info.value.suggestions) == {"hailey-hailey-disease", "darier-disease"}

    def test_an_unknown_study_suggests_close_ids(self, kb: KnowledgeBase) -> None:
        with pytest.raises(NotFound) as info:
            kb.study("albers")
        assert info.value.suggestions == ["albers-2017"]

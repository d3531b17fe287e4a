"""Loading: the shipped base validates, and crafted documents with broken references fail."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.evidence.loader import build, load
from ldnderm.evidence.store import KnowledgeBase
from ldnderm.kernel.errors import KnowledgeDataError
from tests.evidence.conftest import GUIDANCE, MECHANISMS, condition_doc, study_doc


def build_one(condition: dict[str, Any], *studies: dict[str, Any]) -> KnowledgeBase:
    docs = [("s.yaml", {"studies": list(studies) or [study_doc()]})]
    return build([(f"{condition['id']}.yaml", condition)], docs, MECHANISMS, GUIDANCE)


class TestShippedBase:
    def test_it_loads_once_and_is_cached(self) -> None:
        assert load() is load()

    def test_ids_are_unique_across_conditions_studies_regimens(self, kb: KnowledgeBase) -> None:
        regimens = [r.id for c in kb.conditions.values() for r in c.regimens]
        assert len(regimens) == len(set(regimens))
        assert len(kb.conditions) == 17 and len(kb.studies) > 50

    def test_every_regimen_cites_a_study_in_the_base(self, kb: KnowledgeBase) -> None:
        for c in kb.conditions.values():
            for r in c.regimens:
                assert r.studies and all(s in kb.studies and s in c.studies for s in r.studies)

    def test_every_condition_has_a_study_or_a_search_statement(self, kb: KnowledgeBase) -> None:
        for cid, c in kb.conditions.items():
            level = kb.grades[cid].level
            assert c.studies or (level == "none" and c.searched), cid
            if level == "none":
                assert c.searched, cid

    def test_recommended_measures_exist(self, kb: KnowledgeBase) -> None:
        from ldnderm.measures.registry import MEASURES

        assert all(m in MEASURES for c in kb.conditions.values() for m in c.recommended_measures)

    def test_the_six_clinic_page_conditions_come_first(self, kb: KnowledgeBase) -> None:
        assert list(kb.conditions)[:6] == [
            "lichen-planopilaris",
            "prurigo-nodularis",
            "psoriasis",
            "hidradenitis-suppurativa",
            "chronic-urticaria",
            "hailey-hailey-disease",
        ]


class TestBrokenReferences:
    def test_a_valid_crafted_base_builds(self) -> None:
        assert build_one(condition_doc()).grades["c1"].level == "very_low"

    def test_a_regimen_citing_an_unknown_study_fails(self) -> None:
        doc = condition_doc(regimens=[{"id": "r", "label": "x", "dose": "x", "studies": ["nope"]}])
        with pytest.raises(KnowledgeDataError, match="regimen r cites unknown study 'nope'"):
            build_one(doc)

    def test_an_unknown_condition_study_fails(self) -> None:
        with pytest.raises(KnowledgeDataError, match="lists unknown study 'ghost'"):
            build_one(condition_doc(studies=["s1", "ghost"]))

    def test_an_unknown_measure_fails(self) -> None:
        with pytest.raises(KnowledgeDataError, match="unknown measure 'vas'"):
            build_one(condition_doc(recommended_measures=["vas"]))

    def test_duplicate_study_ids_fail(self) -> None:
        with pytest.raises(KnowledgeDataError, match="duplicate study id"):
            build_one(condition_doc(), study_doc(), study_doc())

    def test_no_primary_study_without_a_search_statement_fails(self) -> None:
        review = study_doc(design="review", direction=None)
        with pytest.raises(KnowledgeDataError, match="say what was searched"):
            build_one(
                condition_doc(
                    regimens=[],
                    certainty={"question": "q", "key_outcome": "itch", "studies": []},
                ),
                review,
            )

    def test_a_file_must_be_named_by_its_id(self) -> None:
        docs = [("s.yaml", {"studies": [study_doc()]})]
        with pytest.raises(KnowledgeDataError, match=r"file name must be c1\.yaml"):
            build([("other.yaml", condition_doc())], docs, MECHANISMS, GUIDANCE)

    def test_every_problem_is_reported_at_once(self) -> None:
        doc = condition_doc(studies=["s1", "ghost"], recommended_measures=["vas"])
        with pytest.raises(KnowledgeDataError) as info:
            build_one(doc)
        assert "ghost" in str(info.value) and "vas" in str(info.value)

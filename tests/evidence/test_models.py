"""The schema: identifier syntax, locators, and honesty about what was not seen."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ldnderm.evidence.models import Condition, Sourced, Study
from ldnderm.evidence.store import KnowledgeBase
from tests.evidence.conftest import condition_doc, study_doc


class TestIdentifierSyntax:
    def test_it_rejects_ids_that_are_not_kebab_case(self) -> None:
        with pytest.raises(ValidationError, match="kebab"):
            Study.model_validate(study_doc("Albers_2017"))

    def test_citation_fields_live_in_the_registry_not_the_study(self) -> None:
        with pytest.raises(ValidationError):
            Study.model_validate(study_doc(doi="10.1001/jamadermatol.2018.4093"))


class TestHonesty:
    def test_a_partial_study_must_say_what_was_not_seen(self) -> None:
        with pytest.raises(ValidationError, match="verification_note"):
            Study.model_validate(study_doc(verification="partial"))

    def test_a_primary_study_without_a_result_must_say_so(self) -> None:
        with pytest.raises(ValidationError, match="verification_note"):
            Study.model_validate(study_doc(direction=None))

    def test_a_statement_needs_a_source(self) -> None:
        with pytest.raises(ValidationError, match="without a source"):
            Sourced(text="Naltrexone helps.")

    def test_an_unverified_statement_may_have_no_source(self) -> None:
        statement = Sourced(text="Naltrexone helps.", verification="unverified")
        assert not statement.claim

    def test_a_code_needs_a_source_or_unverified(self) -> None:
        with pytest.raises(ValidationError, match="source id"):
            Condition.model_validate(condition_doc(icd10cm=[{"code": "L99.9", "label": "x"}]))

    def test_a_condition_without_codes_must_say_why(self) -> None:
        with pytest.raises(ValidationError, match="ICD-10-CM"):
            Condition.model_validate(condition_doc(icd10cm=[]))


class TestShippedData:
    def test_every_study_is_a_registry_entry_with_a_locator_or_unverified(
        self, kb: KnowledgeBase
    ) -> None:
        for s in kb.studies.values():
            src = kb.sources.get(s.id)
            assert src.has_locator or src.verification == "unverified", s.id

    def test_every_study_keeps_its_evidence_row(self, kb: KnowledgeBase) -> None:
        assert all(s.evidence_ref for s in kb.studies.values())

    def test_links_go_to_doi_org_and_pubmed(self, kb: KnowledgeBase) -> None:
        rct = kb.sources.get("lpp-ldn-rct-2020")
        assert rct.doi_url == "https://doi.org/10.1080/09546634.2020.1774488"
        assert rct.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/32449418/"
        assert rct.link == rct.doi_url

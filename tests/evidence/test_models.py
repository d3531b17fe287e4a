"""The schema: identifier syntax, locators, and honesty about what was not seen."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ldnderm.evidence.models import DOI_RE, PMID_RE, Condition, Sourced, Study
from ldnderm.evidence.store import KnowledgeBase
from tests.evidence.conftest import condition_doc, study_doc


class TestIdentifierSyntax:
    @pytest.mark.parametrize(
        "doi",
        [
            "10.1001/jamadermatol.2018.4093",
            "10.1016/S0190-9622(99)80048-6",
            "10.25259/CSDM_68_2025",
        ],
    )
    def test_it_accepts_real_dois(self, doi: str) -> None:
        assert Study.model_validate(study_doc(doi=doi)).doi == doi

    @pytest.mark.parametrize(
        "doi", ["doi:10.1001/x", "10.1/x", "https://doi.org/10.1001/x", "10.1001/"]
    )
    def test_it_rejects_malformed_dois(self, doi: str) -> None:
        with pytest.raises(ValidationError, match="DOI"):
            Study.model_validate(study_doc(doi=doi))

    @pytest.mark.parametrize("pmid", ["PMID30484835", "0123", "3048-4835", ""])
    def test_it_rejects_pmids_that_are_not_digits(self, pmid: str) -> None:
        with pytest.raises(ValidationError, match="PMID"):
            Study.model_validate(study_doc(pmid=pmid))

    def test_it_requires_a_url_where_the_study_was_seen(self) -> None:
        with pytest.raises(ValidationError):
            Study.model_validate(study_doc(urls=[]))

    def test_it_rejects_ids_that_are_not_kebab_case(self) -> None:
        with pytest.raises(ValidationError, match="kebab"):
            Study.model_validate(study_doc("Albers_2017"))


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

    def test_a_condition_without_codes_must_say_why(self) -> None:
        with pytest.raises(ValidationError, match="ICD-10-CM"):
            Condition.model_validate(condition_doc(icd10cm=[]))


class TestShippedData:
    def test_every_doi_and_pmid_is_well_formed(self, kb: KnowledgeBase) -> None:
        for s in kb.studies.values():
            assert s.doi is None or DOI_RE.match(s.doi), s.id
            assert s.pmid is None or PMID_RE.match(s.pmid), s.id

    def test_every_study_has_a_url_where_it_was_seen(self, kb: KnowledgeBase) -> None:
        assert all(s.urls and s.urls[0].startswith("http") for s in kb.studies.values())

    def test_every_study_keeps_its_evidence_row(self, kb: KnowledgeBase) -> None:
        assert all(s.evidence_ref for s in kb.studies.values())

    def test_links_go_to_doi_org_and_pubmed(self, kb: KnowledgeBase) -> None:
        rct = kb.study("lpp-ldn-rct-2020")
        assert rct.doi_url == "https://doi.org/10.1080/09546634.2020.1774488"
        assert rct.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/32449418/"

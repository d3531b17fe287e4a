"""The evidence pages: index with grade badges, clinician page, patient page."""

from __future__ import annotations

import pytest
from django.test import Client

from ldnderm.kernel.version import knowledge_version

pytestmark = pytest.mark.db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


class TestIndex:
    def test_it_lists_every_condition_with_a_grade_badge(self, client: Client) -> None:
        html = page(client, "/conditions/")
        assert html.count('class="badge grade grade-') == 17
        assert "grade-none" in html and "Hidradenitis suppurativa" in html

    def test_it_explains_the_grading_rule(self, client: Client) -> None:
        html = page(client, "/conditions/")
        assert "How certainty is rated" in html and "Key outcome" in html


class TestClinicianPage:
    def test_it_shows_the_evidence_table_with_linked_citations(self, client: Client) -> None:
        html = page(client, "/conditions/lichen-planopilaris/")
        assert 'href="https://doi.org/10.1080/09546634.2020.1774488"' in html
        assert 'href="https://pubmed.ncbi.nlm.nih.gov/32449418/"' in html
        assert "Evidence table" in html and "Regimens used in the literature" in html

    def test_it_shows_the_grade_and_its_reasons(self, client: Client) -> None:
        html = page(client, "/conditions/lichen-planopilaris/")
        assert "grade-low" in html and "Imprecision, down two levels" in html
        assert "Low certainty; the only trial found no benefit" in html
        assert "direction: no benefit" in html

    def test_a_grade_none_page_says_what_was_searched(self, client: Client) -> None:
        html = page(client, "/conditions/hidradenitis-suppurativa/")
        assert "What was searched" in html and "No evidence" in html

    def test_every_page_shows_the_knowledge_version(self, client: Client) -> None:
        for url in ("/conditions/", "/conditions/psoriasis/", "/conditions/psoriasis/patient"):
            assert knowledge_version() in page(client, url)

    def test_a_code_redirects_to_the_canonical_page(self, client: Client) -> None:
        response = client.get("/conditions/L73.2/")
        assert response.status_code == 302
        assert response["Location"] == "/conditions/hidradenitis-suppurativa/"

    def test_an_unknown_condition_is_404(self, client: Client) -> None:
        assert client.get("/conditions/not-a-disease/").status_code == 404


class TestPatientPage:
    def test_it_has_the_four_plain_language_sections(self, client: Client) -> None:
        html = page(client, "/conditions/chronic-urticaria/patient")
        for heading in (
            "What is it?",
            "What the evidence honestly says",
            "Questions to ask your dermatologist",
            "Safety basics",
        ):
            assert heading in html
        assert "We found no study of naltrexone in people with chronic hives" in html

    def test_safety_basics_mention_opioids_and_surgery(self, client: Client) -> None:
        html = page(client, "/conditions/hailey-hailey-disease/patient")
        assert "opioid" in html and "surgeon" in html

    def test_pages_load_no_assets_from_a_cdn(self, client: Client) -> None:
        html = page(client, "/conditions/hailey-hailey-disease/patient")
        assert '<script src="http' not in html and '<link rel="stylesheet" href="http' not in html

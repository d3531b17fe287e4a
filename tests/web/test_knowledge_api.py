"""``/api/v1/conditions``, ``/api/v1/studies/{id}`` and ``/api/v1/knowledge/version``."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.db


class TestConditionsApi:
    def test_the_list_carries_grades_and_the_version(self, client: Client) -> None:
        body = client.get("/api/v1/conditions").json()
        grades = {r["id"]: r["grade"] for r in body["conditions"]}
        assert grades["hidradenitis-suppurativa"] == "none"
        assert grades["chronic-urticaria"] == "none"
        assert body["knowledge_version"]

    def test_one_condition_resolves_an_icd10_code(self, client: Client) -> None:
        response = client.get("/api/v1/conditions/L73.2")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == "hidradenitis-suppurativa" and body["searched"]

    def test_one_condition_has_studies_regimens_and_grade_reasons(self, client: Client) -> None:
        body = client.get("/api/v1/conditions/lichen-planopilaris").json()
        assert body["grade"] == "low" and body["grade_reasons"]
        rct = next(s for s in body["studies"] if s["id"] == "lpp-ldn-rct-2020")
        assert rct["doi_url"] == "https://doi.org/10.1080/09546634.2020.1774488"
        assert body["regimens"][0]["studies"]

    def test_an_unknown_condition_is_404_with_suggestions(self, client: Client) -> None:
        response = client.get("/api/v1/conditions/urtikaria")
        assert response.status_code == 404
        assert response.json()["suggestions"] == ["chronic-urticaria"]


class TestStudiesAndVersion:
    def test_a_study_lists_the_conditions_citing_it(self, client: Client) -> None:
        body = client.get("/api/v1/studies/albers-2017").json()
        assert body["design"] == "case_series" and body["pmid"] == "28768313"
        assert body["conditions"] == ["hailey-hailey-disease"]

    def test_an_unknown_study_is_404(self, client: Client) -> None:
        assert client.get("/api/v1/studies/albers").status_code == 404

    def test_the_version_matches_the_footer_version(self, client: Client) -> None:
        from ldnderm.kernel.version import knowledge_version

        body = client.get("/api/v1/knowledge/version").json()
        assert body["knowledge_version"] == knowledge_version()
        assert body["conditions"] == 17

"""The same input gives the same result through Python, the CLI and HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm import measures
from tests.fixtures.cli import ldnderm
from tests.fixtures.measure_examples import EXAMPLES

pytestmark = pytest.mark.db


@pytest.mark.parametrize("measure_id", list(EXAMPLES))
def test_score_agrees_across_python_cli_and_http(client: Client, measure_id: str) -> None:
    responses: dict[str, Any] = EXAMPLES[measure_id][0]
    python = measures.score(measure_id, responses).model_dump(mode="json")
    cli = ldnderm("score", measure_id, "-", "--json", stdin=json.dumps(responses))
    http = client.post(
        f"/api/v1/measures/{measure_id}/score", responses, content_type="application/json"
    )
    assert cli.returncode == 0, cli.stderr
    assert http.status_code == 200, http.content
    assert python == json.loads(cli.stdout) == http.json()


@pytest.mark.parametrize("measure_id", [m for m in EXAMPLES if measures.get(m).comparable])
def test_compare_agrees_across_python_cli_and_http(
    client: Client, measure_id: str, tmp_path: Any
) -> None:
    baseline, followup = EXAMPLES[measure_id]
    python = measures.compare(measure_id, baseline, followup).model_dump(mode="json")
    (tmp_path / "b.json").write_text(json.dumps(baseline))
    (tmp_path / "f.json").write_text(json.dumps(followup))
    cli = ldnderm(
        "compare", measure_id, str(tmp_path / "b.json"), str(tmp_path / "f.json"), "--json"
    )
    http = client.post(
        f"/api/v1/measures/{measure_id}/compare",
        {"baseline": baseline, "followup": followup},
        content_type="application/json",
    )
    assert cli.returncode == 0, cli.stderr
    assert http.status_code == 200, http.content
    assert python == json.loads(cli.stdout) == http.json()


def test_http_invalid_input_is_422_with_the_field_path(client: Client) -> None:
    bad = {
        "days": [{"wheals": 1, "itch": 1}] * 6
        + [{"am": {"wheals": 1, "itch": 9}, "pm": {"wheals": 0, "itch": 0}}]
    }
    response = client.post("/api/v1/measures/uas7/score", bad, content_type="application/json")
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "days", 6, "am", "itch"]
    assert "itch" in detail["msg"]


def test_http_unknown_measure_is_404_with_suggestions(client: Client) -> None:
    response = client.post("/api/v1/measures/dlq/score", {}, content_type="application/json")
    assert response.status_code == 404
    assert "dlqi" in response.json()["suggestions"]


def test_http_non_object_body_is_422_not_500(client: Client) -> None:
    response = client.post("/api/v1/measures/dlqi/score", "[1,2]", content_type="application/json")
    assert response.status_code == 422
    response = client.post("/api/v1/measures/dlqi/score", "{oops", content_type="application/json")
    assert response.status_code in {400, 422}


def test_measure_listing_has_citations(client: Client) -> None:
    rows = client.get("/api/v1/measures").json()
    assert [r["id"] for r in rows] == measures.ids()
    assert all(r["citations"] for r in rows)

"""``ldnderm evidence``: the list, one condition, JSON shape, and exit 2 for unknown names."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from ldnderm.cli.app import app

runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ldnderm", "evidence", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


class TestEvidenceCommand:
    def test_it_lists_every_condition_with_its_grade(self) -> None:
        result = runner.invoke(app, ["evidence"])
        assert result.exit_code == 0
        assert "hidradenitis-suppurativa" in result.output
        assert "No evidence" in result.output

    def test_the_list_as_json_has_ids_grades_counts_and_best_design(self) -> None:
        result = runner.invoke(app, ["evidence", "--json"])
        body = json.loads(result.output)
        row = next(r for r in body["conditions"] if r["id"] == "lichen-planopilaris")
        assert (row["grade"], row["best_design"]) == ("low", "rct")
        assert row["study_count"] >= 5 and body["knowledge_version"]

    def test_one_condition_as_json_has_the_documented_keys(self) -> None:
        body = json.loads(
            runner.invoke(app, ["evidence", "hailey-hailey-disease", "--json"]).output
        )
        for key in (
            "id",
            "name",
            "grade",
            "grade_reason",
            "studies",
            "regimens",
            "knowledge_version",
        ):
            assert key in body
        study = body["studies"][0]
        for key in (
            "id",
            "citation",
            "tier",
            "kind",
            "design",
            "n",
            "doi",
            "pmid",
            "urls",
            "direction",
        ):
            assert key in study

    def test_an_icd10_code_resolves(self) -> None:
        body = json.loads(runner.invoke(app, ["evidence", "L73.2", "--json"]).output)
        assert (body["id"], body["grade"]) == ("hidradenitis-suppurativa", "none")
        assert body["searched"]

    def test_human_output_shows_the_reasoning(self) -> None:
        result = runner.invoke(app, ["evidence", "lichen-planopilaris"])
        assert "Certainty: Low certainty; the only trial found no benefit" in result.output
        assert "randomised controlled trial" in result.output

    def test_an_unknown_condition_exits_2_with_suggestions(self) -> None:
        proc = run("hailey-haley")
        assert proc.returncode == 2
        assert "did you mean: hailey-hailey-disease" in proc.stderr
        assert proc.stdout == ""

    def test_the_process_prints_json_and_exits_0(self) -> None:
        proc = run("chronic urticaria", "--json")
        assert proc.returncode == 0
        assert json.loads(proc.stdout)["grade"] == "none"

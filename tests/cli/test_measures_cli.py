"""``ldnderm score``, ``compare`` and ``measures list`` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldnderm import measures
from tests.fixtures.cli import ldnderm
from tests.fixtures.measure_examples import EXAMPLES


def write(tmp_path: Path, name: str, payload: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return str(path)


class TestScore:
    def test_it_prints_the_json_contract(self, tmp_path: Path) -> None:
        run = ldnderm("score", "dlqi", write(tmp_path, "a.json", EXAMPLES["dlqi"][0]), "--json")
        assert run.returncode == 0, run.stderr
        out = json.loads(run.stdout)
        assert {"measure", "version", "computable", "total", "band", "reason", "details"} <= set(
            out
        )
        assert (out["total"], out["band"]) == (10, "moderate")

    def test_it_reads_stdin(self) -> None:
        run = ldnderm("score", "itch-nrs", "-", "--json", stdin='{"score": 9}')
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["band"] == "very_severe"

    def test_human_output_shows_the_copyright_line(self, tmp_path: Path) -> None:
        run = ldnderm("score", "dlqi", write(tmp_path, "a.json", EXAMPLES["dlqi"][0]))
        assert run.returncode == 0
        assert "10" in run.stdout and "Finlay" in run.stdout

    def test_a_not_computable_score_is_a_result_not_an_error(self) -> None:
        run = ldnderm("score", "dlqi", "-", "--json", stdin='{"q1": 1}')
        assert run.returncode == 0
        out = json.loads(run.stdout)
        assert out["computable"] is False and out["total"] is None and out["reason"]

    @pytest.mark.parametrize(
        ("stdin", "needle"),
        [
            ('{"q1": 7}', "q1"),
            ('{"q12": 1}', "q12"),
            ('{"q3": "sometimes"}', "q3"),
            ("[1, 2]", "JSON object"),
            ("{not json", "not valid JSON"),
            ('{"q1": NaN}', "NaN"),
        ],
    )
    def test_invalid_input_exits_2_with_one_line_naming_the_field(
        self, stdin: str, needle: str
    ) -> None:
        run = ldnderm("score", "dlqi", "-", stdin=stdin)
        assert run.returncode == 2
        assert run.stdout == ""
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0]
        assert "Traceback" not in run.stderr

    def test_a_count_above_the_bound_exits_2_naming_the_item(self) -> None:
        stdin = '{"nodules": 1000000, "abscesses": 0, "draining_tunnels": 0}'
        run = ldnderm("score", "ihs4", "-", stdin=stdin)
        assert run.returncode == 2
        expected = "ldnderm: nodules: 1000000 is out of range (allowed: an integer 0-1000)"
        assert run.stderr.strip() == expected

    def test_an_unknown_measure_exits_2_and_suggests(self) -> None:
        run = ldnderm("score", "pasi75", "-", stdin="{}")
        assert run.returncode == 2
        assert "pasi" in run.stderr and "Traceback" not in run.stderr

    def test_a_missing_file_exits_2(self, tmp_path: Path) -> None:
        run = ldnderm("score", "dlqi", str(tmp_path / "absent.json"))
        assert run.returncode == 2 and "absent.json" in run.stderr


class TestCompare:
    def test_it_prints_the_json_contract(self, tmp_path: Path) -> None:
        base, follow = EXAMPLES["pasi"]
        run = ldnderm(
            "compare",
            "pasi",
            write(tmp_path, "b.json", base),
            write(tmp_path, "f.json", follow),
            "--json",
        )
        assert run.returncode == 0, run.stderr
        out = json.loads(run.stdout)
        assert {"measure", "evaluable", "change", "percent_change", "responders", "reason"} <= set(
            out
        )
        assert out["evaluable"] is True
        assert out["change"] < 0

    def test_invalid_follow_up_names_the_field(self, tmp_path: Path) -> None:
        run = ldnderm(
            "compare",
            "itch-nrs",
            write(tmp_path, "b.json", {"score": 8}),
            write(tmp_path, "f.json", {"score": 11}),
        )
        assert run.returncode == 2 and "score" in run.stderr


class TestList:
    def test_json_lists_every_registered_measure_with_citations(self) -> None:
        run = ldnderm("measures", "list", "--json")
        assert run.returncode == 0, run.stderr
        rows = json.loads(run.stdout)
        assert [r["id"] for r in rows] == measures.ids()
        assert all(r["citations"] for r in rows)


def test_version_and_module_entry_point() -> None:
    run = ldnderm("--version")
    assert run.returncode == 0 and run.stdout.startswith("ldnderm ")

"""``ldnderm screen``, ``plan`` and ``compound`` as a user runs them: exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.cli import ldnderm as run
from tests.safety.profiles import complete


def test_screen_reads_a_file_and_prints_json(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"as_of": "2026-03-01", "medications": [{"name": "tramadol"}]}))
    done = run("screen", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "contraindicated"


def test_screen_detects_a_fhir_bundle_on_stdin() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "birthDate": "2015-01-01"}}],
    }
    done = run("screen", "-", "--json", "--as-of", "2026-03-01", stdin=json.dumps(bundle))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # A bundle with no medication data does not state "no medicines": opioid exposure unknown.
    assert (out["profile_source"], out["verdict"]) == ("fhir", "hold")
    assert "medications" in out["not_checked"]


def test_screen_prints_findings_with_sources_for_humans() -> None:
    doc = complete(planned_procedures=[{"date": "2099-01-01"}])
    del doc["as_of"]
    done = run("screen", "-", stdin=json.dumps(doc))
    assert done.returncode == 0
    assert "Verdict: CAUTION" in done.stdout and "source:" in done.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (
            ("screen", "-"),
            '{"medications": [{"name": "x", "end": "yesterday"}]}',
            "medications[0].end",
        ),
        (("screen", "-"), "not json", "FILE"),
        (("screen", "/no/such/file.json"), None, "FILE"),
        (("plan", "--condition", "psoriasis", "--start", "2026-13-01"), None, "start"),
        (
            ("plan", "--condition", "psoriasis", "--start", "2026-03-02", "--target-mg", "40"),
            None,
            "target_mg",
        ),
        (("compound", "--dose-mg", "4.5", "--days", "ten"), None, "days"),
        (("compound", "--dose-mg", "4.5", "--days", "30", "--form", "tablet"), None, "form"),
        (
            ("compound", "--dose-mg", "4.5", "--days", "30", "--concentration-mg-ml", "0"),
            None,
            "concentration_mg_ml",
        ),
    ],
)
def test_invalid_input_exits_2_naming_the_field(
    args: tuple[str, ...], stdin: str | None, field: str
) -> None:
    done = run(*args, stdin=stdin)
    assert done.returncode == 2
    assert f"ldnderm: {field}" in done.stderr


def test_unknown_condition_exits_2() -> None:
    done = run("plan", "--condition", "nothing-like-it", "--start", "2026-03-02")
    assert done.returncode == 2 and "unknown condition" in done.stderr


def test_plan_json_has_dated_steps() -> None:
    done = run("plan", "--condition", "psoriasis", "--start", "2026-03-02", "--json")
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    assert [s["dose_mg"] for s in steps] == [1.5, 3.0, 4.5] and steps[-1]["end"] is None


def test_compound_json_has_the_promised_keys() -> None:
    done = run("compound", "--dose-mg", "4.5", "--days", "30", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["total_mg"], out["tablets_50mg"], out["volume_ml"]) == (135.0, 3, 135.0)
    assert out["beyond_use_date"]


def test_compound_capsules_for_humans() -> None:
    done = run("compound", "--dose-mg", "3", "--days", "30", "--form", "capsule")
    assert done.returncode == 0 and "Dispense 30 capsules" in done.stdout


def test_compound_days_with_non_ascii_digits_exit_2_naming_days() -> None:
    done = run("compound", "--dose-mg", "4.5", "--days", "²")
    assert done.returncode == 2 and "ldnderm: days" in done.stderr


def test_plan_for_humans_shows_sources_note_and_whole_doses() -> None:
    done = run("plan", "--condition", "psoriasis", "--start", "2026-10-25")
    assert done.returncode == 0, done.stderr
    assert "Sources:" in done.stdout and "Weinstock" in done.stdout and "[weak]" in done.stdout
    assert "Note: Sources step every 7-14 days" in done.stdout
    assert ": 3 mg at bedtime" in done.stdout and "3.0 mg" not in done.stdout


def test_screen_for_humans_puts_the_most_severe_first_without_repeating_the_quality() -> None:
    profile = {
        "as_of": "2026-05-10",
        "planned_dose_mg": 4.5,
        "renal": "moderate",
        "medications": [{"name": "Robitussin AC", "prn": True, "end": "2026-05-08"}],
    }
    done = run("screen", "-", stdin=json.dumps(profile))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("[CONTRAINDICATED]") < out.index("[CAUTION]")
    assert "Robitussin AC -> codeine" in out
    assert out.count("Evidence quality") == 0 and "Source quality: strong." in out


def test_compound_for_humans_lists_sources_and_whole_totals() -> None:
    done = run("compound", "--dose-mg", "3", "--days", "365", "--form", "capsule")
    assert done.returncode == 0, done.stderr
    assert "Total 1095 mg" in done.stdout and "Cote" in done.stdout
    assert "dispense in parts of at most 180 days' supply" in done.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (("plan", "--condition", "psoriasis", "--start", "9999-12-31"), None, "start"),
        (("plan", "--condition", "psoriasis", "--start", "1849-01-01"), None, "start"),
        (("screen", "-", "--as-of", "2101-01-01"), "{}", "--as-of"),
        (("screen", "-"), '{"as_of": "1850-01-01"}', "as_of"),
    ],
)
def test_a_date_outside_1900_2100_exits_2_naming_the_field(
    args: tuple[str, ...], stdin: str | None, field: str
) -> None:
    done = run(*args, stdin=stdin)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"ldnderm: {field}: year ")
    assert "is out of range (allowed: a date in the years 1900-2100)" in done.stderr


def test_a_bundle_nested_100000_deep_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"resourceType": "Bundle", "entry": ' + "[" * 100_000 + "]" * 100_000 + "}")
    done = run("screen", str(path))
    assert done.returncode == 2
    assert done.stderr.strip() == f"ldnderm: FILE: '{path}' is nested too deeply to read"

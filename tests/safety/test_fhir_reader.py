"""The FHIR reader sets every fact it can read and leaves the rest unknown (absent).

Material we did not write:
- the Synthea R4 bundles in /work/shared/data/fhir-samples/synthea/ (Apache-2.0, Boston
  Children's Hospital; skipped when the directory is absent) and their trimmed copy
  examples/fhir-bundle.json;
- HL7/US-Core ``input/examples/Observation-serum-total-bilirubin.json`` (commit 4bfd28ca), used
  verbatim below;
- HL7/fhir-ips ``input/examples/observation-pregnancy-status-1.xml`` (commit 2dbdcbec), the IPS
  pregnancy-status example, transcribed from XML to JSON element by element.
Every other resource is hand-made, one per code path.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ldnderm import safety
from ldnderm.safety.fhir import profile_document, read_fhir_facts

AS_OF = date(2026, 3, 1)
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
SUBJECT = {"reference": "Patient/p1"}
ROOT = Path(__file__).resolve().parents[2]
SYNTHEA = Path("/work/shared/data/fhir-samples/synthea")


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def facts(*resources: dict[str, Any]) -> Any:
    return read_fhir_facts(bundle(*resources), as_of=AS_OF)


def doc(*resources: dict[str, Any]) -> dict[str, Any]:
    return profile_document(bundle(*resources), as_of=AS_OF)


def condition(code: str, status: str | None = "active", system: str = ICD) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": f"c-{code}",
        "subject": SUBJECT,
        "code": {"coding": [{"system": system, "code": code}]},
    }
    if status is not None:
        res["clinicalStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        }
    return res


def pregnancy_obs(
    answer: tuple[str, str], when: str | None = None, code: str = "82810-3", oid: str = "o"
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "valueCodeableConcept": {"coding": [{"system": answer[0], "code": answer[1]}]},
    }
    if when:
        res["effectiveDateTime"] = when
    return res


PREGNANT = (LOINC, "LA15173-0")
NOT_PREGNANT = (LOINC, "LA26683-5")
UNKNOWN = (LOINC, "LA4489-6")

# HL7/fhir-ips input/examples/observation-pregnancy-status-1.xml, as JSON.
IPS_PREGNANCY_EXAMPLE = {
    "resourceType": "Observation",
    "id": "pregnancy-status-example",
    "status": "final",
    "code": {"coding": [{"system": LOINC, "code": "82810-3", "display": "Pregnancy status"}]},
    "subject": {"reference": "Patient/patient-example-female"},
    "effectiveDateTime": "2020-01-10",
    "valueCodeableConcept": {
        "coding": [{"system": LOINC, "code": "LA15173-0", "display": "Pregnant"}]
    },
    "hasMember": [{"reference": "Observation/pregnancy-eed-example"}],
}

# HL7/US-Core input/examples/Observation-serum-total-bilirubin.json (meta dropped).
US_CORE_BILIRUBIN = {
    "resourceType": "Observation",
    "id": "serum-total-bilirubin",
    "status": "final",
    "category": [
        {
            "coding": [
                {
                    "code": "laboratory",
                    "display": "Laboratory",
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                }
            ],
            "text": "Laboratory",
        }
    ],
    "code": {
        "coding": [{"code": "1975-2", "display": "Bilirub SerPl-mCnc", "system": LOINC}],
        "text": "Bilirub SerPl-mCnc",
    },
    "subject": {"display": "Amy Shaw", "reference": "Patient/example"},
    "effectiveDateTime": "2005-07-07",
    "valueQuantity": {"system": UCUM, "unit": "mg/dL", "value": 8.6},
    "specimen": {"reference": "Specimen/specimen-example-serum", "display": "Serum specimen"},
    "referenceRange": [
        {
            "low": {"code": "mg/dL", "system": UCUM, "unit": "mg/dL", "value": 2.0},
            "high": {"code": "mg/dL", "system": UCUM, "unit": "mg/dL", "value": 7.0},
            "type": {
                "coding": [
                    {
                        "code": "normal",
                        "display": "Normal Range",
                        "system": "http://terminology.hl7.org/CodeSystem/referencerange-meaning",
                    }
                ],
                "text": "Normal Range",
            },
        }
    ],
}


# -- pregnancy ---------------------------------------------------------------------------------


def test_a_pregnancy_answer_without_the_pregnancy_status_code_is_ignored() -> None:
    """Regression: the reader used to set `pregnant` from any Observation with such an answer."""
    assert "pregnant" not in doc(pregnancy_obs(PREGNANT, code="11778-8"))
    text_only = pregnancy_obs(NOT_PREGNANT)
    text_only["code"] = {"text": "Pregnancy status"}
    assert "pregnant" not in doc(text_only)


def test_the_ips_pregnancy_status_example_reads_as_pregnant() -> None:
    assert doc(IPS_PREGNANCY_EXAMPLE) == {"pregnant": True}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (PREGNANT, True),
        ((SNOMED, "77386006"), True),
        (NOT_PREGNANT, False),
        ((SNOMED, "60001007"), False),
    ],
)
def test_pregnancy_answers(answer: tuple[str, str], expected: bool) -> None:
    assert doc(pregnancy_obs(answer, "2026-02-01"))["pregnant"] is expected


def test_the_unknown_answer_leaves_pregnancy_unknown() -> None:
    assert "pregnant" not in doc(pregnancy_obs(UNKNOWN, "2026-02-01"))


def test_the_most_recent_pregnancy_observation_wins() -> None:
    older, newer = (
        pregnancy_obs(PREGNANT, "2025-01-01", oid="a"),
        pregnancy_obs(NOT_PREGNANT, "2026-02-01", oid="b"),
    )
    assert doc(older, newer)["pregnant"] is False
    assert doc(newer, older)["pregnant"] is False
    latest_unknown = pregnancy_obs(UNKNOWN, "2026-02-20", oid="c")
    assert "pregnant" not in doc(older, newer, latest_unknown)
    undated = pregnancy_obs(PREGNANT, oid="d")
    assert doc(undated, newer)["pregnant"] is False


def test_an_unrecognised_pregnancy_answer_is_reported() -> None:
    got = facts(pregnancy_obs((SNOMED, "102874004"), "2026-02-01", oid="x"))
    assert "pregnant" not in got.document
    assert got.not_read == ["Observation/x: pregnancy status answer not understood"]


@pytest.mark.parametrize("code", ["Z33.1", "Z34.00", "Z3A.20", "O09.291", "O26.891", "O99.211"])
def test_an_active_pregnancy_condition_means_pregnant(code: str) -> None:
    assert doc(condition(code))["pregnant"] is True


@pytest.mark.parametrize("code", ["O80", "O82", "O85", "O92.3", "O94"])
def test_delivery_puerperium_and_sequelae_codes_leave_pregnancy_unknown(code: str) -> None:
    assert "pregnant" not in doc(condition(code))


def test_a_resolved_pregnancy_condition_leaves_pregnancy_unknown() -> None:
    assert "pregnant" not in doc(condition("Z33.1", status="resolved"))


def test_a_pregnancy_condition_outweighs_a_not_pregnant_observation_and_says_so() -> None:
    got = facts(condition("Z33.1"), pregnancy_obs(NOT_PREGNANT, "2026-02-01", oid="np"))
    assert got.document["pregnant"] is True
    assert any(n.startswith("Observation/np: not pregnant") for n in got.not_read)


def test_breastfeeding_is_never_read_and_the_reason_is_reported() -> None:
    obs = pregnancy_obs((LOINC, "LA29252-6"), "2026-02-01", code="63895-7", oid="bf")
    got = facts(obs, condition("Z39.1"))
    assert "breastfeeding" not in got.document
    assert got.not_read == [
        "Observation/bf: breastfeeding codes not verified on a published page; "
        "breastfeeding left unknown"
    ]


# -- liver and kidney --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("K72.00", "liver_failure"),
        ("K72.90", "liver_failure"),
        ("K70.40", "liver_failure"),
        ("K71.11", "liver_failure"),
        ("B15.9", "acute_hepatitis"),
        ("B16.9", "acute_hepatitis"),
        ("B17.10", "acute_hepatitis"),
        ("B19.0", "acute_hepatitis"),
        ("B19.11", "acute_hepatitis"),
        ("B19.21", "acute_hepatitis"),
        ("K71.2", "acute_hepatitis"),
        ("K7210", "liver_failure"),
    ],
)
def test_liver_codes_set_hepatic(code: str, level: str) -> None:
    assert doc(condition(code))["hepatic"] == level


def test_the_most_severe_liver_level_wins() -> None:
    assert doc(condition("B16.9"), condition("K72.10"))["hepatic"] == "liver_failure"
    assert doc(condition("K72.10"), condition("B16.9"))["hepatic"] == "liver_failure"


@pytest.mark.parametrize("code", ["B18.1", "B18.2", "K70.30", "K73.9", "K74.60", "K75.4", "K70.10"])
def test_chronic_liver_disease_keeps_its_code_but_leaves_hepatic_unknown(code: str) -> None:
    got = facts(condition(code))
    assert "hepatic" not in got.document
    assert got.document["conditions"] == [{"code": code, "system": "icd10cm"}]
    assert got.not_read == [
        f"Condition/c-{code}: ICD-10-CM {code} is active liver disease without a coded grade "
        "of impairment; hepatic not set from it"
    ]


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("N18.1", "mild"),
        ("N18.2", "mild"),
        ("N18.30", "moderate"),
        ("N18.31", "moderate"),
        ("N18.32", "moderate"),
        ("N18.4", "severe"),
        ("N18.5", "severe"),
        ("N18.6", "dialysis"),
        ("Z99.2", "dialysis"),
    ],
)
def test_kidney_codes_set_renal(code: str, level: str) -> None:
    assert doc(condition(code))["renal"] == level


def test_unstaged_kidney_disease_and_uncoded_conditions_leave_renal_unknown() -> None:
    got = facts(condition("N18.9"), condition("433144002", system=SNOMED))
    assert "renal" not in got.document and "hepatic" not in got.document
    assert got.not_read == [
        "Condition/c-N18.9: ICD-10-CM N18.9 is kidney disease without a stage; "
        "renal not set from it"
    ]


@pytest.mark.parametrize("status", ["resolved", "inactive", "remission"])
def test_inactive_conditions_set_no_fact(status: str) -> None:
    got = doc(condition("K72.10", status=status), condition("N18.4", status=status))
    assert "hepatic" not in got and "renal" not in got
    assert len(got["conditions"]) == 2  # still listed, as before


def test_a_condition_without_clinical_status_counts_unless_abated() -> None:
    assert doc(condition("N18.4", status=None))["renal"] == "severe"
    abated = condition("N18.4", status=None) | {"abatementDateTime": "2025-01-01"}
    assert "renal" not in doc(abated)


def test_a_refuted_condition_is_ignored() -> None:
    refuted = condition("K72.10") | {"verificationStatus": {"coding": [{"code": "refuted"}]}}
    assert doc(refuted) == {}


# -- labs --------------------------------------------------------------------------------------


def lab(code: str, value: float, unit: str, oid: str = "l", **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "effectiveDateTime": "2026-02-10",
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
    } | extra


def test_the_us_core_bilirubin_example_is_read_with_its_reference_range() -> None:
    got = facts(US_CORE_BILIRUBIN)
    assert list(got.document) == ["lab_values"]  # values only: no fact is set from a lab
    [value] = got.lab_values
    assert (value.code, value.name, str(value.value), value.unit) == (
        "1975-2",
        "Bilirubin, total",
        "8.6",
        "mg/dL",
    )
    assert str(value.reference_high) == "7.0" and value.effective == date(2005, 7, 7)
    assert value.resource == "Observation/serum-total-bilirubin"


def test_alt_ast_and_egfr_are_read_without_a_verdict() -> None:
    high = {
        "referenceRange": [{"high": {"value": 41, "unit": "U/L", "system": UCUM, "code": "U/L"}}]
    }
    egfr = lab("33914-3", 60, "mL/min/{1.73_m2}", oid="g")
    egfr["valueQuantity"]["comparator"] = ">"
    got = facts(lab("1742-6", 95, "U/L", oid="a", **high), lab("1920-8", 30, "U/L", oid="s"), egfr)
    assert [(v.name, str(v.value), v.unit) for v in got.lab_values] == [
        ("ALT", "95", "U/L"),
        ("AST", "30", "U/L"),
        ("eGFR (MDRD)", "60", "mL/min/{1.73_m2}"),
    ]
    assert got.lab_values[0].reference_high == 41
    assert got.lab_values[2].comparator == ">"
    assert list(got.document) == ["lab_values"] and got.not_read == []
    assert got.document["lab_values"][0] == {
        "name": "ALT",
        "value": "95",
        "unit": "U/L",
        "code": "1742-6",
        "upper_limit": "41",
        "taken_on": "2026-02-10",
    }


@pytest.mark.parametrize("code", ["48643-1", "76633-7", "77147-7", "62238-1", "98979-8"])
def test_every_listed_egfr_code_is_read(code: str) -> None:
    assert [v.code for v in facts(lab(code, 75, "mL/min/{1.73_m2}")).lab_values] == [code]


def test_a_unit_not_understood_is_reported_not_converted() -> None:
    got = facts(lab("1975-2", 12, "mg/L", oid="abc"), lab("1742-6", 1.2, "ukat/L", oid="k"))
    assert got.lab_values == []
    assert got.not_read == [
        "Observation/abc: Bilirubin, total unit mg/L not understood",
        "Observation/k: ALT unit ukat/L not understood",
    ]


def test_a_lab_without_a_value_or_with_a_non_result_status_is_reported() -> None:
    no_value = lab("1742-6", 1, "U/L", oid="n")
    del no_value["valueQuantity"]
    registered = lab("1920-8", 30, "U/L", oid="r") | {"status": "registered"}
    got = facts(no_value, registered)
    assert got.lab_values == []
    assert got.not_read == [
        "Observation/n: ALT has no numeric value",
        "Observation/r: AST with status registered not read",
    ]


def test_newest_lab_value_first() -> None:
    old = lab("1742-6", 20, "U/L", oid="old") | {"effectiveDateTime": "2025-01-01"}
    new = lab("1742-6", 80, "U/L", oid="new")
    assert [v.resource for v in facts(old, new).lab_values] == [
        "Observation/new",
        "Observation/old",
    ]


# -- planned procedures ------------------------------------------------------------------------


def procedure(status: str, when: str, oid: str = "p") -> dict[str, Any]:
    return {
        "resourceType": "Procedure",
        "id": oid,
        "status": status,
        "subject": SUBJECT,
        "code": {"text": "Knee arthroplasty"},
        "performedDateTime": when,
    }


def service_request(status: str, intent: str, **when: Any) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": "sr",
        "status": status,
        "intent": intent,
        "subject": SUBJECT,
        "code": {"coding": [{"system": SNOMED, "code": "80146002", "display": "Appendectomy"}]},
    } | when


def test_future_procedures_and_service_requests_are_planned_procedures() -> None:
    got = doc(
        procedure("preparation", "2026-04-02"),
        service_request("active", "order", occurrencePeriod={"start": "2026-03-10"}),
    )
    assert got["planned_procedures"] == [
        {"date": "2026-03-10", "description": "Appendectomy"},
        {"date": "2026-04-02", "description": "Knee arthroplasty"},
    ]
    profile = safety.profile_from_bundle(
        bundle(procedure("preparation", "2026-04-02")), as_of=AS_OF
    )
    assert profile.planned_procedures[0].opioid_analgesia_expected is True


@pytest.mark.parametrize(
    "resource",
    [
        procedure("preparation", "2026-02-01"),
        procedure("completed", "2026-04-02"),
        procedure("in-progress", "2025-12-01"),
        service_request("draft", "order", occurrenceDateTime="2026-04-02"),
        service_request("active", "proposal", occurrenceDateTime="2026-04-02"),
        service_request("active", "plan", occurrenceDateTime="2026-01-02"),
    ],
)
def test_past_done_or_unordered_procedures_are_not_planned(resource: dict[str, Any]) -> None:
    assert "planned_procedures" not in doc(resource)


def test_a_planned_procedure_without_a_date_is_reported() -> None:
    got = facts(service_request("active", "order"))
    assert "planned_procedures" not in got.document
    assert got.not_read == ["ServiceRequest/sr: planned procedure without a full date; not read"]


# -- medications -------------------------------------------------------------------------------


def statement(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": "ms",
        "status": status,
        "subject": SUBJECT,
        "medicationCodeableConcept": {"text": "tramadol"},
    } | extra


def test_no_medication_records_leave_medications_unknown() -> None:
    assert "medications" not in doc(condition("E03.9"))


def test_medication_records_state_medications_even_when_none_is_kept() -> None:
    assert doc(statement("not-taken"))["medications"] == []
    assert "medications" not in doc(statement("entered-in-error"))


def test_naltrexone_already_taken_is_a_medicine_and_a_naltrexone_request_is_the_plan() -> None:
    taken = statement("active", medicationCodeableConcept={"text": "naltrexone 4.5 mg"})
    assert doc(taken)["medications"] == [{"name": "naltrexone 4.5 mg"}]
    result = safety.screen_document(bundle(taken), as_of=AS_OF)
    assert "duplicate-naltrexone" in {f.rule for f in result.findings}


def test_a_completed_statement_ends_at_its_known_bound() -> None:
    taken = statement("completed", effectiveDateTime="2026-02-20")
    assert doc(taken)["medications"] == [
        {"name": "tramadol", "start": "2026-02-20", "end": "2026-02-20"}
    ]
    asserted = statement(
        "stopped", effectivePeriod={"start": "2026-01-01"}, dateAsserted="2026-02-25"
    )
    assert doc(asserted)["medications"][0]["end"] == "2026-02-25"
    ended = statement("completed", effectivePeriod={"start": "2026-01-01", "end": "2026-01-31"})
    assert doc(ended)["medications"][0]["end"] == "2026-01-31"


def test_a_stopped_record_without_a_stop_date_ends_on_its_authored_date_and_says_so() -> None:
    request = {
        "resourceType": "MedicationRequest",
        "id": "mr",
        "status": "stopped",
        "intent": "order",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"text": "oxycodone"},
        "authoredOn": "2025-06-01",
        "dispenseRequest": {"validityPeriod": {"start": "2025-06-01", "end": "2025-07-01"}},
    }
    got = facts(request)
    # Issue 11: a stopped or completed record uses its effective or authored date; the
    # validityPeriod (dispensing) is not a stop date.
    assert got.document["medications"] == [
        {"name": "oxycodone", "start": "2025-06-01", "end": "2025-06-01"}
    ]
    assert got.not_read == [
        "MedicationRequest/mr: status stopped but no stop date; read as ended on its start or "
        "authored date 2025-06-01"
    ]


def test_a_stopped_record_without_any_date_is_possibly_current_and_reported() -> None:
    request = {
        "resourceType": "MedicationRequest",
        "id": "mr",
        "status": "stopped",
        "intent": "order",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"text": "oxycodone"},
    }
    got = facts(request)
    assert got.document["medications"] == [{"name": "oxycodone"}]
    assert got.not_read == [
        "MedicationRequest/mr: status stopped but no stop date; read as possibly current"
    ]


def test_the_validity_period_is_not_a_stop_date() -> None:
    active = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"text": "oxycodone"},
        "authoredOn": "2026-01-05",
        "dispenseRequest": {"validityPeriod": {"start": "2026-01-01", "end": "2026-01-31"}},
    }
    assert doc(active)["medications"] == [{"name": "oxycodone", "start": "2026-01-05"}]


def test_a_medication_reference_is_resolved_or_kept_as_not_read() -> None:
    contained = statement(
        "active",
        medicationCodeableConcept=None,
        medicationReference={"reference": "#m1"},
        contained=[
            {
                "resourceType": "Medication",
                "id": "m1",
                "code": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "7804"}
                    ]
                },
            }
        ],
    )
    del contained["medicationCodeableConcept"]
    assert doc(contained)["medications"] == [{"rxnorm": "7804"}]
    in_bundle = statement("active", medicationReference={"reference": "Medication/m2"})
    del in_bundle["medicationCodeableConcept"]
    med = {"resourceType": "Medication", "id": "m2", "code": {"text": "morphine"}}
    assert doc(in_bundle, med)["medications"] == [{"name": "morphine"}]
    dangling = statement("active", medicationReference={"reference": "Medication/zz"})
    del dangling["medicationCodeableConcept"]
    got = facts(dangling)
    assert got.document["medications"] == [{"name": "not read: MedicationStatement/ms"}]
    assert got.not_read[0].startswith("MedicationStatement/ms: the medicine has no code or name")


# -- whole bundles -----------------------------------------------------------------------------


def test_facts_reach_the_screen() -> None:
    data = bundle(
        {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01", "gender": "female"},
        condition("K72.10"),
        condition("N18.4"),
        IPS_PREGNANCY_EXAMPLE,
    )
    profile = safety.profile_from_bundle(data, as_of=AS_OF)
    assert (profile.hepatic, profile.renal, profile.pregnant) == ("liver_failure", "severe", True)
    rules = {f.rule for f in safety.screen_document(data, as_of=AS_OF).findings}
    assert {"hepatic-acute", "renal-impairment", "pregnancy"} <= rules


def test_the_example_bundle_states_only_what_it_holds() -> None:
    data = json.loads((ROOT / "examples" / "fhir-bundle.json").read_text(encoding="utf-8"))
    got = read_fhir_facts(data, as_of=AS_OF)
    assert set(got.document) == {"birth_date", "sex", "conditions", "medications"}
    assert got.lab_values == []


@pytest.mark.skipif(not SYNTHEA.is_dir(), reason="shared Synthea samples not present")
@pytest.mark.parametrize(
    "path", sorted(SYNTHEA.glob("*.json")) if SYNTHEA.is_dir() else [], ids=lambda p: p.name[:12]
)
def test_synthea_bundles_read_without_inventing_facts(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    got = read_fhir_facts(data, as_of=AS_OF)
    # Synthea codes conditions in SNOMED CT only and has no pregnancy, liver, kidney or eGFR data,
    # and its procedures are all completed: none of these facts may appear.
    for key in ("hepatic", "renal", "pregnant", "breastfeeding", "planned_procedures", "labs"):
        assert key not in got.document
    assert isinstance(got.document["medications"], list) and got.document["medications"]
    assert got.lab_values == []
    safety.profile_from_bundle(data, as_of=AS_OF)  # the document is a valid profile

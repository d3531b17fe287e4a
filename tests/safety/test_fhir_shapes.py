"""The lean FHIR models the hooks read with: strict about what the screen reads, silent about
the rest, and read by the same reader to the same facts as full fhir.resources validation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ldnderm.safety import fhir_shapes
from ldnderm.safety.fhir import facts_from_resources, read_fhir_facts
from ldnderm.safety.fhir_shapes import MODELS, read_resource

AS_OF = date(2026, 3, 1)
ROOT = Path(__file__).resolve().parents[2]
SYNTHEA = Path("/work/shared/data/fhir-samples/synthea")
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def statement(**extra: Any) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": "ms-1",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "7804"}]},
        "subject": {"reference": "Patient/p1"},
    }
    res.update(extra)
    return res


def problem(resource: dict[str, Any]) -> str:
    model, why = read_resource(resource)
    assert model is None and why is not None
    return why


class TestStrictShapes:
    @pytest.mark.parametrize(
        ("extra", "where"),
        [
            ({"status": 5}, "status"),
            ({"status": None}, "status"),
            ({"medicationCodeableConcept": {"coding": {"code": "7804"}}}, "coding"),
            ({"medicationCodeableConcept": {"coding": [{"code": 7804}]}}, "coding.0.code"),
            ({"medicationCodeableConcept": {"text": ["oxycodone"]}}, "medicationCodeableConcept"),
            ({"effectivePeriod": {"start": "2024-13-01"}}, "effectivePeriod.start"),
            ({"effectivePeriod": {"start": "2023-02-30"}}, "effectivePeriod.start"),
            ({"effectiveDateTime": "2024-01-01T10:00:00"}, "effectiveDateTime"),  # no zone
            ({"effectiveDateTime": 20240101}, "effectiveDateTime"),
            ({"dosage": [{"asNeededBoolean": "true"}]}, "asNeededBoolean"),
            ({"dosage": {"asNeededBoolean": True}}, "dosage"),
            (
                {"dosage": [{"doseAndRate": [{"doseQuantity": {"value": "4,5"}}]}]},
                "doseQuantity.value",
            ),
            (
                {"dosage": [{"doseAndRate": [{"doseQuantity": {"value": True}}]}]},
                "doseQuantity.value",
            ),
        ],
    )
    def test_a_wrong_shape_where_the_screen_reads_makes_the_resource_unreadable(
        self, extra: dict[str, Any], where: str
    ) -> None:
        why = problem(statement(**extra))
        assert why.startswith("not valid FHIR R4B (") and where in why

    def test_status_is_required_where_it_is_read(self) -> None:
        res = statement()
        del res["status"]
        assert "status" in problem(res)
        assert "code" in problem({"resourceType": "Observation", "status": "final"})

    @pytest.mark.parametrize(
        "extra",
        [
            {"effectiveDateTime": "2024-01-01", "effectivePeriod": {"start": "2024-01-01"}},
            {"medicationReference": {"reference": "Medication/1"}},  # beside the concept
        ],
    )
    def test_a_choice_element_given_twice_is_unreadable(self, extra: dict[str, Any]) -> None:
        assert "one choice element given as" in problem(statement(**extra))

    def test_elements_the_screen_does_not_read_are_not_checked(self) -> None:
        res = statement(subject=42, note="not a list", informationSource={"reference": 1})
        model, why = read_resource(res)
        assert why is None and model is not None

    def test_a_type_the_reader_does_not_read(self) -> None:
        assert read_resource({"resourceType": "Encounter"}) == (
            None,
            "resource type 'Encounter' is not read",
        )
        assert read_resource({"id": "x"})[1] == "resource type None is not read"

    def test_primitive_values_are_typed_as_fhir_resources_types_them(self) -> None:
        model, _ = read_resource(
            statement(
                effectivePeriod={"start": "2024-05", "end": "2025-01-02T10:00:00+02:00"},
                dateAsserted="2025-01-03",
                dosage=[{"doseAndRate": [{"doseQuantity": {"value": 4.5, "unit": "mg"}}]}],
            )
        )
        assert isinstance(model, fhir_shapes.MedicationStatement)
        period = model.effectivePeriod
        assert period is not None
        assert period.start == "2024-05"  # partial: kept as text, never a made-up day
        assert period.end == datetime(2025, 1, 2, 10, tzinfo=timezone(timedelta(hours=2)))
        assert model.dateAsserted == date(2025, 1, 3)
        assert model.dosage and model.dosage[0].doseAndRate
        dose = model.dosage[0].doseAndRate[0].doseQuantity
        assert dose is not None and dose.value == Decimal("4.5")

    def test_instants_and_leap_seconds(self) -> None:
        obs = {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}
        model, _ = read_resource(dict(obs, issued="2024-01-01T00:00:00Z"))
        assert isinstance(model, fhir_shapes.Observation)
        assert model.issued == datetime(2024, 1, 1, tzinfo=UTC)
        model, _ = read_resource(dict(obs, issued="2016-12-31T23:59:60Z"))
        assert isinstance(model, fhir_shapes.Observation)
        assert model.issued == "2016-12-31T23:59:60Z"
        assert "issued" in problem(dict(obs, issued="2024-01-01"))

    def test_every_model_reports_its_resource_type(self) -> None:
        for kind, model in MODELS.items():
            assert model.model_fields["resourceType"].is_required()
            assert model.model_construct(resourceType=kind).get_resource_type() == kind


def lean_facts(bundle: dict[str, Any]) -> Any:
    models = []
    for entry in bundle.get("entry", []):
        model, _ = read_resource(entry["resource"])
        models.append(model)
    urls = [e.get("fullUrl") for e in bundle.get("entry", [])]
    return facts_from_resources(models, as_of=AS_OF, full_urls=urls)


def bundles() -> list[Path]:
    found = [ROOT / "examples" / "fhir-bundle.json"]
    return found + (sorted(SYNTHEA.glob("*.json")) if SYNTHEA.is_dir() else [])


@pytest.mark.parametrize("path", bundles(), ids=lambda p: p.name[:16])
def test_the_reader_finds_the_same_facts_in_lean_and_in_fully_validated_models(
    path: Path,
) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    full = read_fhir_facts(data, as_of=AS_OF)
    lean = lean_facts(data)
    assert lean.document == full.document
    assert lean.not_read == full.not_read
    assert lean.lab_values == full.lab_values


def test_the_equivalence_covers_the_shared_synthea_patients_when_present() -> None:
    if not SYNTHEA.is_dir():
        pytest.skip(f"{SYNTHEA} is absent: the Synthea equivalence cases were not generated")
    assert len([p for p in bundles() if p.parent == SYNTHEA]) == 3

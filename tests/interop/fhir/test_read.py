from __future__ import annotations

import pytest

from ldnderm.interop.fhir import measure_code_system, read_bundle, validate
from ldnderm.interop.fhir.read import HASH_SYSTEM, key_of
from ldnderm.kernel.errors import InvalidInput


def test_only_transaction_and_collection_bundles_are_read() -> None:
    with pytest.raises(InvalidInput, match="transaction or collection"):
        read_bundle({"resourceType": "Bundle", "type": "searchset"})
    with pytest.raises(InvalidInput, match="Bundle"):
        read_bundle({"resourceType": "Patient"})


def test_a_resource_without_identifier_is_keyed_by_its_content() -> None:
    one = key_of({"resourceType": "Patient", "id": "a", "gender": "female"})
    two = key_of({"resourceType": "Patient", "id": "b", "gender": "female"})
    assert one == two and one.system == HASH_SYSTEM


def test_unknown_resources_and_orphans_are_reported_not_imported() -> None:
    parsed = read_bundle(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"resource": {"resourceType": "Practitioner", "id": "x"}},
                {
                    "resource": {
                        "resourceType": "Condition",
                        "subject": {"reference": "Patient/missing"},
                        "code": {"text": "psoriasis"},
                    }
                },
            ],
        }
    )
    assert parsed.patients == []
    assert len(parsed.skipped) == 2


def test_the_measure_code_system_is_valid_fhir() -> None:
    system = measure_code_system()
    validate(system)
    assert {"dlqi", "itch-nrs"} <= {c["code"] for c in system["concept"]}

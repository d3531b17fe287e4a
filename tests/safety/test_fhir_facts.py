"""The FHIR fact code lists (``data/safety/fhir-facts.yaml``) against the CDC ICD-10-CM release.

Every ICD-10-CM code the reader maps exists in the CDC NCHS April 2026 release as bundled in the
``simple-icd-10-cm`` package (development dependency; registry id ``icd10cm-cdc-2026``), with the
title written in the data file; and matching by prefix selects exactly that item and its
descendants, so a prefix can never catch an unrelated code.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml
from ldnderm.safety.fhir import fact_codes, icd10cm_normal, matches

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as cm

RAW = load_yaml(DATA_DIR / "safety" / "fhir-facts.yaml")
ALL_CODES: list[str] = [c for c in cm.get_all_codes(True) if cm.is_category_or_subcategory(c)]


def _icd_entries() -> list[tuple[str, dict[str, Any]]]:
    preg = RAW["pregnancy"]
    out = [("pregnancy", e) for e in preg["conditions"] + preg["conditions_excluded"]]
    out += [(f"hepatic:{lvl}", e) for lvl, es in RAW["hepatic"].items() for e in es]
    out += [("hepatic:grade-not-coded", e) for e in RAW["hepatic_grade_not_coded"]]
    out += [(f"renal:{lvl}", e) for lvl, es in RAW["renal"].items() for e in es]
    out += [("renal:grade-not-coded", e) for e in RAW["renal_grade_not_coded"]]
    return out


ICD = _icd_entries()


@pytest.mark.parametrize(("group", "entry"), ICD, ids=[f"{g}:{e['code']}" for g, e in ICD])
def test_the_code_exists_with_our_title_and_cites_the_release(
    group: str, entry: dict[str, Any]
) -> None:
    code = str(entry["code"])
    assert cm.is_valid_item(code), f"{group}: {code} is not in ICD-10-CM"
    assert cm.get_description(code) == entry["title"], group
    assert "icd10cm-cdc-2026" in entry["sources"]


@pytest.mark.parametrize(("group", "entry"), ICD, ids=[f"{g}:{e['code']}" for g, e in ICD])
def test_prefix_matching_selects_the_item_and_its_descendants_only(
    group: str, entry: dict[str, Any]
) -> None:
    code = str(entry["code"])
    if cm.is_chapter_or_block(code) and "prefix" not in entry:
        return  # blocks are expanded to their categories (checked below)
    prefix = str(entry.get("prefix", code))
    selected = {c for c in ALL_CODES if matches(c, [prefix])}
    family = {c for c in cm.get_descendants(code) if cm.is_category_or_subcategory(c)}
    if cm.is_category_or_subcategory(code):
        family.add(code)
    assert selected == family, group


def test_excluded_pregnancy_blocks_expand_to_their_categories() -> None:
    excluded = fact_codes().pregnancy_excluded
    expected = {c for c in cm.get_children("O80-O82") + cm.get_children("O85-O92")} | {"O94"}
    # O81 does not exist in ICD-10-CM; the expansion may name it harmlessly.
    assert expected <= set(excluded) <= expected | {"O81"}
    assert not cm.is_valid_item("O81")


def test_the_documented_codes_map_to_the_documented_levels() -> None:
    codes = fact_codes()
    assert matches("K72.10", codes.hepatic["liver_failure"])
    assert matches("K70.41", codes.hepatic["liver_failure"])
    assert matches("K71.11", codes.hepatic["liver_failure"])
    assert matches("B17.10", codes.hepatic["acute_hepatitis"])
    assert not matches("B19.10", codes.hepatic["acute_hepatitis"])  # without hepatic coma
    assert matches("N18.31", codes.renal["moderate"])
    assert cm.get_description("N18.31") == "Chronic kidney disease, stage 3a"
    assert not matches("N18.9", [p for ps in codes.renal.values() for p in ps])


def test_icd_codes_are_normalised_to_dotted_upper_case() -> None:
    assert icd10cm_normal(" k7210 ") == "K72.10"
    assert icd10cm_normal("Z33.1") == "Z33.1"
    assert icd10cm_normal("K72") == "K72"


def test_every_code_cites_known_sources_and_unverified_codes_say_so() -> None:
    fact_codes()  # the loader rejects unknown registry ids
    for lab in RAW["labs"]:
        assert lab["verification"] in ("verified", "partial")
        assert registry().supports_claim(lab["sources"]) == (lab["verification"] == "verified")
    bf = RAW["breastfeeding"]
    for entry in bf["unverified_observation_codes"] + bf["unverified_answers"]:
        assert entry["verification"] == "partial"


def test_the_lab_list_has_no_threshold() -> None:
    for lab in RAW["labs"]:
        assert not {"threshold", "low", "high", "limit"} & set(lab)

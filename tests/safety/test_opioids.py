"""Opioid recognition: codes before names, whole-word names, look-alikes, the loperamide class."""

from __future__ import annotations

import pytest

from ldnderm.safety.opioids import PhraseIndex, match, normalise
from ldnderm.safety.profile import Medication


def med(**kw: str) -> Medication:
    return Medication.model_validate(kw)


class TestCodesFirst:
    def test_a_naltrexone_rxcui_wins_over_an_opioid_name(self) -> None:
        assert match(med(rxnorm="7243", name="oxycodone")) is None

    def test_an_opioid_rxcui_needs_no_name(self) -> None:
        found = match(med(rxnorm="10689"))
        assert found is not None and (found.ingredient, found.matched_by) == ("tramadol", "rxnorm")

    def test_an_unknown_rxcui_falls_back_to_the_name(self) -> None:
        found = match(med(rxnorm="999999999", name="hydromorphone"))
        assert found is not None and found.matched_by == "name"

    def test_an_excluded_atc_code_is_not_an_opioid_even_in_an_opioid_group(self) -> None:
        assert match(med(atc="N07BC04", name="lofexidine")) is None

    def test_a_specific_atc_code_names_the_ingredient(self) -> None:
        found = match(med(atc="n07bc02".upper()))
        assert found is not None and found.ingredient == "methadone" and found.long_acting

    def test_the_cough_group_alone_is_only_possible(self) -> None:
        found = match(med(atc="R05DA"))
        assert found is not None and found.certainty == "possible"

    def test_the_cough_group_with_codeine_in_the_name_is_definite(self) -> None:
        found = match(med(atc="R05DA", name="codeine phosphate syrup"))
        assert found is not None and (found.certainty, found.ingredient) == ("definite", "codeine")


class TestNames:
    @pytest.mark.parametrize(
        "name",
        [
            "dextromethorphan",
            "Delsym",
            "naloxone",
            "naltrexone 4.5 mg",
            "Vivitrol",
            "noscapine",
            "methylphenidate",
            "morphology cream",
            "levothyroxine",
        ],
    )
    def test_look_alikes_and_unrelated_names_are_not_opioids(self, name: str) -> None:
        assert match(med(name=name)) is None

    @pytest.mark.parametrize(
        ("name", "ingredient"),
        [
            ("OXYCONTIN 10MG", "oxycodone"),
            ("MS Contin", "morphine"),
            ("Tylenol with Codeine #3", "codeine"),
            ("buprenorphine and naloxone", "buprenorphine"),
            ("Demerol 50 mg", "meperidine"),
            ("Codéine", "codeine"),
        ],
    )
    def test_brands_salts_and_accents_are_recognised(self, name: str, ingredient: str) -> None:
        found = match(med(name=name))
        assert found is not None and found.ingredient == ingredient

    def test_loperamide_is_a_peripheral_antidiarrheal(self) -> None:
        found = match(med(name="loperamide 2 mg"))
        assert found is not None and found.opioid_class == "peripheral_antidiarrheal"

    def test_normalise_folds_case_accents_and_punctuation(self) -> None:
        assert normalise("Tylenol® w/ Codéine #3") == ("tylenol", "w", "codeine", "3")


class TestPhraseIndex:
    def test_the_earliest_ranked_phrase_wins_wherever_it_stands(self) -> None:
        index = PhraseIndex([(("ms", "contin"), "first"), (("contin",), "second")])
        assert index.first(("contin", "ms", "contin")) == "first"
        assert index.first(("contin", "ms")) == "second"

    def test_phrases_match_whole_words_only_and_empty_phrases_never(self) -> None:
        index = PhraseIndex([((), "empty"), (("a", "b"), "ab")])
        assert index.first(("a", "c", "b")) is None
        assert not index.contains_any(("x",))
        assert index.contains_any(("x", "a", "b"))


class TestBrandsFromTheClinicianReview:
    """Brand names a clinician types that the screen once passed as "ok" (each now sourced)."""

    @pytest.mark.parametrize(
        ("name", "ingredient"),
        [
            ("Robitussin AC", "codeine"),
            ("Cheratussin AC 10 mL", "codeine"),
            ("Guaiatussin AC", "codeine"),
            ("Tylenol #3", "codeine"),
            ("Tylenol No. 3", "codeine"),
            ("co-codamol 30/500", "codeine"),
            ("Tussionex", "hydrocodone"),
            ("Nucynta ER 50 mg", "tapentadol"),
            ("Zubsolv 5.7/1.4", "buprenorphine"),
            ("Belbuca film", "buprenorphine"),
            ("Sublocade 300 mg", "buprenorphine"),
            ("Brixadi 128 mg monthly", "buprenorphine"),
            ("Buvidal weekly", "buprenorphine"),
            ("Probuphine implant", "buprenorphine"),
            ("Bunavail", "buprenorphine"),
        ],
    )
    def test_the_brand_names_its_opioid(self, name: str, ingredient: str) -> None:
        found = match(med(name=name))
        assert found is not None and (found.ingredient, found.certainty) == (ingredient, "definite")

    @pytest.mark.parametrize("name", ["Robitussin DM", "Robitussin", "Tylenol 325 mg", "Tylenol"])
    def test_the_same_brand_family_without_an_opioid_stays_clear(self, name: str) -> None:
        assert match(med(name=name)) is None

"""Medicine look-up: names of the safety vocabulary, with their codes and class, by word
prefixes; nothing fuzzy, nothing below two characters."""

from __future__ import annotations

import pytest

from ldnderm.safety.lookup import suggest


def test_an_ingredient_comes_with_its_codes_and_class() -> None:
    (oxycodone,) = [s for s in suggest("oxycodone") if s.name == "oxycodone"]
    assert (oxycodone.role, oxycodone.kind) == ("ingredient", "opioid")
    assert (oxycodone.rxnorm, oxycodone.atc) == ("7804", "N02AA05")


def test_a_brand_names_its_ingredient() -> None:
    brands = {s.name: s for s in suggest("oxyc") if s.role == "brand"}
    assert brands["OxyContin"].of == "oxycodone" and brands["OxyContin"].kind == "opioid"


def test_every_word_typed_must_begin_a_word_of_the_name() -> None:
    names = [s.name for s in suggest("tyl cod")]
    assert "Tylenol with Codeine" in names
    assert all("cod" in n.lower() and "tyl" in n.lower() for n in names)


def test_names_beginning_with_the_query_come_first() -> None:
    names = [s.name for s in suggest("ultr")]
    assert names[:2] == ["Ultram", "Ultracet"]
    assert names.index("griseofulvin ultramicrosize") > 1


def test_naltrexone_itself_is_an_antagonist() -> None:
    assert suggest("naltrexone")[0].kind == "antagonist"


def test_a_known_non_opioid_is_found() -> None:
    assert suggest("hydroxychloroquine")[0].kind == "non_opioid"


@pytest.mark.parametrize("query", ["", "o", " ", "zzqqxx"])
def test_short_or_unknown_queries_find_nothing(query: str) -> None:
    assert suggest(query) == []


def test_the_number_of_suggestions_is_limited() -> None:
    assert len(suggest("a", limit=3)) == 0
    assert len(suggest("ac", limit=3)) == 3

"""classify(): one class per medication entry, codes before names, no fuzzy guessing.

Expectations are written by hand from the issue (10) and the sources named in opioids.yaml.
"""

from __future__ import annotations

import pytest

from ldnderm.safety.classify import Classification, classify
from ldnderm.safety.profile import Medication


def med(**kw: str) -> Medication:
    return Medication.model_validate(kw)


NAMED: list[tuple[str, str, str | None]] = [
    # illicit, atypical and novel opioids
    ("heroin", "opioid", "heroin"),
    ("diamorphine", "opioid", "heroin"),
    ("pethidine", "opioid", "meperidine"),
    ("kratom", "opioid", "mitragynine"),
    ("mitragynine", "opioid", "mitragynine"),
    ("7-hydroxymitragynine", "opioid", "7-hydroxymitragynine"),
    ("tianeptine", "opioid", "tianeptine"),
    ("isotonitazene", "opioid", "isotonitazene"),
    ("metonitazene", "opioid", "nitazene"),
    ("carfentanil", "opioid", "carfentanil"),
    ("laudanum", "opioid", "laudanum"),
    ("paregoric", "opioid", "paregoric"),
    # combination and international brands
    ("Ultracet", "opioid", "tramadol"),
    ("Tramacet", "opioid", "tramadol"),
    ("Nurofen Plus", "opioid", "codeine"),
    ("Solpadeine Max", "opioid", "codeine"),
    ("Tylenol #4", "opioid", "codeine"),
    ("Tylenol with Codeine No. 4", "opioid", "codeine"),
    ("co-dydramol", "opioid", "dihydrocodeine"),
    ("co-codamol 30/500", "opioid", "codeine"),
    ("Panadeine Forte", "opioid", "codeine"),
    ("Targin", "opioid", "oxycodone"),
    ("Xtampza ER", "opioid", "oxycodone"),
    ("Kapanol", "opioid", "morphine"),
    ("Abstral", "opioid", "fentanyl"),
    ("Subsys", "opioid", "fentanyl"),
    ("Hycodan", "opioid", "hydrocodone"),
    ("Tuzistra XR", "opioid", "codeine"),
    ("Apadaz", "opioid", "benzhydrocodone"),
    ("buprenorphine and naloxone", "opioid", "buprenorphine"),
    ("oxycodone/naloxone", "opioid", "oxycodone"),
    # brand family whose members differ
    ("Solpadeine", "confirm_ingredient", None),
    # systemic antagonists: duplicate naltrexone
    ("Contrave", "antagonist", "naltrexone"),
    ("Mysimba", "antagonist", "naltrexone"),
    ("Vivitrol", "antagonist", "naltrexone"),
    ("Revia", "antagonist", "naltrexone"),
    ("naltrexone 4.5 mg", "antagonist", "naltrexone"),
    ("Lybalvi", "antagonist", "samidorphan"),
    # known non-opioids, with today's sourced handling of the look-alikes
    ("metformin", "non_opioid", "metformin"),
    ("atorvastatin 20 mg tablet", "non_opioid", "atorvastatin"),
    ("clobetasol", "non_opioid", "clobetasol"),
    ("clobetasol propionate 0.05% ointment", "non_opioid", "clobetasol propionate"),
    ("levothyroxine", "non_opioid", "levothyroxine"),
    ("dextromethorphan", "non_opioid", "dextromethorphan"),
    ("naloxone", "non_opioid", "naloxone"),
    ("lofexidine", "non_opioid", "lofexidine"),
    # unknown
    ("Zorblatix 10 mg", "unrecognised", None),
    ("metformin and zorblatix", "unrecognised", None),
]


@pytest.mark.parametrize(("name", "kind", "ingredient"), NAMED, ids=[n[0] for n in NAMED])
def test_named_examples(name: str, kind: str, ingredient: str | None) -> None:
    c = classify(med(name=name))
    assert (c.kind, c.ingredient) == (kind, ingredient)
    if kind != "unrecognised":
        assert c.matched_by == "name" and c.matched


def test_loperamide_keeps_its_own_class() -> None:
    c = classify(med(name="loperamide 2 mg"))
    assert (c.kind, c.opioid_class) == ("opioid", "peripheral_antidiarrheal")


def test_a_bare_vsac_rxcui_is_an_opioid() -> None:
    c = classify(med(rxnorm="1790528"))  # Xtampza ER in VSAC Opioids 20210303
    assert (c.kind, c.ingredient, c.matched_by) == ("opioid", "oxycodone", "rxnorm")
    assert "vsac-opioids" in c.sources


def test_an_unknown_rxcui_alone_is_unrecognised() -> None:
    assert classify(med(rxnorm="999999999")) == Classification("unrecognised")


def test_an_unknown_rxcui_falls_back_to_the_name() -> None:
    c = classify(med(rxnorm="999999999", name="hydromorphone"))
    assert (c.kind, c.matched_by) == ("opioid", "name")


def test_the_naltrexone_rxcui_is_an_antagonist() -> None:
    assert classify(med(rxnorm="7243")).kind == "antagonist"


def test_a_non_opioid_code_never_clears_an_opioid_name() -> None:
    c = classify(med(rxnorm="483438", name="oxycodone"))  # a pregabalin product code
    assert c.kind == "opioid"


def test_an_atc_code_outside_the_opioid_groups_lets_the_name_decide() -> None:
    assert classify(med(atc="M01AE51", name="Nurofen Plus")).kind == "opioid"
    assert classify(med(atc="M01AE51")).kind == "unrecognised"


@pytest.mark.parametrize("atc", ["R05DA", "R05FA02", "N01AH"])
def test_mixed_atc_groups_ask_to_confirm(atc: str) -> None:
    assert classify(med(atc=atc)).kind == "confirm_ingredient"


def test_a_mixed_group_with_an_opioid_name_is_an_opioid() -> None:
    c = classify(med(atc="R05DA", name="codeine linctus"))
    assert (c.kind, c.ingredient) == ("opioid", "codeine")


def test_the_kalopanax_member_of_vsac_opioids_asks_to_confirm() -> None:
    assert classify(med(rxnorm="1307713")).kind == "confirm_ingredient"


def test_an_empty_entry_is_unrecognised() -> None:
    assert classify(med()).kind == "unrecognised"


def test_targin_is_not_found_inside_targiniq_or_vice_versa() -> None:
    assert classify(med(name="Targiniq ER")).ingredient == "oxycodone"
    assert classify(med(name="Targinxyz")).kind == "unrecognised"

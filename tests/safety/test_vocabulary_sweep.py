"""Sweep: every name and every code of the vocabulary, classified alone, gets its class.

Opioids (value-set concepts with an opioid ingredient, opioids.yaml ingredients, synonyms and
brands, international brands) -> "opioid"; systemic antagonists -> "antagonist"; every known
non-opioid (generated list, hand list, look-alikes) -> "non_opioid". Loperamide stays an opioid of
class peripheral_antidiarrheal; confirm entries ask to confirm.
"""

from __future__ import annotations

from ldnderm.safety.classify import classifier, classify
from ldnderm.safety.data import load, vocabulary
from ldnderm.safety.profile import Medication


def _failures(items: list[tuple[Medication, str]]) -> list[str]:
    out = []
    for m, kind in items:
        got = classify(m)
        if got.kind != kind:
            out.append(f"{m.name or m.rxnorm}: {got.kind}, expected {kind}")
    return out


def test_every_value_set_code() -> None:
    voc = vocabulary().valuesets
    confirm = {c.rxnorm for c in load().opioids.confirm if c.rxnorm}
    items = []
    for code, concept in voc.concepts.items():
        roles = {voc.roles.get(i) for i in concept.ingredients}
        if code in confirm:
            kind = "confirm_ingredient"
        elif "opioid" in roles or code == "6468":
            kind = "opioid"
        elif "naltrexone" in concept.ingredients:
            kind = "antagonist"
        else:
            kind = "non_opioid"  # naloxone and nalmefene rescue products
        items.append((Medication(rxnorm=code), kind))
    assert len(items) == 1891
    assert _failures(items) == []


def test_every_opioid_name() -> None:
    k = load().opioids
    voc = vocabulary().valuesets
    names = [n for i in k.ingredients for n in (i.name, *i.synonyms, *i.brands)]
    names += [b.name for b in k.brand_names]
    names += [i for i, r in voc.roles.items() if r == "opioid"]
    names += [
        b
        for c in voc.concepts.values()
        if any(voc.roles.get(i) == "opioid" for i in c.ingredients)
        for b in c.brands
    ]
    assert _failures([(Medication(name=n), "opioid") for n in sorted(set(names))]) == []


def test_every_antagonist_name_and_code() -> None:
    k = load().opioids
    items = [(Medication(name=n), "antagonist") for a in k.antagonists for n in (a.name, *a.brands)]
    items += [(Medication(rxnorm=a.rxnorm), "antagonist") for a in k.antagonists if a.rxnorm]
    assert _failures(items) == []


def test_every_known_non_opioid_name_and_code() -> None:
    k = load().opioids
    non = vocabulary().non_opioids
    names = list(non.names) + [h.name for h in k.known_non_opioids]
    names += [n for la in k.look_alikes for n in (la.name, *la.brands)]
    items = [(Medication(name=n), "non_opioid") for n in names]
    items += [(Medication(rxnorm=c), "non_opioid") for c in non.rxnorm]
    assert len(non.names) > 1000
    assert _failures(items) == []


def test_confirm_names() -> None:
    k = load().opioids
    items = [(Medication(name=c.name), "confirm_ingredient") for c in k.confirm]
    assert _failures(items) == []


def test_no_phrase_is_both_an_opioid_and_a_non_opioid() -> None:
    c = classifier()
    opioid = {p for p, v in c.names.items() if v.kind == "opioid"}
    non = {tuple(n.split()) for n in vocabulary().non_opioids.names}
    assert opioid & non == set()

"""Medicine look-up for entry forms: names of the safety vocabulary that match what was typed.

The candidates are exactly the names the classifier knows: opioid ingredients with their brands,
international brand names, antagonists, look-alikes, entries to confirm, the hand-added and the
generated known non-opioids, each with the RxNorm and ATC codes the data gives it. A query
matches a name when every word typed begins a word of the name (``"oxyc"`` finds ``oxycodone``
and ``OxyContin``; ``"tyl cod"`` finds ``Tylenol with Codeine``); names that begin with the
query come first, then shorter names. Each suggestion carries the class the classifier gives it,
so a form can say "opioid" before the screen runs. A name that matches nothing is still accepted
by the screen, which classifies it ``unrecognised`` (the ``unrecognised-medication`` hold):
there is no fuzzy guessing here either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from ldnderm.safety.classify import Kind, classifier, normalise
from ldnderm.safety.profile import Medication

Role = Literal["ingredient", "brand"]
MIN_QUERY = 2
LIMIT = 12


@dataclass(frozen=True)
class Suggestion:
    """One name to pick: ``ingredient`` (with the brands' ingredient under ``of``) or
    ``brand``; ``kind`` is the classifier's class of the name with its codes."""

    name: str
    role: Role
    kind: Kind
    rxnorm: str | None = None
    atc: str | None = None
    of: str | None = None


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]
    name: str
    role: Role
    rxnorm: str | None
    atc: str | None
    of: str | None


def suggest(query: str, limit: int = LIMIT) -> list[Suggestion]:
    """Up to ``limit`` names matching ``query`` (none below :data:`MIN_QUERY` characters)."""
    typed = normalise(query)
    if len("".join(typed)) < MIN_QUERY:
        return []
    joined = " ".join(typed)
    found = [e for e in _entries() if all(any(w.startswith(t) for w in e.words) for t in typed)]
    found.sort(key=lambda e: (not " ".join(e.words).startswith(joined), len(e.name), e.name))
    c = classifier()
    return [
        Suggestion(
            e.name,
            e.role,
            c.classify(Medication(name=e.name, rxnorm=e.rxnorm, atc=e.atc)).kind,
            e.rxnorm,
            e.atc,
            e.of,
        )
        for e in found[:limit]
    ]


@cache
def _entries() -> tuple[_Entry, ...]:
    c = classifier()
    codes = c.codes
    atc_of = {entry.ingredient.lower(): code for code, entry in codes.atc_codes.items()}
    rows: dict[str, _Entry] = {}

    def add(name: str, role: Role, rxnorm: str | None, atc: str | None, of: str | None) -> None:
        words = normalise(name)
        key = " ".join(words)
        if words and key not in rows:
            rows[key] = _Entry(words, name, role, rxnorm, atc or atc_of.get(name.lower()), of)

    for ing in codes.ingredients:
        add(ing.name, "ingredient", ing.rxnorm, None, None)
        for brand in ing.brands:
            add(brand, "brand", None, None, ing.name)
    for b in codes.brand_names:
        add(b.name, "brand", None, None, b.ingredient)
    for a in codes.antagonists:
        add(a.name, "ingredient", a.rxnorm, a.atc, None)
        for brand in a.brands:
            add(brand, "brand", None, None, a.name)
    for look in codes.look_alikes:
        add(look.name, "ingredient", look.rxnorm, look.atc, None)
        for brand in look.brands:
            add(brand, "brand", None, None, look.name)
    for conf in codes.confirm:
        add(conf.name, "brand", conf.rxnorm, None, None)
    for hand in codes.known_non_opioids:
        add(hand.name, "ingredient", None, None, None)
    non = c.vocabulary.non_opioids
    rxnorm_of = {name: code for code, name in non.rxnorm.items()}
    for name in non.names:
        add(name, "ingredient", rxnorm_of.get(name), None, None)
    return tuple(rows.values())

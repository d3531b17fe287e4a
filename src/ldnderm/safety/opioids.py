"""Recognising opioids in a medication entry: RxNorm code first, then ATC code, then the name.

The code list is data (``data/safety/opioids.yaml``, with a source for every code and
name). Names are normalised (case, accents, punctuation) and matched as whole words, so
"dextromethorphan" never matches "morphine" and "naloxone" never matches anything; a look-alike
name only prevents a match when no opioid ingredient appears beside it ("buprenorphine and
naloxone" is still buprenorphine).

Matching is a lookup, not a scan: the phrases are indexed by their first word once, when the
matcher is built, so a name costs one dictionary probe per word however long the code list is;
and :func:`normalise` remembers recent names (a screen asks about each medication several times).

Loperamide is recognised as an opioid of class ``peripheral_antidiarrheal`` (see the decision in
the data file header): the screening rules give it a caution, not a contraindication.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Generic, Literal, TypeVar

from ldnderm.safety.data import OpioidList, load
from ldnderm.safety.profile import Medication
from ldnderm.safety.trigger_params import Certainty, OpioidClass


@dataclass(frozen=True, slots=True)
class OpioidMatch:
    """Why a medication counts as an opioid: ``matched_by`` says which field decided."""

    ingredient: str | None
    opioid_class: OpioidClass
    certainty: Certainty
    matched_by: Literal["rxnorm", "atc", "name"]
    long_acting: bool

    def describe(self) -> str:
        what = self.ingredient or "unidentified opioid"
        return f"{what} [{self.opioid_class.replace('_', ' ')}; matched by {self.matched_by}]"


_T = TypeVar("_T")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)
def normalise(name: str) -> tuple[str, ...]:
    """Lower-case ASCII words.

    ``"Tylenol® w/ Codéine #3"`` -> ``("tylenol", "w", "codeine", "3")``.
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return tuple(_WORD.findall(ascii_text.lower()))


class PhraseIndex(Generic[_T]):
    """Normalised phrases by their first word, each with a value and its rank in the input order.

    :meth:`first` gives the value of the earliest-ranked phrase that occurs as whole words
    anywhere in a name: the same answer as trying each phrase in order over every position,
    found with one dictionary probe per word. Empty phrases never match.
    """

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], _T]]) -> None:
        self._by_first: dict[str, list[tuple[int, tuple[str, ...], _T]]] = {}
        for rank, (phrase, value) in enumerate(phrases):
            if phrase:
                self._by_first.setdefault(phrase[0], []).append((rank, phrase, value))

    def first(self, words: tuple[str, ...]) -> _T | None:
        best: tuple[int, _T] | None = None
        for i, word in enumerate(words):
            for rank, phrase, value in self._by_first.get(word, ()):
                if (best is None or rank < best[0]) and words[i : i + len(phrase)] == phrase:
                    best = (rank, value)
        return None if best is None else best[1]

    def contains_any(self, words: tuple[str, ...]) -> bool:
        return any(
            words[i : i + len(phrase)] == phrase
            for i, word in enumerate(words)
            for _, phrase, _ in self._by_first.get(word, ())
        )


class OpioidMatcher:
    """Matches medications against one loaded :class:`OpioidList`."""

    def __init__(self, codes: OpioidList) -> None:
        self.codes = codes
        self._by_rxcui = {i.rxnorm: i for i in codes.ingredients if i.rxnorm}
        self._not_rxcui = {a.rxnorm for a in codes.look_alikes if a.rxnorm}
        self._by_ingredient = {i.name: i for i in codes.ingredients}
        phrases: list[tuple[tuple[str, ...], str]] = []
        for ing in codes.ingredients:
            for phrase in (ing.name, *ing.synonyms, *ing.brands):
                phrases.append((normalise(phrase), ing.name))
        phrases.sort(key=lambda p: -len(p[0]))  # longest phrase first ("ms contin")
        self._phrases = PhraseIndex(phrases)
        self._look_alikes = PhraseIndex(
            (normalise(p), a.name) for a in codes.look_alikes for p in (a.name, *a.brands)
        )
        self._groups = sorted(codes.atc_groups, key=lambda g: -len(g.prefix))

    def match(self, med: Medication) -> OpioidMatch | None:
        """The opioid this medication contains, or ``None``. Codes decide before names."""
        if med.rxnorm:
            if med.rxnorm in self._not_rxcui:
                return None
            ing = self._by_rxcui.get(med.rxnorm)
            if ing is not None:
                return self._make(ing.name, ing.class_, "definite", "rxnorm")
        if med.atc:
            return self._match_atc(med)
        return self._match_name(med.name)

    def _match_atc(self, med: Medication) -> OpioidMatch | None:
        code = self.codes.atc_codes.get(med.atc or "")
        if code is not None:
            if code.exclude or code.class_ is None:
                return None
            return self._make(code.ingredient, code.class_, "definite", "atc")
        group = next((g for g in self._groups if (med.atc or "").startswith(g.prefix)), None)
        if group is None:
            return self._match_name(med.name)  # an ATC code outside every opioid group
        by_name = self._match_name(med.name)
        if group.certainty == "definite":
            ingredient = by_name.ingredient if by_name else None
            return self._make(ingredient, group.class_, "definite", "atc")
        if by_name is not None:
            return by_name
        if med.name and self._is_look_alike(normalise(med.name)):
            return None
        return self._make(None, group.class_, "possible", "atc")

    def _match_name(self, name: str | None) -> OpioidMatch | None:
        if not name:
            return None
        ingredient = self._phrases.first(normalise(name))
        if ingredient is None:
            return None
        ing = self._by_ingredient[ingredient]
        return self._make(ing.name, ing.class_, "definite", "name")

    def _is_look_alike(self, words: tuple[str, ...]) -> bool:
        return self._look_alikes.contains_any(words)

    def _make(
        self,
        ingredient: str | None,
        opioid_class: OpioidClass,
        certainty: Certainty,
        matched_by: Literal["rxnorm", "atc", "name"],
    ) -> OpioidMatch:
        ing = self._by_ingredient.get(ingredient or "")
        long_acting = opioid_class == "maintenance" or bool(ing and ing.long_acting)
        return OpioidMatch(ingredient, opioid_class, certainty, matched_by, long_acting)


@cache
def matcher() -> OpioidMatcher:
    """The matcher over the shipped code list."""
    return OpioidMatcher(load().opioids)


def match(med: Medication) -> OpioidMatch | None:
    """Shortcut: :meth:`OpioidMatcher.match` with the shipped code list."""
    return matcher().match(med)

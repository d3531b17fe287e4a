"""Recognising opioids in a medication entry: RxNorm code first, then ATC code, then the name.

The code list is data (``data/safety/opioids.yaml``, with a source for every code and
name). Names are normalised (case, accents, punctuation) and matched as whole words, so
"dextromethorphan" never matches "morphine" and "naloxone" never matches anything; a look-alike
name only prevents a match when no opioid ingredient appears beside it ("buprenorphine and
naloxone" is still buprenorphine).

Since issue 10 the matcher is a view of the closed-world classifier
(:mod:`ldnderm.safety.classify`): one vocabulary, compiled once per process, indexed by the first
word of each phrase, with results cached per (code, ATC, name).

Loperamide is recognised as an opioid of class ``peripheral_antidiarrheal`` (see the decision in
the data file header): the screening rules give it a caution, not a contraindication.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from ldnderm.safety.classify import Classifier, PhraseIndex, classifier, normalise
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


class OpioidMatcher:
    """The opioid view of :class:`~ldnderm.safety.classify.Classifier` (one compiled vocabulary).

    ``match`` gives an :class:`OpioidMatch` for the classes ``opioid`` (certainty definite) and
    ``confirm_ingredient`` (certainty possible), and ``None`` for every other class.
    """

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.codes = classifier.codes

    def match(self, med: Medication) -> OpioidMatch | None:
        """The opioid this medication contains, or ``None``. Codes decide before names."""
        c = self.classifier.classify(med)
        if c.kind not in ("opioid", "confirm_ingredient") or c.opioid_class is None:
            return None
        certainty: Certainty = "definite" if c.kind == "opioid" else "possible"
        ingredient = c.ingredient if c.kind == "opioid" else None
        return OpioidMatch(
            ingredient, c.opioid_class, certainty, c.matched_by or "name", c.long_acting
        )


@cache
def matcher() -> OpioidMatcher:
    """The matcher over the shipped code list."""
    return OpioidMatcher(classifier())


def match(med: Medication) -> OpioidMatch | None:
    """Shortcut: :meth:`OpioidMatcher.match` with the shipped code list."""
    return matcher().match(med)


__all__ = ["OpioidMatch", "OpioidMatcher", "PhraseIndex", "match", "matcher", "normalise"]

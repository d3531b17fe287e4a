"""Closed-world medication classification: every medication entry gets exactly one class.

Classes (``Classification.kind``):

- ``opioid``: contains an opioid agonist or partial agonist (any opioid ingredient wins, so
  buprenorphine with naloxone and oxycodone with naloxone are opioids). Loperamide is an opioid of
  its own class ``peripheral_antidiarrheal``, which the rules treat as a caution;
- ``antagonist``: contains naltrexone or another systemic opioid antagonist (duplicate therapy);
- ``confirm_ingredient``: a mixed group (ATC R05DA, R05FA, N01AH ...: opioids beside
  non-opioids), a brand family whose members differ, or a value-set member to review;
- ``non_opioid``: a known non-opioid (the whole name is made of known non-opioid names and dose or
  form words); dextromethorphan, naloxone (rescue) and lofexidine stay here;
- ``unrecognised``: anything else. There is no fuzzy guessing.

Order: the RxNorm code, then the ATC code, then the normalised name (ingredient, brand and
international names, matched as whole-word phrases). A code that says "non-opioid" never clears a
name that contains an opioid or an antagonist. The vocabulary is compiled once per process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Generic, Literal, TypeVar

from ldnderm.safety.data import OpioidList, Vocabulary, load, vocabulary
from ldnderm.safety.profile import Medication
from ldnderm.safety.trigger_params import OpioidClass

Kind = Literal["opioid", "antagonist", "confirm_ingredient", "non_opioid", "unrecognised"]
MatchedBy = Literal["rxnorm", "atc", "name"]
KINDS: tuple[Kind, ...] = (
    "opioid",
    "antagonist",
    "confirm_ingredient",
    "non_opioid",
    "unrecognised",
)
_PRIORITY: dict[Kind, int] = {k: i for i, k in enumerate(KINDS)}

_T = TypeVar("_T")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=8192)
def normalise(name: str) -> tuple[str, ...]:
    """Lower-case ASCII words.

    ``"Tylenol® w/ Codéine #3"`` -> ``("tylenol", "w", "codeine", "3")``.
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return tuple(_WORD.findall(ascii_text.lower()))


class PhraseIndex(Generic[_T]):
    """Normalised phrases by their first word, each with a value and its rank in the input order.

    :meth:`first` gives the value of the earliest-ranked phrase that occurs as whole words
    anywhere in a name, found with one dictionary probe per word. Empty phrases never match.
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

    def hits(self, words: tuple[str, ...]) -> list[tuple[int, int, int, _T]]:
        """Every occurrence: (rank, start, end, value)."""
        out: list[tuple[int, int, int, _T]] = []
        for i, word in enumerate(words):
            for rank, phrase, value in self._by_first.get(word, ()):
                if words[i : i + len(phrase)] == phrase:
                    out.append((rank, i, i + len(phrase), value))
        return out


@dataclass(frozen=True, slots=True)
class Classification:
    """The one class of a medication entry, and why.

    ``opioid_class`` is set for opioids, and for ``confirm_ingredient`` it is the class the group
    would have (e.g. ``antitussive`` for R05DA). ``matched`` is the vocabulary entry (a name as
    listed, or a code); ``sources`` are source-registry ids.
    """

    kind: Kind
    ingredient: str | None = None
    opioid_class: OpioidClass | None = None
    long_acting: bool = False
    matched_by: MatchedBy | None = None
    matched: str | None = None
    sources: tuple[str, ...] = ()

    def via(self, matched_by: MatchedBy) -> Classification:
        return Classification(
            self.kind,
            self.ingredient,
            self.opioid_class,
            self.long_acting,
            matched_by,
            self.matched,
            self.sources,
        )


UNRECOGNISED = Classification("unrecognised")

# Words that may stand beside a known non-opioid name without making the entry unknown: doses,
# units, forms, routes, release and frequency words, salts and joiners. Digits are always allowed.
_FILLER_TEXT = """
    mg mcg ug g kg ml l iu unit units unt meq mmol percent pct actuat hr h hour hours day daily
    tablet tablets tab tabs capsule capsules cap caps caplet caplets pill pills lozenge softgel
    cream ointment oint gel lotion foam shampoo solution soln suspension susp syrup elixir drops
    drop spray inhaler inhalation nebuliser nebulizer powder sachet patch patches film injection
    injectable infusion pen prefilled syringe vial ampoule implant suppository enema wash
    oral topical top cutaneous transdermal nasal ophthalmic otic vaginal rectal sublingual buccal
    subcutaneous sc sq intramuscular im intravenous iv intradermal scalp
    extended modified prolonged delayed immediate sustained controlled release released er xr
    xl sr cr mr dr ir la ec ds chewable dispersible effervescent soluble coated
    and with w in of per for as the a to at or x
    once twice bid tid qid qd od bd prn nocte mane weekly week monthly month
    hydrochloride hcl bitartrate phosphate sulfate sulphate citrate tartrate hydrobromide mesylate
    maleate acetate bromide succinate fumarate sodium potassium calcium magnesium monohydrate
    dihydrate trihydrate hemihydrate anhydrous besylate dipropionate propionate valerate furoate
    generic brand otc
"""
FILLER: frozenset[str] = frozenset(_FILLER_TEXT.split())
_NUMBERISH = re.compile(r"^\d[a-z0-9]*$")


def _filler(word: str) -> bool:
    return word in FILLER or bool(_NUMBERISH.match(word))


class Classifier:
    """The compiled vocabulary: one code map and one phrase index over every name."""

    def __init__(self, codes: OpioidList, voc: Vocabulary) -> None:
        self.codes = codes
        self.vocabulary = voc
        classes: dict[str, tuple[str, OpioidClass, bool, tuple[str, ...]]] = {}
        for ing in codes.ingredients:
            entry = (ing.name, ing.class_, ing.long_acting or ing.class_ == "maintenance")
            classes[ing.name] = (*entry, tuple(ing.sources))
            for syn in ing.synonyms:
                classes.setdefault(syn.lower(), (*entry, tuple(ing.sources)))
        self._classes = classes
        roles = voc.valuesets.roles

        self.by_code: dict[str, Classification] = {}
        for code, name in voc.non_opioids.rxnorm.items():
            self.by_code[code] = Classification(
                "non_opioid", name, matched=code, sources=("drugbank-open-vocabulary",)
            )
        for code, concept in voc.valuesets.concepts.items():
            srcs = tuple(concept.sets)
            opioids = [i for i in concept.ingredients if roles.get(i) == "opioid"]
            antagonists = [i for i in concept.ingredients if roles.get(i) == "antagonist"]
            if opioids:
                self.by_code[code] = self._opioid(opioids[0], code, srcs)
            elif "naltrexone" in antagonists:
                self.by_code[code] = Classification(
                    "antagonist", "naltrexone", matched=code, sources=srcs
                )
            elif antagonists:  # naloxone or nalmefene rescue products
                self.by_code[code] = Classification(
                    "non_opioid", antagonists[0], matched=code, sources=srcs
                )
            else:  # in an opioid value set but no opioid parsed: a human confirms
                self.by_code[code] = Classification(
                    "confirm_ingredient", None, "analgesic", matched=code, sources=srcs
                )
        for a in codes.antagonists:
            if a.rxnorm:
                self.by_code[a.rxnorm] = Classification(
                    "antagonist", a.name, matched=a.rxnorm, sources=tuple(a.sources)
                )
        for c in codes.confirm:
            if c.rxnorm:
                self.by_code[c.rxnorm] = Classification(
                    "confirm_ingredient",
                    c.name,
                    "analgesic",
                    matched=c.rxnorm,
                    sources=tuple(c.sources),
                )
        for ing in codes.ingredients:
            if ing.rxnorm:
                self.by_code[ing.rxnorm] = self._opioid(ing.name, ing.rxnorm, tuple(ing.sources))

        # Names: (phrase, classification); the best kind wins for a phrase listed twice.
        named: dict[tuple[str, ...], Classification] = {}

        def add(text: str, c: Classification) -> None:
            phrase = normalise(text)
            old = named.get(phrase)
            if phrase and (old is None or _PRIORITY[c.kind] < _PRIORITY[old.kind]):
                named[phrase] = c

        for ing in codes.ingredients:
            for text in (ing.name, *ing.synonyms, *ing.brands):
                add(text, self._opioid(ing.name, text, tuple(ing.sources)))
        for b in codes.brand_names:
            add(b.name, self._opioid(b.ingredient, b.name, tuple(b.sources)))
        for ing_name, role in roles.items():
            if role == "opioid":
                add(ing_name, self._opioid(ing_name, ing_name, None))
        for concept in voc.valuesets.concepts.values():
            opioid_ings = [i for i in concept.ingredients if roles.get(i) == "opioid"]
            if opioid_ings:
                for brand in concept.brands:
                    add(brand, self._opioid(opioid_ings[0], brand, tuple(concept.sets)))
        for a in codes.antagonists:
            for text in (a.name, *a.brands):
                add(
                    text,
                    Classification("antagonist", a.name, matched=text, sources=tuple(a.sources)),
                )
        for c in codes.confirm:
            add(
                c.name,
                Classification(
                    "confirm_ingredient",
                    None,
                    "analgesic",
                    matched=c.name,
                    sources=tuple(c.sources),
                ),
            )
        for la in codes.look_alikes:
            for text in (la.name, *la.brands):
                add(
                    text,
                    Classification("non_opioid", la.name, matched=text, sources=tuple(la.sources)),
                )
        for name in voc.non_opioids.names:
            add(
                name,
                Classification(
                    "non_opioid",
                    name,
                    matched=name,
                    sources=("drugbank-open-vocabulary", "dner-2-0-9"),
                ),
            )
        for h in codes.known_non_opioids:
            add(h.name, Classification("non_opioid", h.name, matched=h.name))
        self.names = named
        ordered = sorted(named.items(), key=lambda kv: (_PRIORITY[kv[1].kind], -len(kv[0])))
        self._index: PhraseIndex[Classification] = PhraseIndex(ordered)
        self._look_alikes: PhraseIndex[Classification] = PhraseIndex(
            (
                normalise(text),
                Classification("non_opioid", la.name, matched=text, sources=tuple(la.sources)),
            )
            for la in codes.look_alikes
            for text in (la.name, *la.brands)
        )
        self._groups = sorted(codes.atc_groups, key=lambda g: -len(g.prefix))
        self._antagonist_atc = {a.atc: a for a in codes.antagonists if a.atc}

    def _opioid(
        self, ingredient: str, matched: str, sources: tuple[str, ...] | None
    ) -> Classification:
        """An opioid entry; ``sources`` None means the ingredient entry's own sources."""
        found = self._classes.get(ingredient) or self._classes.get(ingredient.lower())
        if found is None:
            # Every opioid ingredient of the value sets has a class (checked by the build).
            return Classification(
                "opioid", ingredient, "analgesic", False, None, matched, sources or ()
            )
        name, opioid_class, long_acting, own = found
        return Classification(
            "opioid",
            name,
            opioid_class,
            long_acting,
            None,
            matched,
            own if sources is None else sources,
        )

    def classify(self, med: Medication) -> Classification:
        return self._classify(med.rxnorm, med.atc, med.name)

    @lru_cache(maxsize=8192)  # noqa: B019 - one classifier per process (see classifier())
    def _classify(self, rxnorm: str | None, atc: str | None, name: str | None) -> Classification:
        if rxnorm:
            by_code = self.by_code.get(rxnorm.strip())
            if by_code is not None:
                return self._not_cleared(by_code.via("rxnorm"), name)
        if atc:
            by_atc = self._classify_atc(atc.strip().upper(), name)
            if by_atc is not None:
                return by_atc
        return self.classify_name(name)

    def _not_cleared(self, c: Classification, name: str | None) -> Classification:
        """A non-opioid code never clears a name holding an opioid, antagonist or mixed group."""
        if c.kind != "non_opioid":
            return c
        by_name = self.classify_name(name)
        return by_name if _PRIORITY[by_name.kind] < _PRIORITY["non_opioid"] else c

    def _classify_atc(self, atc: str, name: str | None) -> Classification | None:
        code = self.codes.atc_codes.get(atc)
        if code is not None:
            if code.class_ is not None and not code.exclude:
                found = self._opioid(code.ingredient, atc, tuple(code.sources))
                return Classification(
                    "opioid",
                    found.ingredient,
                    code.class_,
                    found.long_acting or code.class_ == "maintenance",
                    "atc",
                    atc,
                    tuple(code.sources),
                )
            if code.ingredient == "naltrexone":
                return Classification(
                    "antagonist", "naltrexone", None, False, "atc", atc, tuple(code.sources)
                )
            return self._not_cleared(
                Classification(
                    "non_opioid", code.ingredient, None, False, "atc", atc, tuple(code.sources)
                ),
                name,
            )
        antagonist = self._antagonist_atc.get(atc)
        if antagonist is not None:
            return Classification(
                "antagonist", antagonist.name, None, False, "atc", atc, tuple(antagonist.sources)
            )
        group = next((g for g in self._groups if atc.startswith(g.prefix)), None)
        if group is None:
            return None  # outside every opioid group: an ATC code never clears; the name decides
        by_name = self.classify_name(name)
        if by_name.kind == "opioid":
            return by_name
        if group.certainty == "definite":
            return Classification(
                "opioid",
                None,
                group.class_,
                group.class_ == "maintenance",
                "atc",
                group.prefix,
                tuple(group.sources),
            )
        if by_name.kind in ("antagonist", "non_opioid"):
            return by_name
        look_alike = self._look_alikes.first(normalise(name or ""))
        if look_alike is not None:  # "Robitussin DM" in R05DA: today's sourced handling
            return look_alike.via("name")
        return Classification(
            "confirm_ingredient",
            None,
            group.class_,
            False,
            "atc",
            group.prefix,
            tuple(group.sources),
        )

    def classify_name(self, name: str | None) -> Classification:
        if not name:
            return UNRECOGNISED
        words = normalise(name)
        hits = self._index.hits(words)
        if not hits:
            return UNRECOGNISED
        best = min(hits, key=lambda h: h[0])[3]
        if best.kind != "non_opioid":
            return best.via("name")
        covered = [False] * len(words)
        for _, start, end, _c in hits:
            for i in range(start, end):
                covered[i] = True
        if all(c or _filler(w) for c, w in zip(covered, words, strict=True)):
            return best.via("name")
        return UNRECOGNISED


@cache
def classifier() -> Classifier:
    """The classifier over the shipped opioid list and generated vocabulary (built once)."""
    return Classifier(load().opioids, vocabulary())


def classify(med: Medication) -> Classification:
    """The one class of ``med``: code first (RxNorm, ATC), then the normalised name."""
    return classifier().classify(med)

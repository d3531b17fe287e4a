"""The loaded knowledge base: its values, their computed grades, and look-ups by any name.

A :class:`KnowledgeBase` is built once by :mod:`ldnderm.evidence.loader` after every reference
in it has been checked, so the look-ups here never meet a dangling id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ldnderm.evidence.grading import Grade, grade
from ldnderm.evidence.models import Condition, Mechanism, PatientGuidance, Study
from ldnderm.kernel.errors import NotFound
from ldnderm.kernel.sources import SourceRegistry, registry


def normalise(key: str) -> str:
    """Case-fold and treat runs of spaces, hyphens, dashes and underscores as one space."""
    return re.sub(r"[\s_\-–—]+", " ", key.casefold()).strip()


def condition_keys(condition: Condition) -> list[str]:
    """Every string that names the condition: id, names, synonyms, ICD-10-CM codes."""
    keys = [condition.id, condition.name, *condition.names, *condition.synonyms]
    keys += [c.code for c in condition.icd10cm]
    return keys


@dataclass(frozen=True)
class KnowledgeBase:
    """Conditions, studies and mechanisms with the grade of each condition.

    ``conditions`` and ``studies`` keep file order (conditions: as listed in the index order of
    :data:`ldnderm.evidence.loader.CONDITION_ORDER`, then alphabetically).
    """

    conditions: Mapping[str, Condition]
    studies: Mapping[str, Study]
    mechanisms: tuple[Mechanism, ...]
    guidance: PatientGuidance
    sources: SourceRegistry = field(default_factory=registry)
    grades: Mapping[str, Grade] = field(init=False)
    _index: Mapping[str, tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        grades = {cid: grade(c, self.studies) for cid, c in self.conditions.items()}
        index: dict[str, list[str]] = {}
        for cid, condition in self.conditions.items():
            for key in condition_keys(condition):
                owners = index.setdefault(normalise(key), [])
                if cid not in owners:
                    owners.append(cid)
        object.__setattr__(self, "grades", grades)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    def condition(self, key: str) -> Condition:
        """The condition named by ``key``: its id, a name, a synonym or an ICD-10-CM code.

        Matching ignores case and treats spaces, hyphens and underscores alike, so
        ``"l73.2"``, ``"Hidradenitis suppurativa"`` and ``"hidradenitis-suppurativa"`` all
        resolve. Raises :class:`~ldnderm.kernel.errors.NotFound` with close matches when nothing
        matches, and with every candidate when a code is shared by several conditions (Q82.8
        covers both Hailey-Hailey and Darier disease).
        """
        owners = self._index.get(normalise(key), ())
        if len(owners) == 1:
            return self.conditions[owners[0]]
        if owners:
            raise NotFound("condition", key, list(owners))
        close = difflib.get_close_matches(normalise(key), list(self._index), n=5, cutoff=0.6)
        suggestions: list[str] = []
        for match in close:
            for cid in self._index[match]:
                if cid not in suggestions:
                    suggestions.append(cid)
        raise NotFound("condition", key, suggestions[:3])

    def study(self, study_id: str) -> Study:
        """The study with this id; :class:`~ldnderm.kernel.errors.NotFound` with close ids
        otherwise."""
        found = self.studies.get(study_id)
        if found is None:
            close = difflib.get_close_matches(study_id, list(self.studies), n=3, cutoff=0.6)
            raise NotFound("study", study_id, close)
        return found

    def grade_of(self, condition_id: str) -> Grade:
        return self.grades[condition_id]

    def studies_of(self, condition: Condition) -> list[Study]:
        return [self.studies[s] for s in condition.studies]

"""The evidence knowledge base: versioned clinical data files, their schema and loaders.

Query it with the functions here; they load and validate the data once, on first use::

    >>> from ldnderm import evidence
    >>> evidence.condition("L73.2").id
    'hidradenitis-suppurativa'
    >>> evidence.grade("hidradenitis-suppurativa").level
    'none'

Imports are lazy so that importing :mod:`ldnderm.kernel.version` (as every measure does) stays
cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ldnderm.evidence.grading import Grade
    from ldnderm.evidence.models import Condition, Mechanism, Study
    from ldnderm.evidence.store import KnowledgeBase

__all__ = ["base", "condition", "conditions", "grade", "mechanisms", "studies", "study"]


def base() -> KnowledgeBase:
    """The loaded, validated knowledge base (cached)."""
    from ldnderm.evidence.loader import load

    return load()


def conditions() -> list[Condition]:
    """Every condition, the six of the clinic page first."""
    return list(base().conditions.values())


def condition(key: str) -> Condition:
    """Resolve an id, name, synonym or ICD-10-CM code (any case); raises NotFound."""
    return base().condition(key)


def grade(key: str) -> Grade:
    """The computed evidence grade of the condition named by ``key``."""
    kb = base()
    return kb.grade_of(kb.condition(key).id)


def study(study_id: str) -> Study:
    """The study with this id; raises NotFound with close ids."""
    return base().study(study_id)


def studies() -> list[Study]:
    return list(base().studies.values())


def mechanisms() -> list[Mechanism]:
    return list(base().mechanisms)

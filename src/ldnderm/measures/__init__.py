"""Outcome measures scored exactly as published.

Use :func:`score` and :func:`compare` with a measure id and parsed JSON responses::

    >>> from ldnderm import measures
    >>> measures.score("itch-nrs", {"score": 8}).band
    'severe'

Each measure is a module here plus a definition in ``data/measures/<id>.yaml`` holding
its citations, licence (with the copyright line where one is required), recall period, items,
bands and thresholds, each rule tagged with how it was verified.
"""

from __future__ import annotations

from typing import Any

from ldnderm.measures.model import CompareResult, ScoreResult
from ldnderm.measures.registry import all_measures, get, ids

__all__ = ["CompareResult", "ScoreResult", "all_measures", "compare", "get", "ids", "score"]


def score(measure_id: str, responses: Any) -> ScoreResult:
    """Score ``responses`` with the measure ``measure_id``; see each measure for its input."""
    return get(measure_id).score(responses)


def compare(measure_id: str, baseline: Any, followup: Any) -> CompareResult:
    """Compare baseline and follow-up responses by the measure's responder definitions."""
    return get(measure_id).compare(baseline, followup)

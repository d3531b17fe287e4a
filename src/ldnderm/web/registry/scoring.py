"""Reading stored assessments so that one bad row never breaks a page, a list or an export.

A row is *unscorable* when its stored responses no longer pass its measure's input rules (an IHS4
of 1,000,000 nodules saved before counts were bounded), its measure is unknown to this build, or
its stored total lies outside the column's range. Every reading door (the patient page and its
charts, the visits and assessments API, the FHIR export, the dashboard, ``registry rescore``)
asks :func:`problem` and shows "cannot be scored: <reason>" instead of the stored score. The
stored row itself is left as it is: the raw responses remain the record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ldnderm import measures
from ldnderm.kernel.errors import LdnDermError
from ldnderm.web.registry.models import Assessment

UNSCORABLE = "cannot be scored"
TOTAL_LIMIT = Decimal(10) ** 6
"""Totals are stored with 8 digits, 2 of them decimals: every valid total is below 10^6."""
_CACHE = "_scoring_problem"


def problem(assessment: Assessment) -> str | None:
    """Why ``assessment`` cannot be scored as stored, in one line, or ``None`` when it can.

    The measure validates the stored responses again (the measures are pure and fast); the
    answer is remembered on the instance, so a page that asks twice scores once."""
    known = getattr(assessment, _CACHE, False)
    if known is not False:
        assert known is None or isinstance(known, str)
        return known
    found = _problem(assessment)
    setattr(assessment, _CACHE, found)
    return found


def _problem(assessment: Assessment) -> str | None:
    try:
        measures.get(assessment.measure_id).score(assessment.responses)
    except LdnDermError as exc:
        return str(exc)
    except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
        return f"the stored responses do not score ({type(exc).__name__})"
    total = assessment.total
    if total is not None and not (total.is_finite() and abs(total) < TOTAL_LIMIT):
        return f"the stored total {total} is out of range"
    return None


def shown_result(assessment: Assessment) -> dict[str, Any]:
    """The stored result, or for an unscorable row a not-computable result saying why."""
    reason = problem(assessment)
    stored = assessment.result if isinstance(assessment.result, dict) else {}
    if reason is None:
        return stored
    return {
        "measure": assessment.measure_id,
        "version": assessment.measure_version,
        "computable": False,
        "total": None,
        "band": None,
        "band_label": None,
        "reason": f"{UNSCORABLE}: {reason}",
        "details": {},
        "copyright": stored.get("copyright"),
        "knowledge_version": assessment.knowledge_version,
    }


def shown_total(assessment: Assessment) -> Decimal | None:
    """The stored total when the row scores; ``None`` otherwise."""
    return None if problem(assessment) is not None else assessment.total

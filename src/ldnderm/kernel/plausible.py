"""Plausibility bounds on clinical input that every door shares.

Today: the calendar years a clinical date may fall in. A date outside 1900-2100 is refused at
input, so no later step (a plan 28 weeks ahead, a due date 28 days after a visit) can run past
the calendar's end. The range is a project bound on what a registry of living patients records,
not a clinical claim.
"""

from __future__ import annotations

from datetime import date

from ldnderm.kernel.errors import InvalidInput

FIRST_YEAR = 1900
LAST_YEAR = 2100
YEARS_ALLOWED = f"a date in the years {FIRST_YEAR}-{LAST_YEAR}"


def check_year(day: date, field: str) -> date:
    """``day`` unchanged, or :class:`InvalidInput` naming ``field`` when its year lies outside
    :data:`FIRST_YEAR`-:data:`LAST_YEAR`."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(field, f"year {day.year} is out of range", YEARS_ALLOWED)
    return day

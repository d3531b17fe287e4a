"""Dose planning and compounding for naltrexone: titration schedules, visits, compounding orders.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from ldnderm import dosing
    >>> [float(s.dose_mg) for s in dosing.plan("psoriasis", date(2026, 3, 2)).steps]
    [1.5, 3.0, 4.5]
    >>> dosing.compound(Decimal("4.5"), 30).tablets_50mg
    3

Protocols, condition defaults and stability facts are data under ``data/dosing/``.
"""

from __future__ import annotations

from ldnderm.dosing.compound import CompoundingOrder, compound, compound_from_json, compound_plan
from ldnderm.dosing.plan import Plan, plan, plan_from_json

__all__ = [
    "CompoundingOrder",
    "Plan",
    "compound",
    "compound_from_json",
    "compound_plan",
    "plan",
    "plan_from_json",
]

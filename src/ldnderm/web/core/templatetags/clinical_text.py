"""Clinician wording in templates: doses as "1.5 mg", and names instead of knowledge-base ids.

``{% load clinical_text %}``, then ``{{ dose|mg }}``, ``{{ id|measure_name }}``,
``{{ id|condition_name }}``, ``{{ id|protocol_name }}``, ``{{ day|day }}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def mg(value: object) -> str:
    """A dose in mg without trailing zeros: ``Decimal("1.50")`` -> ``1.5 mg``; "" for none."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    text = f"{amount.normalize():f}"
    return f"{text} mg"


@register.filter
def day(value: object) -> str:
    """A date no reader can misread (``3 Feb 2026``); an ISO text is read first, and an
    instant is dated in the current (clinic's) time zone."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


@register.filter
def measure_name(measure_id: str) -> str:
    """A measure's name (``dlqi`` -> ``Dermatology Life Quality Index (DLQI)``)."""
    return _measures().get(str(measure_id), str(measure_id))


@register.filter
def condition_name(condition_id: str) -> str:
    """A condition's name from the knowledge base (``psoriasis`` -> ``Psoriasis``)."""
    return _conditions().get(str(condition_id), str(condition_id))


@register.filter
def protocol_name(protocol_id: str) -> str:
    """A dosing protocol's label from ``data/dosing/protocols.yaml``."""
    return _protocols().get(str(protocol_id), str(protocol_id))


@cache
def _measures() -> dict[str, str]:
    from ldnderm import measures

    return {m.id: m.definition.name for m in measures.all_measures()}


@cache
def _conditions() -> dict[str, str]:
    from ldnderm import evidence

    return {c.id: c.name for c in evidence.conditions()}


@cache
def _protocols() -> dict[str, str]:
    from ldnderm.dosing.data import protocols

    return {p.id: p.label for p in protocols().protocols}

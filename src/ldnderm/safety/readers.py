"""Strict readers for clinical input documents (parsed JSON), shared by safety and dosing.

They extend :mod:`ldnderm.measures.inputs` with dates, booleans, strings and choices. Every
reader raises :class:`~ldnderm.errors.InvalidInput` naming the dotted field path and, where it
helps, the allowed values. Dates are ISO ``YYYY-MM-DD`` strings only.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ldnderm.errors import InvalidInput
from ldnderm.measures.inputs import MISSING, array, as_object, decimal, get, integer, join
from ldnderm.measures.inputs import reject_unknown as reject_unknown

__all__ = [
    "MISSING",
    "array",
    "as_object",
    "boolean",
    "choice",
    "date_value",
    "decimal",
    "get",
    "integer",
    "join",
    "number",
    "reject_unknown",
    "string",
    "today",
]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def today() -> date:
    """The local calendar date (the default evaluation and compounding date)."""
    return datetime.now(UTC).astimezone().date()


def date_value(value: Any, field: str) -> date:
    """An ISO date string ``YYYY-MM-DD`` (a :class:`date` passes through)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise InvalidInput(field, f"expected a date, got {_show(value)}", "YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(field, f"{value!r} is not a calendar date", "YYYY-MM-DD") from exc


def boolean(value: Any, field: str) -> bool:
    """A JSON boolean (``0``/``1`` and ``"yes"`` are rejected)."""
    if not isinstance(value, bool):
        raise InvalidInput(field, f"expected true or false, got {_show(value)}", "true, false")
    return value


def string(value: Any, field: str, max_length: int = 200) -> str:
    """A non-empty string of at most ``max_length`` characters, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, f"expected a non-empty string, got {_show(value)}")
    if len(value) > max_length:
        raise InvalidInput(field, f"longer than {max_length} characters")
    return value.strip()


def choice(value: Any, field: str, choices: Collection[str]) -> str:
    """One of ``choices`` exactly."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(field, f"unexpected value {_show(value)}", ", ".join(choices))
    return value


def number(value: Any, field: str, low: Decimal, high: Decimal) -> Decimal:
    """A number within ``low..high`` as a Decimal; numeric strings such as ``"4.5"`` from forms
    and command lines are accepted too."""
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except ArithmeticError as exc:
            raise InvalidInput(
                field, f"{value!r} is not a number", f"a number {low}-{high}"
            ) from exc
        if not parsed.is_finite() or not low <= parsed <= high:
            raise InvalidInput(field, f"{value} is out of range", f"a number {low}-{high}")
        return parsed
    return decimal(value, field, low, high)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else type(value).__name__

"""Strict readers for clinical input documents (parsed JSON), shared by measures, safety and dosing.

Unknown keys, wrong types and out-of-range values raise :class:`~ldnderm.kernel.errors.InvalidInput`
naming the field and the allowed values. JSON booleans are never accepted as numbers, and
integer items accept only integers (``2.0`` is rejected: it is not what any form records).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.plausible import check_year

MISSING: Any = object()
"""Sentinel for an absent key (a JSON ``null`` reads the same: unanswered)."""


def as_object(data: Any, field: str = "") -> Mapping[str, Any]:
    """``data`` as a JSON object, or :class:`InvalidInput`."""
    if not isinstance(data, Mapping):
        raise InvalidInput(field, f"expected a JSON object, got {_kind(data)}")
    return data


def reject_unknown(data: Mapping[str, Any], allowed: Collection[str], field: str = "") -> None:
    """Raise for the first key of ``data`` not in ``allowed``."""
    for key in data:
        if key not in allowed:
            raise InvalidInput(_join(field, str(key)), "unknown key", ", ".join(allowed))


def get(data: Mapping[str, Any], key: str) -> Any:
    """The value at ``key``; :data:`MISSING` when absent or null."""
    value = data.get(key, MISSING)
    return MISSING if value is None else value


def integer(value: Any, field: str, low: int, high: int | None = None) -> int:
    """An integer within ``low..high`` (``high=None``: no upper bound)."""
    allowed = f"an integer {low}-{high}" if high is not None else f"an integer >= {low}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"expected an integer, got {_show(value)}", allowed)
    if value < low or (high is not None and value > high):
        raise InvalidInput(field, f"{value} is out of range", allowed)
    return value


def choice_or_integer(
    value: Any, field: str, choices: Collection[str], low: int, high: int
) -> int | str:
    """One of the string ``choices``, or an integer within ``low..high``."""
    allowed = f"an integer {low}-{high} or " + " or ".join(f'"{c}"' for c in choices)
    if isinstance(value, str):
        if value in choices:
            return value
        raise InvalidInput(field, f"unexpected value {_show(value)}", allowed)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"expected an integer or a string, got {_show(value)}", allowed)
    if not low <= value <= high:
        raise InvalidInput(field, f"{value} is out of range", allowed)
    return value


def decimal(value: Any, field: str, low: Decimal, high: Decimal) -> Decimal:
    """A JSON number within ``low..high`` as an exact Decimal (``0.1`` stays 0.1)."""
    allowed = f"a number {low}-{high}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(field, f"expected a number, got {_show(value)}", allowed)
    try:
        # repr() gives the shortest string that round-trips, so 0.1 becomes Decimal("0.1").
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:  # nan/inf
        raise InvalidInput(field, f"{value!r} is not a finite number", allowed) from exc
    if not exact.is_finite() or not low <= exact <= high:
        raise InvalidInput(field, f"{value} is out of range", allowed)
    return exact


def array(value: Any, field: str, length: int | None = None) -> list[Any]:
    """A JSON array (of exactly ``length`` entries when given)."""
    if not isinstance(value, list):
        raise InvalidInput(field, f"expected an array, got {_kind(value)}")
    if length is not None and len(value) != length:
        raise InvalidInput(field, f"expected {length} entries, got {len(value)}")
    return value


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _kind(value)


def join(prefix: str, key: str | int) -> str:
    """Extend a field path: ``join("days", 2)`` is ``days[2]``; ``join("days[2]", "am")`` is
    ``days[2].am``."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return _join(prefix, key)


def counts(responses: Any, bounds: Mapping[str, int | None]) -> dict[str, int | None]:
    """A document of non-negative integer counts (lesions, nodules...) keyed exactly by
    ``bounds``, each at most its bound (``None``: no upper bound); a missing or null count maps
    to ``None`` (the caller decides what that means)."""
    data = as_object(responses)
    reject_unknown(data, bounds)
    result: dict[str, int | None] = {}
    for key, high in bounds.items():
        value = get(data, key)
        result[key] = None if value is MISSING else integer(value, key, 0, high)
    return result


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def today() -> date:
    """The local calendar date (the default evaluation and compounding date)."""
    return datetime.now(UTC).astimezone().date()


def date_value(value: Any, field: str) -> date:
    """An ISO date string ``YYYY-MM-DD`` (a :class:`date` passes through) in the years
    1900-2100 (:func:`ldnderm.kernel.plausible.check_year`)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return check_year(value, field)
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise InvalidInput(field, f"expected a date, got {_show(value)}", "YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(field, f"{value!r} is not a calendar date", "YYYY-MM-DD") from exc
    return check_year(parsed, field)


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

"""Declarations of what each route exposes, checked by ``tests/web/test_route_inventory.py``.

Every URL pattern and API operation of the site carries one :class:`Access`:

``public``
    no data (home, health check, log-in, measure definitions);
``aggregate``
    de-identified counts for the user's clinic; researchers admitted;
``patient_entry``
    a blank form for a new record: patient roles only, shows no existing record (its writes go
    through the audited services);
``patient_data``
    identifiable records. ``objects`` maps each path parameter to the model it names, so the
    inventory test can call the route with another clinic's ids and require a 404 and a
    ``denied`` audit event; routes without parameters (lists, forms, exports) must append an audit
    event and never show another clinic's canary patient.

A route without a declaration fails the inventory test, so a new route cannot slip through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from django.db import models

Kind = Literal["public", "aggregate", "patient_entry", "patient_data"]
F = TypeVar("F", bound=Callable[..., object])

ATTRIBUTE = "ldnderm_access"


@dataclass(frozen=True)
class Access:
    kind: Kind
    objects: dict[str, type[models.Model]] = field(default_factory=dict)


def declare(kind: Kind, **objects: type[models.Model]) -> Callable[[F], F]:
    """Mark a view or API operation with what it exposes (see the module docstring)."""

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, Access(kind, dict(objects)))
        return view

    return mark


def access_of(view: object) -> Access | None:
    """The declaration on ``view`` (looking through ``functools.wraps`` and ``as_view``)."""
    seen: object | None = view
    while seen is not None:
        found = getattr(seen, ATTRIBUTE, None)
        if isinstance(found, Access):
            return found
        seen = getattr(seen, "__wrapped__", None) or getattr(seen, "view_class", None)
    return None

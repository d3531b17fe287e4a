"""Helpers shared by the use cases: audited writes (updates keep ``{field: [old, new]}``,
deletes one event per row removed) and paging."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.cascade import delete_audited
from ldnderm.web.audit.log import Action, record
from ldnderm.web.registry.access import Scope, object_type_of, patient_id_of

M = TypeVar("M", bound=models.Model)

MAX_PAGE = 200
# Past any table's end, yet small enough that OFFSET + LIMIT fits the 64-bit integer SQLite and
# PostgreSQL bind (a larger offset was an OverflowError on SQLite, a 500).
MAX_OFFSET = 2**62


def audit(scope: Scope, action: str, obj: models.Model, **detail: Any) -> None:
    """Append an audit event about ``obj`` (its type, id and patient)."""
    record(scope.actor, action, object_type_of(obj), obj.pk, patient_id_of(obj), **detail)


REASON_MAX = 500


def deletion_reason(reason: str | None) -> str:
    """The reason given for a deletion, stripped; InvalidInput naming ``reason`` when empty."""
    text = (reason or "").strip()
    if not text or len(text) > REASON_MAX or "\x00" in text:
        raise InvalidInput(
            "reason",
            "say why the record is deleted" if not text else "is not a storable reason",
            f"a non-empty text of at most {REASON_MAX} characters",
        )
    return text


def delete_record(scope: Scope, obj: models.Model, reason: str | None) -> None:
    """Delete a clinical record (and what belongs to it): clinicians and administrators only,
    with a reason, kept in the ``delete`` audit event written in the same transaction. Every row
    the deletion removes by cascade gets its own ``delete`` event, and every row whose key it
    clears an ``update`` (see :mod:`ldnderm.web.audit.cascade`)."""
    scope.require_corrector("delete-" + object_type_of(obj).replace("_", "-"))
    text = deletion_reason(reason)
    delete_audited(scope.actor, obj, object_type_of, patient_id_of(obj), reason=text)


def page(qs: models.QuerySet[M], offset: int, limit: int) -> tuple[list[M], int]:
    """One page of ``qs`` and the total count; ``limit`` is capped at :data:`MAX_PAGE` and
    ``offset`` kept within 0 .. :data:`MAX_OFFSET` (beyond the end, the page is empty)."""
    offset = max(0, min(offset, MAX_OFFSET))
    limit = max(1, min(limit, MAX_PAGE))
    return list(qs[offset : offset + limit]), qs.count()


def changed_fields(obj: models.Model, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply ``changes`` to ``obj``; return ``{field: [old, new]}`` for the audit trail."""
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            diff[name] = [_plain(old), _plain(value)]
            setattr(obj, name, value)
    return diff


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value: dates and decimals as text, JSON kept as it is."""
    if isinstance(value, str | int | float | bool | type(None) | list | dict):
        return value
    return str(value)


def audited_page(
    scope: Scope, qs: models.QuerySet[M], offset: int, limit: int, **detail: Any
) -> tuple[list[M], int]:
    """A page of scoped rows, with one ``list`` audit event per row naming its patient."""
    from ldnderm.web.audit.log import bulk_record

    with transaction.atomic():
        rows, count = page(qs, offset, limit)
        bulk_record(
            scope.actor,
            Action.LIST,
            [(object_type_of(r), r.pk, patient_id_of(r)) for r in rows],
            **detail,
        )
    return rows, count

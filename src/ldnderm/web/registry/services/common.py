"""Helpers shared by the use cases: audited writes (updates keep ``{field: [old, new]}``,
deletes one event per row removed) and paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from pydantic import BaseModel

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.cascade import delete_audited
from ldnderm.web.audit.log import Action, record
from ldnderm.web.registry.access import Scope, object_type_of, patient_id_of
from ldnderm.web.registry.models import Versioned
from ldnderm.web.registry.versions import Expected, compare_and_set, locked, required

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=Versioned)

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


def delete_record(
    scope: Scope, obj: Versioned, reason: str | None, expected: Expected | None
) -> None:
    """Delete a clinical record (and what belongs to it): clinicians and administrators only,
    with a reason, kept in the ``delete`` audit event written in the same transaction; only if
    the record is still at the ``expected`` version (StaleVersion otherwise: the row is locked
    and compared first). Every row the deletion removes by cascade gets its own ``delete``
    event, and every row whose key it clears an ``update`` (:mod:`ldnderm.web.audit.cascade`)."""
    scope.require_corrector("delete-" + object_type_of(obj).replace("_", "-"))
    text = deletion_reason(reason)
    with transaction.atomic():
        current = locked(type(obj), obj.pk, expected, {})
        delete_audited(scope.actor, current, object_type_of, patient_id_of(current), reason=text)


def update_record(
    scope: Scope,
    obj: V,
    changes: dict[str, Any],
    expected: Expected | None,
    check: Callable[[V], None] | None = None,
    shown: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    **detail: Any,
) -> V:
    """Apply ``changes`` to the record as it stands in the database, only if it is still at the
    ``expected`` version: the row is locked and compared, ``check`` sees the merged record, and
    the write is a compare-and-set raising the version (:mod:`ldnderm.web.registry.versions`).
    The ``update`` audit event keeps each changed field's old and new value (``shown`` may
    restate them) and ``detail``."""
    model = type(obj)
    with transaction.atomic():
        current = locked(model, obj.pk, expected, changes)
        diff = changed_fields(current, changes)
        if check is not None:
            check(current)
        if diff:
            fields = {name: getattr(current, name) for name in diff}
            compare_and_set(current, required(expected), fields)
        kept = shown(diff) if shown is not None else diff
        audit(scope, Action.UPDATE, current, changes=kept, version=current.version, **detail)
    return current


def changes_of(data: BaseModel) -> dict[str, Any]:
    """The fields a patch sets, without the version it names."""
    return data.model_dump(exclude_unset=True, exclude={"version"})


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

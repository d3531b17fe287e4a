"""Deleting a row with one audit row for it and one for every row its deletion changes.

Django's collector finds what the foreign keys cascade to; this one never "fast-deletes" (a
bulk ``DELETE`` by query, whose rows are never seen), so every row removed is known by its id
and gets its own ``delete`` event, and every row whose key is set to NULL its own ``update``
event. Each names the parent delete: ``{"cascade_of": {"object_type", "object_id", "seq"}}``.
Run inside the caller's transaction; everything is written, or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import models, router, transaction
from django.db.models.deletion import Collector

from ldnderm.web.audit.hashing import plain_detail
from ldnderm.web.audit.log import Action, Actor, record, unsaved
from ldnderm.web.audit.models import AuditEvent


class _SeeEveryRow(Collector):
    def can_fast_delete(self, objs: Any, from_field: Any = None) -> bool:
        return False


def delete_audited(
    actor: Actor,
    obj: models.Model,
    name_of: Callable[[models.Model], str],
    patient_id: int | None,
    **detail: Any,
) -> dict[str, int]:
    """Delete ``obj`` and what cascades from it, audited row by row; return ``{name: count}``
    of the rows deleted (``obj`` included). Every event carries ``patient_id``: a cascade never
    leaves the patient it starts from."""
    using = router.db_for_write(type(obj), instance=obj)
    name, pk = name_of(obj), obj.pk
    # The rows are deleted first and audited after, so the chain head is locked (until the
    # transaction ends) only once the row locks of the delete are held: no lock-order deadlock
    # with a writer that locks a row and then audits.
    cause: dict[str, Any] = {"object_type": name[:40], "object_id": str(pk)[:40]}
    with transaction.atomic(using=using):
        collector = _SeeEveryRow(using=using, origin=obj)
        collector.collect([obj])
        counts: dict[str, int] = {name: 1}
        events = []
        for row in _children(collector, obj):
            child = name_of(row)
            counts[child] = counts.get(child, 0) + 1
            events.append(_event(actor, Action.DELETE, child, row.pk, patient_id, cause))
        for field, value, row in _field_updates(collector):
            change = {field.name: [getattr(row, field.attname), value]}
            events.append(
                _event(actor, Action.UPDATE, name_of(row), row.pk, patient_id, cause, change)
            )
        collector.delete()
        parent = record(actor, Action.DELETE, name, pk, patient_id, **detail)
        cause["seq"] = parent.seq  # each event's detail holds this dict until it is sealed
        AuditEvent.objects.bulk_create(events)
    return counts


def _children(collector: Collector, obj: models.Model) -> list[models.Model]:
    rows = [
        row
        for model, instances in collector.data.items()
        for row in instances
        if not (model is type(obj) and row.pk == obj.pk)
    ]
    return sorted(rows, key=lambda r: (r._meta.label, r.pk))


def _field_updates(collector: Collector) -> Iterable[tuple[Any, Any, models.Model]]:
    for (field, value), batches in collector.field_updates.items():
        for batch in batches:
            rows = cast("Iterable[models.Model]", batch)  # a queryset or a list of rows
            for row in sorted(rows, key=lambda r: r.pk):  # evaluates (and caches) a queryset
                yield field, value, row


def _event(
    actor: Actor,
    action: str,
    name: str,
    pk: object,
    patient_id: int | None,
    cause: dict[str, Any],
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    detail: dict[str, Any] = {"cascade_of": cause}
    if changes is not None:
        detail["changes"] = plain_detail(changes)
    return unsaved(actor, action, name[:40], pk, patient_id, detail)

"""The one permitted change to an audit row: replacing its ``detail`` with a tombstone.

Used when a person's data is erased (``ldnderm patient erase``). The row keeps every other
column, its ``detail_hash`` and its place in the chain, so the chain still verifies while the
audited values are gone. On PostgreSQL the trigger lets the ``UPDATE`` through only inside a
transaction that set ``ldnderm.audit_erase``, which this function sets and clears again; on
SQLite the trigger admits an ``UPDATE`` that changes ``detail`` alone to a tombstone.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.utils import timezone

from ldnderm.web.audit import hashing
from ldnderm.web.audit.models import AuditEvent

SQL = {
    "postgresql": "UPDATE audit_auditevent SET detail = %s::jsonb WHERE id = %s",
    "sqlite": "UPDATE audit_auditevent SET detail = %s WHERE id = %s",
}


def tombstone(patient_id: int, reason: str, by: str, using: str = "default") -> int:
    """Tombstone every audit row of ``patient_id`` not tombstoned yet; return how many."""
    rows = AuditEvent.objects.using(using).filter(patient_id=patient_id).values_list("id", "detail")
    ids = [pk for pk, detail in rows if not hashing.is_tombstone(detail)]
    if not ids:
        return 0
    text = hashing.canonical_json(hashing.tombstone(reason, timezone.now(), by))
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT set_config('ldnderm.audit_erase', 'on', true)")
        cursor.executemany(SQL[connection.vendor], [(text, pk) for pk in ids])
        if postgres:
            cursor.execute("SELECT set_config('ldnderm.audit_erase', 'off', true)")
    return len(ids)

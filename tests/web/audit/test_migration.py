"""Migration ``audit.0004`` chains the rows written before it, and installs its triggers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.audit.verify import verify
from tests.web.audit.tamper import triggers

BEFORE, CHAIN = ("audit", "0003_auth_events"), ("audit", "0004_chain")


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.db
@pytest.mark.django_db(transaction=True)
def test_rows_from_before_the_chain_are_chained_in_id_order() -> None:
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for n in range(3):
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, username, action, object_type, object_id, "
                    "request_id, path, detail) VALUES (%s, 'old', 'read', 'patient', %s, '', '', "
                    "%s)",
                    [f"2026-01-0{n + 1}T10:00:00+00:00", str(n), '{"b": [1, 2.5], "a": "x"}'],
                )
    finally:
        migrate(CHAIN)
    rows = list(AuditEvent.objects.order_by("id"))
    assert [(r.seq, r.object_id) for r in rows] == [(1, "0"), (2, "1"), (3, "2")]
    assert verify().ok
    assert triggers() >= (
        {"audit_no_update"}
        if connection.vendor == "sqlite"
        else {
            "audit_append_only",
            "audit_no_truncate",
        }
    )
    # New rows continue the chain where the migration left it.
    AuditEvent.objects.create(action="read", object_type="patient", object_id="9")
    assert AuditEvent.objects.get(object_id="9").seq == 4 and verify().ok

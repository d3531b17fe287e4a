"""The database guards the audit table after ``migrate``: no UPDATE but the erasure tombstone,
and on PostgreSQL no DELETE and no TRUNCATE (except the test suite's own flush)."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction

from ldnderm.web.audit import erasure
from ldnderm.web.audit.log import Action, record
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.audit.verify import verify
from tests.web.audit.actors import ACTOR
from tests.web.audit.tamper import triggers

pytestmark = pytest.mark.db

TOMBSTONE = json.dumps({"erased": True, "reason": "test", "at": "2026-01-01", "by": "x"})

SET_DETAIL = {
    "postgresql": "UPDATE audit_auditevent SET detail = %s::jsonb",
    "sqlite": "UPDATE audit_auditevent SET detail = %s",
}
SET_DETAIL_AND_USERNAME = {
    "postgresql": "UPDATE audit_auditevent SET detail = %s::jsonb, username = 'x'",
    "sqlite": "UPDATE audit_auditevent SET detail = %s, username = 'x'",
}


@pytest.fixture
def event(db: None) -> AuditEvent:
    return record(ACTOR, Action.READ, "patient", 7, 7, view="record")


def refused(sql: str, params: list[str] | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    except DatabaseError:
        return True
    return False


def test_the_triggers_exist_after_migrate(db: None) -> None:
    if connection.vendor == "postgresql":
        assert {"audit_append_only", "audit_no_truncate"} <= triggers()
    else:
        assert "audit_no_update" in triggers()


def test_postgresql_refuses_truncate_from_a_normal_connection(event: AuditEvent) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its flush is DELETE FROM)")
    assert refused("TRUNCATE audit_auditevent")
    assert refused("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 1


def test_postgresql_refuses_a_tombstone_outside_the_erase_path(event: AuditEvent) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no session settings: its trigger checks the columns alone")
    assert refused(SET_DETAIL["postgresql"], [TOMBSTONE])


def test_a_tombstone_may_not_change_another_column(event: AuditEvent) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('ldnderm.audit_erase', 'on', false)")
        try:
            assert refused(SET_DETAIL_AND_USERNAME[vendor], [TOMBSTONE])
            assert refused(SET_DETAIL[vendor], ['{"erased": 1}'])
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('ldnderm.audit_erase', '', false)")


def test_the_erase_path_tombstones_once_and_the_chain_still_verifies(event: AuditEvent) -> None:
    assert erasure.tombstone(7, "request 42", "admin") == 1
    row = AuditEvent.objects.get()
    assert row.detail["erased"] is True and row.detail["reason"] == "request 42"
    assert "view" not in row.detail
    assert erasure.tombstone(7, "again", "admin") == 0  # already tombstoned
    # The chain still holds; only the missing erase event of patient 7 is reported.
    result = verify()
    assert result.row_id == row.pk and "no erase event" in (result.problem or "")
    # The setting does not outlive the erase path.
    assert refused("UPDATE audit_auditevent SET username = 'x'")

"""The audit trail is append-only: in the model, the queryset and the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ldnderm.web.audit.log import Actor, record
from ldnderm.web.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.db

ACTOR = Actor(user_id=1, username="alice", clinic_id=1, request_id="r1", path="/x")


@pytest.fixture
def event(db: None) -> AuditEvent:
    return record(ACTOR, "read", "patient", 7, 7)


def test_an_event_records_who_what_when_and_the_request(event: AuditEvent) -> None:
    row = AuditEvent.objects.get()
    assert (row.username, row.action, row.object_id, row.patient_id) == ("alice", "read", "7", 7)
    assert row.request_id == "r1" and row.at is not None


def test_the_model_refuses_to_change_or_delete(event: AuditEvent) -> None:
    event.action = "update"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_queryset_refuses_bulk_changes(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x'")
    assert AuditEvent.objects.get().action == "read"


def test_postgresql_refuses_a_delete(event: AuditEvent) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE possible for test flushes (see migration 0004)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_every_response_carries_a_request_id(client: object) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")  # type: ignore[attr-defined]
    assert response["X-Request-Id"] == "abc-123"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad\r\nheader")  # type: ignore[attr-defined]
    assert forged["X-Request-Id"] != "bad\r\nheader" and len(forged["X-Request-Id"]) == 32

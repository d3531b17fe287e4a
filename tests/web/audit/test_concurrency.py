"""Concurrent writers never fork the chain: appends from many connections at once line up as
seq 1..N, each row chained to the one before, and the whole chain verifies."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from ldnderm.web.audit.log import Action, bulk_record, record
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.audit.verify import verify
from tests.web.audit.actors import ACTOR

WRITERS, EACH = 8, 15


@pytest.mark.db
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_separate_connections_keep_one_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL (the SQLite test database is one)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                if i % 3 == 0:  # a bulk insert of two rows in its own transaction
                    bulk_record(ACTOR, Action.LIST, [("patient", n, n), ("patient", i, i)])
                else:
                    with transaction.atomic():
                        record(ACTOR, Action.READ, "patient", n, n, writer=n, i=i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    total = WRITERS * (EACH + EACH // 3)
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    result = verify()
    assert result.ok, result.problem
    assert result.rows == total

"""Appending to the hash chain without forking it.

Every append runs in a transaction that first locks the one chain-head row
(:class:`~ldnderm.web.audit.models.ChainHead`) with an ``UPDATE ... RETURNING`` that reads it:
on PostgreSQL the row stays locked until the transaction ends, and a second writer waits there,
then reads the head the first one committed; on SQLite the ``UPDATE`` takes the database's
single write lock. So appends are serialized and each row's ``seq`` is its predecessor's plus
one; the unique constraint on ``seq`` makes a fork impossible even for a writer that bypassed
this code. An append costs two statements besides the ``INSERT``: lock-and-read, and moving the
head. The head row is created on first use (after a test-database flush, for instance), from
the last audit row if there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections

from ldnderm.web.audit import hashing

LOCK_HEAD = "UPDATE audit_chainhead SET seq = seq WHERE id = 1 RETURNING seq, chain_hash"
# The head row, when missing, starts from the last audit row (or the genesis of an empty
# table). ``WHERE 1 = 1`` lets SQLite parse an upsert on an INSERT ... SELECT.
CREATE_HEAD = (
    "INSERT INTO audit_chainhead (id, seq, chain_hash) SELECT 1, "
    "COALESCE((SELECT seq FROM audit_auditevent ORDER BY seq DESC LIMIT 1), 0), "
    "COALESCE((SELECT chain_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1), %s) "
    "WHERE 1 = 1 ON CONFLICT (id) DO NOTHING"
)
MOVE_HEAD = "UPDATE audit_chainhead SET seq = %s, chain_hash = %s WHERE id = 1"


def seal(events: Sequence[Any], using: str) -> None:
    """Give each unsaved event its ``seq`` and hashes, in order, and move the head past them.

    Call inside the transaction that inserts the events (the head row stays locked until it
    ends)."""
    if not events:
        return
    with connections[using].cursor() as cursor:
        cursor.execute(LOCK_HEAD)
        head = cursor.fetchone()
        if head is None:
            cursor.execute(CREATE_HEAD, [hashing.GENESIS])
            cursor.execute(LOCK_HEAD)
            head = cursor.fetchone()
        seq, previous = head
        for event in events:
            seq += 1
            previous = _fill(event, seq, previous)
        cursor.execute(MOVE_HEAD, [seq, previous])


def _fill(event: Any, seq: int, previous: str) -> str:
    event.detail = hashing.plain_detail(event.detail or {})
    event.detail_hash = hashing.detail_hash(event.detail)
    event.seq = seq
    event.content_hash = hashing.content_hash(content_of(event))
    event.chain_hash = hashing.chain_hash(previous, event.content_hash)
    return str(event.chain_hash)


def content_of(event: Any) -> dict[str, Any]:
    """The columns :func:`hashing.content_hash` covers, read from an event."""
    return {name: getattr(event, name) for name in hashing.CONTENT_FIELDS}

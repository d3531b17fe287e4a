"""HOOK (audit chain): the audit trail's hash-chain head, read inside the backup's snapshot.

The audit branch of issue 12 adds a hash chain over audit rows and ``ldnderm audit head``.
Once it lands, :func:`read` should return that head as computed from ``cursor``: a DB-API
cursor inside the backup's consistent snapshot (SQLite: on the copy being archived;
PostgreSQL: in the REPEATABLE READ transaction whose snapshot pg_dump dumps), so the head in
the manifest is the head of exactly the rows in the backup. Until then it returns ``None``, the
manifest records ``"audit_head": null`` and the CLI says the head was not recorded.
"""

from __future__ import annotations

from typing import Any


def read(cursor: Any) -> str | None:
    """The chain head in ``cursor``'s snapshot, or ``None`` while there is no chain."""
    # HOOK(audit chain): return the chain head computed through ``cursor`` here. On the audit
    # branch as of this writing that is ``audit head``'s token, ``ID:HASH`` of the row with the
    # highest ``seq`` (``SELECT id, chain_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1``;
    # ``0:<hashing.GENESIS>`` when there is none), i.e. ``verify.current_head().token`` read
    # through this cursor rather than the ORM, so that it is the snapshot's head.
    return None

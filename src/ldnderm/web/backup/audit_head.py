"""The audit trail's hash-chain head, read inside the backup's snapshot.

:func:`read` gets a DB-API cursor inside the backup's consistent snapshot (SQLite: on the copy
being archived; PostgreSQL: in the REPEATABLE READ transaction whose snapshot pg_dump dumps), so
the head in the manifest is the head of exactly the rows in the backup: ``ID:HASH`` as
``ldnderm audit head`` prints it (see :mod:`ldnderm.web.audit.head`). ``ldnderm audit verify
--head`` with it, after a restore, checks that the restored trail reaches that head.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ldnderm.web.audit.head import HEAD_SQL, Head

_SQLITE_HAS_TRAIL = (
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_auditevent'"
)
_POSTGRES_HAS_TRAIL = "SELECT to_regclass('audit_auditevent') IS NOT NULL"


def read(cursor: Any) -> str | None:
    """The chain head in ``cursor``'s snapshot; ``None`` for a database without an audit trail."""
    sqlite = isinstance(cursor, sqlite3.Cursor)
    cursor.execute(_SQLITE_HAS_TRAIL if sqlite else _POSTGRES_HAS_TRAIL)
    (present,) = cursor.fetchone()
    if not present:
        return None
    cursor.execute(HEAD_SQL)
    row = cursor.fetchone()
    return (Head(*row) if row is not None else Head.empty()).token

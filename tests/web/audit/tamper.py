"""Changing the audit table behind the application's back, as an attacker with database access
would: the triggers are switched off inside the test's transaction (rolled back after it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

TABLE = "audit_auditevent"


@contextmanager
def triggers_off() -> Iterator[Any]:
    """A cursor on the audit table with its append-only triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def raw(sql: str, params: list[Any] | None = None) -> None:
    with triggers_off() as cursor:
        cursor.execute(sql, params or [])


def triggers() -> set[str]:
    """The names of the triggers on the audit table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        return {name for (name,) in cursor.fetchall()}

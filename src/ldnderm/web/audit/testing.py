"""For the test suite only: let Django's test-database flush empty the audit table.

On PostgreSQL the audit table refuses ``TRUNCATE`` unless the session setting
``ldnderm.audit_flush`` is ``on`` (migration ``audit.0004``). Django empties the test database
between transactional tests with ``TRUNCATE`` (``flush``, run by ``TransactionTestCase``, which
pytest-django's ``transactional_db`` and ``live_server`` use). :func:`allow_test_flush` makes
that one code path, ``DatabaseOperations.execute_sql_flush`` of the PostgreSQL backend, turn the
setting on for its own transaction. ``tests/conftest.py`` calls it; the site never does, so a
``manage.py flush`` or a stray ``TRUNCATE`` against a real database is refused.
"""

from __future__ import annotations

from typing import Any

FLUSH_SETTING = "SELECT set_config('ldnderm.audit_flush', 'on', true)"


def allow_test_flush() -> None:
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver installed: nothing to flush there
        return

    if getattr(DatabaseOperations.execute_sql_flush, "_ldnderm_audit", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        original(self, [FLUSH_SETTING, *sql_list] if sql_list else sql_list)

    execute_sql_flush._ldnderm_audit = True  # type: ignore[attr-defined]
    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign,assignment]

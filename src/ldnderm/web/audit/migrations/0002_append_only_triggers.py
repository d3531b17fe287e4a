"""Database-level append-only guard on the audit table.

PostgreSQL: a trigger refuses UPDATE and DELETE of any row. SQLite: a trigger refuses UPDATE;
DELETE stays possible there only because test-database flushes use ``DELETE FROM`` (PostgreSQL
flushes with TRUNCATE, which row triggers do not see). Other vendors get no trigger.
"""

from typing import Any

from django.db import migrations

TABLE = "audit_auditevent"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_append_only();
"""
SQLITE_UP = f"""
CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_no_update;"


def _run(schema_editor: Any, postgres: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    sql = {"postgresql": postgres, "sqlite": sqlite}.get(vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

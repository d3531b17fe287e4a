"""The hash chain over audit rows, the client IP, and triggers that also refuse TRUNCATE.

Steps, in one migration: drop the 0002 triggers; add ``ip``, ``seq`` and the three hashes;
compute the chain for the rows already there, in ``id`` order (``seq`` 1, 2, ...), and set the
chain head; make ``seq`` required; install the new triggers.

PostgreSQL triggers:

* ``audit_append_only`` (row level) refuses every ``UPDATE`` and ``DELETE``, except the erasure
  tombstone: an ``UPDATE`` that changes ``detail`` alone, to ``{"erased": true, ...}``, of a row
  not tombstoned yet, in a transaction that ran
  ``SELECT set_config('ldnderm.audit_erase', 'on', true)`` (only
  :func:`ldnderm.web.audit.erasure.tombstone` does).
* ``audit_no_truncate`` (statement level) refuses ``TRUNCATE`` unless the session setting
  ``ldnderm.audit_flush`` is ``on``. Django empties test databases between transactional tests
  with ``TRUNCATE``; the test suite, and nothing else, turns the setting on for that flush
  (:func:`ldnderm.web.audit.testing.allow_test_flush`, installed by ``tests/conftest.py``).

SQLite has no session settings: its ``audit_no_update`` trigger lets an ``UPDATE`` through only
when it changes ``detail`` alone to a tombstone (a ``WHEN`` clause over every column). SQLite
keeps no ``DELETE`` trigger, because test-database flushes there use ``DELETE FROM``. A
database owner can always drop a trigger: the triggers stop mistakes, and the chain with a head
kept outside the database (``ldnderm audit head``) shows deliberate changes.
"""

from typing import Any

from django.db import migrations, models

from ldnderm.web.audit import hashing

TABLE = "audit_auditevent"

COLUMNS = [
    "id",
    "at",
    "user_id",
    "username",
    "clinic_id",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "request_id",
    "path",
    "ip",
    "seq",
    "detail_hash",
    "content_hash",
    "chain_hash",
]

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('ldnderm.audit_erase', true) = 'on'
     AND (to_jsonb(NEW) - 'detail') = (to_jsonb(OLD) - 'detail')
     AND NEW.detail ->> 'erased' = 'true'
     AND COALESCE(OLD.detail ->> 'erased', '') <> 'true' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF current_setting('ldnderm.audit_flush', true) = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit events are append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();
"""
POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS audit_no_truncate();
"""
_unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)
SQLITE_UP = f"""
CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
WHEN NOT (
  json_type(NEW.detail, '$.erased') IS 'true'
  AND json_type(OLD.detail, '$.erased') IS NOT 'true'
  AND {_unchanged}
)
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_no_update;"

# What 0002 installed, for going backwards.
POSTGRES_0002 = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
SQLITE_0002 = f"""
CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""


def _sql(schema_editor: Any, postgres: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    # SQLite runs one statement per call; its scripts here are one statement per line group.
    statements = {"postgresql": [postgres], "sqlite": sqlite.split(";\n")}.get(vendor, [])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            if sql.strip():
                cursor.execute(sql)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    _sql(schema_editor, POSTGRES_DROP, SQLITE_DROP)


def install_triggers(apps: Any, schema_editor: Any) -> None:
    _sql(schema_editor, POSTGRES_DROP + POSTGRES_UP, SQLITE_DROP + "\n" + SQLITE_UP)


def restore_0002_triggers(apps: Any, schema_editor: Any) -> None:
    _sql(schema_editor, POSTGRES_0002, SQLITE_0002)


def chain_existing_rows(apps: Any, schema_editor: Any) -> None:
    """``seq`` and the hashes of every row already there, in ``id`` order; then the head."""
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "ChainHead")
    db = schema_editor.connection.alias
    previous, seq, batch = hashing.GENESIS, 0, []
    fields = ["detail", "seq", "detail_hash", "content_hash", "chain_hash"]
    for row in event_model.objects.using(db).order_by("id").iterator(chunk_size=1000):
        seq += 1
        row.detail = hashing.plain_detail(row.detail or {})
        row.detail_hash = hashing.detail_hash(row.detail)
        row.seq = seq
        row.content_hash = hashing.content_hash(
            {name: getattr(row, name) for name in hashing.CONTENT_FIELDS}
        )
        row.chain_hash = previous = hashing.chain_hash(previous, row.content_hash)
        batch.append(row)
        if len(batch) == 1000:
            event_model.objects.using(db).bulk_update(batch, fields)
            batch = []
    if batch:
        event_model.objects.using(db).bulk_update(batch, fields)
    head_model.objects.using(db).update_or_create(
        pk=1, defaults={"seq": seq, "chain_hash": previous}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auth_events")]

    operations = [
        migrations.RunPython(drop_triggers, restore_0002_triggers),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(default=0)),
                ("chain_hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="ip",
            field=models.CharField(blank=True, max_length=45, verbose_name="client IP"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="detail_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("read", "read"),
                    ("list", "list or search"),
                    ("create", "create"),
                    ("update", "update"),
                    ("delete", "delete"),
                    ("export", "export"),
                    ("denied", "denied (absent or another clinic)"),
                    ("login", "log-in"),
                    ("logout", "log-out"),
                    ("login_fail", "failed log-in"),
                    ("erase", "erasure of a person's data"),
                ],
                max_length=10,
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]

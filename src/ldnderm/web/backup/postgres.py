"""PostgreSQL: ``pg_dump --format=custom`` of an exported snapshot, and ``pg_restore``.

The backup opens a REPEATABLE READ, READ ONLY transaction, exports its snapshot and has
pg_dump dump exactly that snapshot (``--snapshot``), while the same transaction computes the
manifest's row counts and checksums: dump and manifest describe one consistent point, whatever
the site commits meanwhile. The client tools are looked up on PATH, then under
``/usr/lib/postgresql/*/bin`` (Debian), newest first.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.backup import audit_head
from ldnderm.web.backup.checksums import TableStat, table_stats
from ldnderm.web.backup.errors import BackupError

PAYLOAD = "database.pgdump"
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"


def find_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``; a clear error when it is not installed."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match.group(1)) if match else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client tools of the server's version "
        "or newer (Debian: apt install postgresql-client) or put them on PATH"
    )


def client_env() -> dict[str, str]:
    """libpq's variables for the site's database, for the client tools."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):  # fmt: skip
        if s.get(key):
            env[var] = str(s[key])
    sslmode = (s.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 (fixed tool, arguments built here)
        command, env=client_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit {done.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {detail}")
    return done


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(TABLES)
        return [str(r[0]) for r in cursor.fetchall()]


def _server_cursors() -> Callable[[], AbstractContextManager[Any]]:
    """Fresh server-side cursors on the current transaction: a large table is streamed, not
    loaded whole into memory."""
    raw = connection.connection
    assert raw is not None
    return lambda: raw.cursor(name="ldnderm_backup_rows")


@contextmanager
def _snapshot_transaction() -> Iterator[None]:
    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _stats() -> dict[str, TableStat]:
    return table_stats(_server_cursors(), _tables(), connection.ops.quote_name)


def snapshot(copy: Path) -> tuple[dict[str, TableStat], str | None, datetime]:
    """Dump the database to ``copy``; the snapshot's table stats, audit head and time."""
    pg_dump = find_tool("pg_dump")
    with _snapshot_transaction():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), now()")
            row = cursor.fetchone()
            assert row is not None
            exported, at = str(row[0]), row[1]
        _run([pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={copy}"])
        stats = _stats()
        with connection.cursor() as cursor:
            head = audit_head.read(cursor)
    return stats, head, at


def stats() -> dict[str, TableStat]:
    """Row counts and checksums of every table of the site's database, in one snapshot."""
    with _snapshot_transaction():
        return _stats()


def restore(payload: Path) -> dict[str, TableStat]:
    """Restore ``payload`` into the site's database, which must hold no table; its stats."""
    present = _tables()
    if present:
        raise InvalidInput(
            "DATABASE_URL",
            f"database {connection.settings_dict['NAME']} is not empty ({len(present)} "
            "tables); restore only into a new, empty database",
        )
    name = connection.settings_dict["NAME"]
    _run([find_tool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner",
          "--no-privileges", f"--dbname={name}", str(payload)])  # fmt: skip
    return stats()


def check_payload(payload: Path) -> None:
    """``pg_restore --list``: the dump's table of contents reads."""
    _run([find_tool("pg_restore"), "--list", str(payload)])

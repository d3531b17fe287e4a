"""SQLite: a consistent copy by the online backup API, and restore into an empty file.

``sqlite3.Connection.backup`` with its default of copying every page in one step reads the
source in one read transaction, so the copy is the database as of that moment while the site
keeps writing (in WAL mode writers are not even paused). Checksums are computed on the copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager, closing
from pathlib import Path
from typing import Any

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.backup import audit_head
from ldnderm.web.backup.checksums import TableStat, differences, table_stats
from ldnderm.web.backup.errors import BackupError

PAYLOAD = "database.sqlite3"
TIMEOUT_SECONDS = 30


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=TIMEOUT_SECONDS)


def tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _cursors(db: sqlite3.Connection) -> Callable[[], AbstractContextManager[Any]]:
    return lambda: closing(db.cursor())


def stats(path: Path) -> dict[str, TableStat]:
    """Row counts and checksums of every table in the SQLite file at ``path``."""
    with closing(_connect(path)) as db:
        return table_stats(_cursors(db), tables(db), _quote)


def snapshot(source: Path, copy: Path) -> tuple[dict[str, TableStat], str | None]:
    """Copy ``source`` to ``copy`` consistently; the copy's table stats and audit head."""
    if not source.is_file():
        raise InvalidInput("DATABASE_URL", f"{source} does not exist: nothing to back up")
    try:
        with closing(_connect(source)) as src, closing(_connect(copy)) as dst:
            src.backup(dst)  # pages=-1: every page in one step, in one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        with closing(_connect(copy)) as db:
            check = db.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise BackupError(f"the copy of {source} fails SQLite's quick_check: {check[0]}")
            with closing(db.cursor()) as cursor:
                head = audit_head.read(cursor)
            return table_stats(_cursors(db), tables(db), _quote), head
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"SQLite could not copy and read {source}: {exc}") from None


def restore(payload: Path, target: Path, expected: dict[str, TableStat]) -> dict[str, TableStat]:
    """Copy ``payload`` into ``target``, which must be new or empty; the target's stats.

    The payload is checked against ``expected`` first, so a copy that does not match its
    manifest never reaches the target.
    """
    if target.exists():
        with closing(_connect(target)) as db:
            present = tables(db)
        if present:
            raise InvalidInput(
                "DATABASE_URL",
                f"{target} is not empty ({len(present)} tables); restore only into a new, "
                "empty database",
            )
    found = differences(expected, stats(payload))
    if found:
        raise BackupError("the backup does not match its manifest: " + "; ".join(found[:10]))
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(_connect(payload)) as src, closing(_connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")  # as the site runs it
    return stats(target)

"""``ldnderm backup``, ``ldnderm backup verify`` and ``ldnderm restore`` for the CLI, on the
database in ``DATABASE_URL``. The CLI imports this module on use; it sets Django up itself."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from ldnderm import __version__
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.version import knowledge_version
from ldnderm.web import runtime
from ldnderm.web.backup import archive, sqlite
from ldnderm.web.backup.checksums import TableStat, differences
from ldnderm.web.backup.errors import BackupError
from ldnderm.web.backup.manifest import Manifest


def _backend() -> str:
    runtime.setup()
    from django.db import connection

    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return str(connection.vendor)


def _sqlite_path() -> Path:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise InvalidInput("DATABASE_URL", "an in-memory SQLite database has nothing to keep")
    return Path(name)


def backup(target: Path) -> Manifest:
    """Write a backup of the site's database to ``target`` (a new file)."""
    backend = _backend()
    if target.exists():
        raise InvalidInput("FILE", f"{target} exists; a backup never overwrites: choose a new name")
    if not target.parent.is_dir():
        raise InvalidInput("FILE", f"directory {target.parent} does not exist")
    with tempfile.TemporaryDirectory(prefix=".ldnderm-backup-", dir=target.parent) as tmp:
        head: str | None
        if backend == "sqlite":
            payload = Path(tmp) / sqlite.PAYLOAD
            at = dt.datetime.now(dt.UTC)
            stats, head = sqlite.snapshot(_sqlite_path(), payload)
        else:
            from ldnderm.web.backup import postgres

            payload = Path(tmp) / postgres.PAYLOAD
            stats, head, at = postgres.snapshot(payload)
        manifest = Manifest(
            backend=backend,
            created_at=at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            ldnderm_version=__version__,
            knowledge_version=knowledge_version(),
            payload=payload.name,
            payload_sha256=archive.sha256_of(payload),
            tables=stats,
            audit_head=head,
        )
        archive.write(target, manifest, payload)
    return manifest


def _require_backend(manifest: Manifest, source: Path) -> str:
    backend = _backend()
    if manifest.backend != backend:
        raise InvalidInput(
            "FILE",
            f"{source} is a {manifest.backend} backup; DATABASE_URL is a {backend} database",
        )
    return backend


def _check(manifest: Manifest, actual: dict[str, TableStat], what: str) -> None:
    found = differences(manifest.tables, actual)
    if found:
        shown = "; ".join(found[:10]) + ("; ..." if len(found) > 10 else "")
        raise BackupError(f"{what} does not match the backup's manifest: {shown}")


def restore(source: Path) -> Manifest:
    """Restore ``source`` into the (empty) site database and check every table against the
    manifest."""
    manifest = archive.read_manifest(source)
    backend = _require_backend(manifest, source)
    with tempfile.TemporaryDirectory(prefix="ldnderm-restore-") as tmp:
        payload = archive.extract_payload(source, manifest, Path(tmp))
        if backend == "sqlite":
            actual = sqlite.restore(payload, _sqlite_path(), manifest.tables)
        else:
            from ldnderm.web.backup import postgres

            actual = postgres.restore(payload)
    _check(manifest, actual, "the restored database")
    return manifest


def verify(source: Path) -> Manifest:
    """Check a backup file without restoring it: the manifest reads, the database file matches
    its SHA-256, and (SQLite) every table's count and checksum or (PostgreSQL) the dump's table
    of contents reads."""
    manifest = archive.read_manifest(source)
    with tempfile.TemporaryDirectory(prefix="ldnderm-verify-") as tmp:
        payload = archive.extract_payload(source, manifest, Path(tmp))
        if manifest.backend == "sqlite":
            _check(manifest, sqlite.stats(payload), f"the database in {source}")
        else:
            runtime.setup()
            from ldnderm.web.backup import postgres

            postgres.check_payload(payload)
    return manifest

"""``ldnderm backup FILE``, ``ldnderm backup verify FILE`` and ``ldnderm restore FILE``.

They reach Django only through ``ldnderm.web.backup.commands`` (imported on use).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from ldnderm.web.backup.manifest import Manifest


class _CreateByDefault(TyperGroup):
    """``ldnderm backup FILE`` means ``ldnderm backup create FILE``; ``verify`` is a
    subcommand (a file named ``verify`` is ``./verify``)."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["create", *args]
        return super().resolve_command(ctx, args)


backup_app = typer.Typer(
    cls=_CreateByDefault,
    help="Back up the database (ldnderm backup FILE), or check a backup (verify FILE).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
    backup_app.command("create")(create)
    backup_app.command("verify")(verify)
    app.command("restore")(restore)


FILE = typer.Argument(..., help="The backup file (a tar holding the database and its manifest).")
AS_JSON = typer.Option(False, "--json", help="Print the manifest as JSON.")


def _summary(verb: str, path: Path, manifest: Manifest) -> str:
    head = manifest.audit_head or "not recorded (the database has no audit trail)"
    return (
        f"{verb} {path}: {manifest.backend}, {len(manifest.tables)} tables, "
        f"{manifest.total_rows} rows, as of {manifest.created_at}\n"
        f"knowledge version {manifest.knowledge_version}; audit head: {head}"
    )


def _print(verb: str, path: Path, manifest: Manifest, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(json.loads(manifest.to_json()) | {"file": str(path)}, indent=2))
    else:
        typer.echo(_summary(verb, path, manifest))


def create(file: Path = FILE, as_json: bool = AS_JSON) -> None:
    """Write a consistent backup of the database in DATABASE_URL to FILE (a new file).

    SQLite: the online backup API; PostgreSQL: pg_dump --format=custom of an exported
    snapshot. The manifest holds every table's row count and checksum in that snapshot.
    Safe while the site is serving.
    """
    from ldnderm.web.backup import commands

    _print("backed up to", file, commands.backup(file), as_json)


def verify(file: Path = FILE, as_json: bool = AS_JSON) -> None:
    """Check FILE without restoring it: manifest, SHA-256 and (SQLite) every table checksum."""
    from ldnderm.web.backup import commands

    _print("verified", file, commands.verify(file), as_json)


def restore(file: Path = FILE, as_json: bool = AS_JSON) -> None:
    """Restore FILE into the database in DATABASE_URL, which must be empty (exit 2 if not),
    then check every table's row count and checksum against the backup's manifest."""
    from ldnderm.web.backup import commands

    _print("restored from", file, commands.restore(file), as_json)

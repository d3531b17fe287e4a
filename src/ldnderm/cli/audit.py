"""``ldnderm audit verify [--head ID:HASH] [--json]``, ``ldnderm audit head [--json]`` and
``ldnderm patient erase ID --reason TEXT [--user USERNAME] [--json]``.

``verify`` exits 0 when the hash chain of the audit trail holds, 1 naming the first changed,
deleted or inserted row when it does not, and 2 for a malformed ``--head``. ``head`` prints the
chain head as ``ID:HASH``: keep it outside the database (the backup manifest, a log) and pass it
to ``verify --head`` later, which then also detects a tail cut off the chain. Both reach Django
only through :mod:`ldnderm.web.audit.commands` (imported on use).
"""

from __future__ import annotations

import typer

from ldnderm.cli.io import print_json

audit_app = typer.Typer(help="The audit trail: verify its hash chain, print its head.")
patient_app = typer.Typer(help="Registry patients.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
    app.add_typer(patient_app, name="patient")


@audit_app.command("verify")
def verify(
    head: str = typer.Option(
        None, "--head", help="A head printed earlier by `audit head` (ID:HASH) to check against."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check the hash chain over every audit row; exit 1 naming the first broken row."""
    from ldnderm.web.audit import commands

    result = commands.verify(head)
    if json_out:
        print_json(result)
    elif result["ok"]:
        typer.echo(
            f"audit chain verified: {result['rows']} rows ({result['tombstoned']} tombstoned), "
            f"head {result['head']['head']}"
        )
    else:
        typer.echo(f"audit chain BROKEN: {result['problem']}", err=True)
    if not result["ok"]:
        raise typer.Exit(1)


@audit_app.command("head")
def head(json_out: bool = typer.Option(False, "--json", help="Print the head as JSON.")) -> None:
    """Print the chain head (last row id and its chain hash) as ID:HASH."""
    from ldnderm.web.audit import commands

    result = commands.head()
    if json_out:
        print_json(result)
    else:
        typer.echo(result["head"])


@patient_app.command("erase")
def erase(
    patient_id: int = typer.Argument(..., help="Registry patient id."),
    reason: str = typer.Option(
        ..., "--reason", help="Why (e.g. an erasure request's reference); no personal data."
    ),
    user: str = typer.Option(
        None, "--user", help="The registry user running this (required once users exist)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Delete a patient's registry rows and tombstone the audited values about them."""
    from ldnderm.web.audit import commands

    result = commands.erase_patient(patient_id, reason, user)
    if json_out:
        print_json(result)
        return
    deleted = ", ".join(f"{n} {name}" for name, n in sorted(result["deleted"].items()))
    typer.echo(
        f"patient {patient_id} erased: deleted {deleted}; "
        f"{result['tombstoned']} audit rows tombstoned (erase event {result['event_id']})"
    )

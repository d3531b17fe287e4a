"""``ldnderm demo`` and ``ldnderm registry rescore``: the clinic registry from the command line.

Both reach Django only through ``ldnderm.web.registry.commands`` (imported on use).
"""

from __future__ import annotations

import json

import typer

registry_app = typer.Typer(help="The clinic registry.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.add_typer(registry_app, name="registry")
    registry_app.command("rescore")(rescore)


def demo(
    as_json: bool = typer.Option(False, "--json", help="Print the credentials as JSON."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the registry already holds patients."
    ),
) -> None:
    """Load synthetic demo data: two clinics, a user of each role in each, ~50 patients.

    Safe to run again: nothing is duplicated, and the demo users get new passwords.
    """
    from ldnderm.web.registry import commands

    users = commands.demo(if_empty=if_empty)
    if users is None:
        if as_json:
            typer.echo(json.dumps({"users": [], "skipped": "registry not empty"}))
        else:
            typer.echo("demo data not loaded: the registry already holds patients")
        return
    if as_json:
        typer.echo(json.dumps({"users": users}, indent=2))
        return
    typer.echo("Demo data loaded (synthetic). Sign in with one of these accounts:")
    for u in users:
        typer.echo(f"  {u['clinic']:<10} {u['role']:<11} {u['username']:<22} {u['password']}")


def rescore(
    measure: str = typer.Option("", "--measure", help="Only this measure id (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Recompute every stored assessment from its raw responses with the current measures."""
    from ldnderm.web.registry import commands

    seen, changed = commands.rescore(measure or None)
    if as_json:
        typer.echo(json.dumps({"assessments": seen, "changed": changed}))
    else:
        typer.echo(f"rescored {seen} assessments; {changed} changed")

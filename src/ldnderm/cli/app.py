"""The ``ldnderm`` Typer application and its single error boundary.

Conventions: ``--json`` prints machine-readable JSON on stdout; input comes from a file argument
or ``-`` for stdin; exit 0 on success, 2 on invalid input (one line on stderr naming the field),
1 on an internal error. Command modules import their domain code inside the command so that
``ldnderm --version`` and ``ldnderm score`` start fast.
"""

from __future__ import annotations

import sys

import typer

from ldnderm import __version__
from ldnderm.cli import (
    accounts,
    audit,
    backup,
    cds,
    evidence,
    fhir,
    measures,
    registry,
    safety,
    server,
)

app = typer.Typer(
    name="ldnderm",
    help="Clinical toolkit for naltrexone therapy in dermatology.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ldnderm {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Clinical toolkit for naltrexone therapy in dermatology."""


for module in (measures, server, evidence, safety, cds, registry, fhir, accounts, backup, audit):
    module.register(app)


def main() -> None:
    """Console entry point: runs the app behind the one error boundary."""
    from ldnderm.cli.errors import run_guarded

    sys.exit(run_guarded(app))

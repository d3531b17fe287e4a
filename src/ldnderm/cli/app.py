"""The ``ldnderm`` Typer application and its single error boundary.

Conventions: ``--json`` prints machine-readable JSON on stdout; input comes from a file argument
or ``-`` for stdin; exit 0 on success, 2 on invalid input (one line on stderr naming the field),
1 on an internal error. Command modules import their domain code inside the command, and are
themselves loaded only when one of their commands runs (:mod:`ldnderm.cli.lazy`), so that
``ldnderm score`` starts fast; ``ldnderm --version`` is answered by :mod:`ldnderm.cli.entry`
before Typer is imported.
"""

from __future__ import annotations

import sys
from typing import ClassVar

import typer

from ldnderm import __version__
from ldnderm.cli.lazy import TYPER_SETTINGS, LazyGroup

COMMAND_MODULES = (
    "measures",
    "server",
    "evidence",
    "safety",
    "cds",
    "registry",
    "fhir",
    "accounts",
    "backup",
    "audit",
)
"""The modules under ``ldnderm.cli`` whose ``register(app)`` add the commands, in order."""


class CommandGroup(LazyGroup):
    """The root group. Every command name and the module that registers it, in the order the
    eagerly built app lists them (Typer lists plain commands before sub-apps); a test checks this
    table against the eager build."""

    command_modules: ClassVar[dict[str, str]] = {
        "score": "measures",
        "compare": "measures",
        "serve": "server",
        "migrate": "server",
        "evidence": "evidence",
        "screen": "safety",
        "plan": "safety",
        "compound": "safety",
        "demo": "registry",
        "restore": "backup",
        "measures": "measures",
        "cds": "cds",
        "registry": "registry",
        "fhir": "fhir",
        "clinic": "accounts",
        "user": "accounts",
        "token": "accounts",
        "backup": "backup",
        "audit": "audit",
        "patient": "audit",
    }


app = typer.Typer(
    name="ldnderm",
    help="Clinical toolkit for naltrexone therapy in dermatology.",
    no_args_is_help=True,
    cls=CommandGroup,
    **TYPER_SETTINGS,
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


def main() -> None:
    """Console entry point: runs the app behind the one error boundary."""
    from ldnderm.cli.errors import run_guarded

    sys.exit(run_guarded(app))

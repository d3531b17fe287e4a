"""The console entry point, kept light: it answers ``--version`` before importing Typer, and
turns off pydantic's plugin entry-point scan (a metadata walk of every installed distribution)
before anything imports pydantic. Everything else goes to the Typer app in :mod:`.app`."""

from __future__ import annotations

import os
import sys

from ldnderm import __version__


def main(argv: list[str] | None = None) -> None:
    """Run ``ldnderm``; exits with the app's exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        sys.stdout.write(f"ldnderm {__version__}\n")
        sys.exit(0)
    # pydantic reads this when it first validates; "__all__" disables every plugin. The CLI uses
    # none, and a user who sets the variable keeps their own value.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from ldnderm.cli.app import main as app_main

    if argv is not None:
        sys.argv[1:] = argv
    app_main()

"""``ldnderm serve`` and ``ldnderm migrate``: the web site's lifecycle from the command line.

Both reach Django only through ``ldnderm.web.runtime`` (imported on use), so the rest of the CLI
never loads Django.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("migrate")(migrate)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    threads: int = typer.Option(8, "--threads", min=1, max=256, help="Worker threads."),
) -> None:
    """Serve the web app and API (waitress, static files by whitenoise)."""
    from ldnderm.web import runtime

    runtime.serve(host=host, port=port, threads=threads)


def migrate(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    """Create or upgrade the database schema (DATABASE_URL, default SQLite under ./var/)."""
    from ldnderm.web import runtime

    runtime.migrate(verbosity=0 if quiet else 1)

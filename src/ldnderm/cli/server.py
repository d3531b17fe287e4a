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
    workers: int = typer.Option(
        None,
        "--workers",
        min=1,
        max=256,
        show_default="one per CPU",
        help="Worker processes.",
    ),
    threads: int = typer.Option(4, "--threads", min=1, max=256, help="Threads per worker."),
) -> None:
    """Serve the web app and API with gunicorn (static files by whitenoise).

    Behind a reverse proxy, set LDNDERM_TRUSTED_PROXIES to its addresses (docs/deploy.md).
    """
    from ldnderm.web import runtime

    runtime.serve(host=host, port=port, workers=workers, threads=threads)


def migrate(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    """Create or upgrade the database schema (DATABASE_URL, default SQLite under ./var/)."""
    from ldnderm.web import runtime

    runtime.migrate(verbosity=0 if quiet else 1)

"""Running the site from the CLI: migrate and serve. The CLI imports this module only on use."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldnderm.web.settings")
    import django

    django.setup()


def migrate(verbosity: int = 1) -> None:
    """Apply all migrations to the configured database (creating ./var/ for SQLite)."""
    setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT.parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def serve(host: str, port: int, workers: int | None = None, threads: int = 4) -> None:
    """Serve the WSGI app with gunicorn (``workers`` processes, default one per CPU)."""
    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from ldnderm.web import server

    call_command("check")  # refuse to start on a configuration error; print the warnings
    connections.close_all()  # no connection may be inherited by the forked workers
    proxies = ",".join(str(net) for net in settings.LDNDERM_TRUSTED_PROXIES)
    count = workers or server.default_workers()
    print(
        f"ldnderm serving on http://{server.bind_address(host, port)}/ with {count} worker "
        f"processes x {threads} threads (Ctrl+C to stop)",
        flush=True,
    )
    server.Server(server.options(host, port, count, threads, proxies)).run()

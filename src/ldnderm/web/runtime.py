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


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve the WSGI app with waitress; whitenoise serves static files (no CDN, works offline)."""
    setup()
    from waitress import serve as waitress_serve

    from ldnderm.web.wsgi import application

    print(f"ldnderm serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="ldnderm")

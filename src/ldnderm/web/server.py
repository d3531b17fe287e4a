"""The site under gunicorn: several worker processes, each with a few threads.

gunicorn is told the same trusted proxies as the site (``LDNDERM_TRUSTED_PROXIES``), so it sets
the WSGI scheme from their ``X-Forwarded-Proto`` and from nobody else's; the site's
:class:`~ldnderm.web.core.proxy.TrustedProxyMiddleware` does the same for the client address.
Static files are served by whitenoise (no CDN, works offline).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """One worker per CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def options(host: str, port: int, workers: int, threads: int, proxies: str) -> dict[str, Any]:
    """gunicorn's settings for ``ldnderm serve``; ``proxies`` is the comma-separated list of
    trusted proxy networks (empty: no peer is believed)."""
    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "forwarded_allow_ips": proxies,
        "proc_name": "ldnderm",
        # No control socket in $HOME: several sites (or test runs) on one machine must not
        # share one, and nothing here uses gunicornc.
        "control_socket_disable": True,
    }


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ldnderm.web.wsgi import application

        return application

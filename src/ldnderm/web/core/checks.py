"""Start-up checks of the deployment settings (``python -m django check``; run by every server
start)."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register("ldnderm")
def deployment_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None:
        messages.append(
            Warning(
                "LDNDERM_TRUST_PROXY_HTTPS is deprecated: it believes X-Forwarded-Proto from "
                "any peer and ignores X-Forwarded-For, so login throttling keys on the proxy's "
                "address.",
                hint="Set LDNDERM_TRUSTED_PROXIES to the proxy's addresses instead "
                "(docs/deploy.md).",
                id="ldnderm.W001",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache") and importlib.util.find_spec("redis") is None:
        messages.append(
            Error(
                "REDIS_URL is set but the redis package is not installed.",
                hint="Install redis (pip install redis) or unset REDIS_URL to use the "
                "database cache.",
                id="ldnderm.E001",
            )
        )
    return messages

"""Start-up checks of the deployment settings (``ldnderm.web.core.checks``); the same checks
stopping or warning a real start are in ``tests/web/test_config.py``."""

from __future__ import annotations

import importlib.util
from typing import Any

from ldnderm.web.core.checks import deployment_settings


def test_the_default_settings_pass() -> None:
    assert deployment_settings() == []


def test_the_deprecated_proxy_switch_is_a_warning_naming_its_replacement(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    (message,) = deployment_settings()
    assert message.id == "ldnderm.W001" and "LDNDERM_TRUSTED_PROXIES" in str(message.hint)


def test_redis_without_its_library_is_an_error(settings: Any) -> None:
    assert importlib.util.find_spec("redis") is None, "redis is not in the lock files"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "x"}
    }
    (message,) = deployment_settings()
    assert message.id == "ldnderm.E001" and message.is_serious()

"""Settings parsed once from environment variables into a typed, frozen object.

Variables: ``DATABASE_URL`` (default ``sqlite:///<repo>/var/ldnderm.sqlite3``),
``LDNDERM_SECRET_KEY`` (required unless debugging or testing), ``LDNDERM_DEBUG`` (``true`` or
``false``), ``LDNDERM_ALLOWED_HOSTS`` (comma-separated), ``LDNDERM_VAR_DIR``,
``LDNDERM_SECURE_COOKIES`` (``true`` behind HTTPS), ``LDNDERM_TRUST_PROXY_HTTPS`` (``true``
when a TLS-terminating proxy sets ``X-Forwarded-Proto: https`` and strips it from clients),
``LDNDERM_REQUIRE_MFA`` (``true``: staff-side accounts must enrol and use a second factor; by
default the value of ``LDNDERM_SECURE_COOKIES``, see ``docs/mfa.md``).
Bad values fail loudly at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[3]

_DEV_SECRET = "insecure-development-key-only-for-debug-and-tests-0123456789abcdef"  # noqa: S105


@dataclass(frozen=True)
class Config:
    database_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    var_dir: Path
    secure_cookies: bool
    trust_proxy_https: bool = False
    require_mfa: bool = False


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def from_env(env: Mapping[str, str] | None = None) -> Config:
    """Parse the environment (``os.environ`` by default) once."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("LDNDERM_VAR_DIR") or REPO_ROOT / "var")
    debug = env_bool(env, "LDNDERM_DEBUG", default=False)
    secret = env.get("LDNDERM_SECRET_KEY", "")
    if not secret:
        # Local use (make run, tests) gets a fixed development key; a deployment sets its own
        # and turns LDNDERM_SECURE_COOKIES on, which refuses the development key.
        secret = _DEV_SECRET
    secure = env_bool(env, "LDNDERM_SECURE_COOKIES", default=False)
    if secure and secret == _DEV_SECRET:
        raise ImproperlyConfigured("LDNDERM_SECRET_KEY must be set in a secure deployment")
    if len(secret) < 32:
        raise ImproperlyConfigured("LDNDERM_SECRET_KEY must be at least 32 characters")
    hosts_raw = env.get("LDNDERM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
    hosts = tuple(h.strip() for h in hosts_raw.split(",") if h.strip())
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'ldnderm.sqlite3'}"
    return Config(
        database_url=database_url,
        secret_key=secret,
        debug=debug,
        allowed_hosts=hosts,
        var_dir=var_dir,
        secure_cookies=secure,
        trust_proxy_https=env_bool(env, "LDNDERM_TRUST_PROXY_HTTPS", default=False),
        # A deployment behind HTTPS requires a second factor unless it says otherwise.
        require_mfa=env_bool(env, "LDNDERM_REQUIRE_MFA", default=secure),
    )

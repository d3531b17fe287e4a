"""Settings parsed once from environment variables into a typed, frozen object.

Variables: ``DATABASE_URL`` (default ``sqlite:///<repo>/var/ldnderm.sqlite3``),
``LDNDERM_SECRET_KEY`` (required unless debugging or testing), ``LDNDERM_DEBUG`` (``true`` or
``false``), ``LDNDERM_ALLOWED_HOSTS`` (comma-separated), ``LDNDERM_VAR_DIR``,
``LDNDERM_SECURE_COOKIES`` (``true`` behind HTTPS), ``LDNDERM_TRUSTED_PROXIES`` (comma-separated
addresses or CIDR networks of the reverse proxies whose ``X-Forwarded-For`` and
``X-Forwarded-Proto`` are believed), ``REDIS_URL`` (the shared cache; the database otherwise).
``LDNDERM_TRUST_PROXY_HTTPS`` (``true``: believe ``X-Forwarded-Proto: https`` from any peer) is
deprecated in favour of ``LDNDERM_TRUSTED_PROXIES`` and may not be combined with it.
``LDNDERM_REQUIRE_MFA`` (``true``: staff-side accounts must enrol and use a second factor; by
default the value of ``LDNDERM_SECURE_COOKIES``, see ``docs/mfa.md``),
``LDNDERM_DEFAULT_TIME_ZONE`` (the IANA time zone of a new clinic, and of users without one;
default ``Europe/London``).

Email (invitations, set-password links, password resets) goes through Django's backends: printed
on the console by default, sent by SMTP when ``LDNDERM_EMAIL_HOST`` is set. The SMTP variables:
``LDNDERM_EMAIL_HOST``, ``LDNDERM_EMAIL_PORT`` (default 587), ``LDNDERM_EMAIL_USER``,
``LDNDERM_EMAIL_PASSWORD``, ``LDNDERM_EMAIL_USE_TLS`` (STARTTLS, default ``true``),
``LDNDERM_EMAIL_USE_SSL`` (implicit TLS, usually port 465; not together with STARTTLS), and
``LDNDERM_EMAIL_FROM`` (the sender address, default ``ldnderm@localhost``).
``LDNDERM_SITE_URL`` (default ``http://127.0.0.1:8000``) is where the site is reached, for the
links the CLI prints and mails (pages use the address the request came to).
Bad values fail loudly at start-up.
"""

from __future__ import annotations

import ipaddress
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[3]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_DEV_SECRET = "insecure-development-key-only-for-debug-and-tests-0123456789abcdef"  # noqa: S105


@dataclass(frozen=True)
class EmailConfig:
    """How mail leaves the site: ``host`` empty means the console backend (nothing is sent)."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    use_tls: bool = True
    use_ssl: bool = False
    from_address: str = "ldnderm@localhost"


@dataclass(frozen=True)
class Config:
    database_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    var_dir: Path
    secure_cookies: bool
    trust_proxy_https: bool = False
    trusted_proxies: tuple[IPNetwork, ...] = ()
    redis_url: str = ""
    email: EmailConfig = field(default_factory=EmailConfig)
    site_url: str = "http://127.0.0.1:8000"
    require_mfa: bool = False
    default_time_zone: str = "Europe/London"


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone name known here, or None when it is one."""
    bad = f"{name!r} is not an IANA time zone name"
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        return bad
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return bad
    return None


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


def env_networks(env: Mapping[str, str], name: str) -> tuple[IPNetwork, ...]:
    """A comma-separated list of IP addresses or CIDR networks (``10.0.0.0/8``, ``::1``)."""
    networks = []
    for item in (part.strip() for part in env.get(name, "").split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or a CIDR network such as 10.0.0.0/8 "
                "(no host bits set after the slash)"
            ) from None
    return tuple(networks)


def email_from_env(env: Mapping[str, str]) -> EmailConfig:
    """The ``LDNDERM_EMAIL_*`` variables (see the module docstring)."""
    port_raw = env.get("LDNDERM_EMAIL_PORT", "") or "587"
    if not port_raw.isdigit() or not 0 < int(port_raw) < 65536:
        raise ImproperlyConfigured(f"LDNDERM_EMAIL_PORT must be a port number, got {port_raw!r}")
    use_ssl = env_bool(env, "LDNDERM_EMAIL_USE_SSL", default=False)
    use_tls = env_bool(env, "LDNDERM_EMAIL_USE_TLS", default=not use_ssl)
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "LDNDERM_EMAIL_USE_TLS and LDNDERM_EMAIL_USE_SSL cannot both be true"
        )
    sender = env.get("LDNDERM_EMAIL_FROM", "") or "ldnderm@localhost"
    if "@" not in sender:
        raise ImproperlyConfigured(f"LDNDERM_EMAIL_FROM must be an email address, got {sender!r}")
    return EmailConfig(
        host=env.get("LDNDERM_EMAIL_HOST", "").strip(),
        port=int(port_raw),
        user=env.get("LDNDERM_EMAIL_USER", ""),
        password=env.get("LDNDERM_EMAIL_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        from_address=sender,
    )


def site_url_from_env(env: Mapping[str, str]) -> str:
    raw = (env.get("LDNDERM_SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    if not raw.startswith(("http://", "https://")) or "/" in raw.split("://", 1)[1]:
        raise ImproperlyConfigured(
            f"LDNDERM_SITE_URL must be a scheme and host such as https://ldnderm.example.org, "
            f"got {raw!r}"
        )
    return raw


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
    trusted_proxies = env_networks(env, "LDNDERM_TRUSTED_PROXIES")
    trust_proxy_https = env_bool(env, "LDNDERM_TRUST_PROXY_HTTPS", default=False)
    if trusted_proxies and trust_proxy_https:
        raise ImproperlyConfigured(
            "LDNDERM_TRUST_PROXY_HTTPS is deprecated and replaced by LDNDERM_TRUSTED_PROXIES: "
            "unset it (the trusted proxies' X-Forwarded-Proto is believed already)"
        )
    zone = env.get("LDNDERM_DEFAULT_TIME_ZONE") or "Europe/London"
    problem = time_zone_problem(zone)
    if problem is not None:
        raise ImproperlyConfigured(f"LDNDERM_DEFAULT_TIME_ZONE: {problem}")
    return Config(
        database_url=database_url,
        secret_key=secret,
        debug=debug,
        allowed_hosts=hosts,
        var_dir=var_dir,
        secure_cookies=secure,
        trust_proxy_https=trust_proxy_https,
        trusted_proxies=trusted_proxies,
        redis_url=env.get("REDIS_URL", "").strip(),
        email=email_from_env(env),
        site_url=site_url_from_env(env),
        # A deployment behind HTTPS requires a second factor unless it says otherwise.
        require_mfa=env_bool(env, "LDNDERM_REQUIRE_MFA", default=secure),
        default_time_zone=zone,
    )

"""CDS Hooks settings: read once from Django settings or, failing that, the environment.

=============================  ===========================================================
``LDNDERM_CDS_ISSUERS``        JSON array of trusted CDS clients (the JWT allow-list), e.g.
                               ``[{"iss": "https://sandbox.cds-hooks.org",
                               "jwks_url": "https://sandbox.cds-hooks.org/.well-known/jwks.json"}]``.
                               Keys: ``iss``, ``jwks_url`` or inline ``jwks``, optional ``jku``
                               and ``fhir_servers`` lists (no ``fhir_servers``: prefetch-only,
                               never fetched for), optional ``fhir_private_networks`` (CIDR list
                               of private ranges those servers may use), optional ``clinic``
                               (registry clinic slug whose courses patient-view shows). Empty:
                               every call is 401.
``LDNDERM_CDS_ISSUERS_FILE``   A file holding that JSON instead (a mounted secret).
``LDNDERM_CDS_BASE_URL``       Public base URL, e.g. ``https://ldn.example.org``; the JWT ``aud``
                               must equal it plus the path called. Default: the request's own
                               scheme and host (correct only without a rewriting proxy).
``LDNDERM_CDS_CORS_ORIGINS``   Comma-separated browser origins allowed to call the service;
                               ``*`` (the default) allows any: calls carry a bearer JWT, never
                               cookies, so a wildcard grants nothing without a signed token.
=============================  ===========================================================

A Django setting of the same name wins over the environment (tests use ``override_settings``).
Bad values raise ``ImproperlyConfigured`` at start-up (:meth:`CdsConfig.ready`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from ldnderm.interop.cdshooks import auth
from ldnderm.interop.cdshooks.auth import TrustedIssuer, Verifier

_NAMES = (
    "LDNDERM_CDS_ISSUERS",
    "LDNDERM_CDS_ISSUERS_FILE",
    "LDNDERM_CDS_BASE_URL",
    "LDNDERM_CDS_CORS_ORIGINS",
)


@dataclass(frozen=True)
class CdsSettings:
    issuers: tuple[TrustedIssuer, ...]
    clinics: Mapping[str, str]
    """Issuer -> registry clinic slug (patient-view course look-up)."""
    base_url: str | None
    cors_origins: tuple[str, ...]


def _raw(name: str) -> Any:
    value = getattr(settings, name, None)
    return os.environ.get(name) if value is None else value


@cache
def cds_settings() -> CdsSettings:
    """The parsed settings (cached; cleared when a test overrides one of them)."""
    raw = _raw("LDNDERM_CDS_ISSUERS")
    path = _raw("LDNDERM_CDS_ISSUERS_FILE")
    if raw and path:
        raise ImproperlyConfigured("set LDNDERM_CDS_ISSUERS or LDNDERM_CDS_ISSUERS_FILE, not both")
    if path:
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(f"LDNDERM_CDS_ISSUERS_FILE: {exc}") from exc
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        items = data if isinstance(data, list) else []
        clinics = {
            str(item["iss"]): str(item["clinic"])
            for item in items
            if isinstance(item, dict) and item.get("clinic")
        }
        cleaned = [
            {k: v for k, v in item.items() if k != "clinic"} if isinstance(item, dict) else item
            for item in items
        ]
        issuers = auth.parse_issuers(cleaned if isinstance(data, list) else data)
    except (ValueError, TypeError, KeyError) as exc:
        raise ImproperlyConfigured(f"LDNDERM_CDS_ISSUERS: {exc}") from exc
    base = _raw("LDNDERM_CDS_BASE_URL") or None
    if base is not None and not str(base).startswith(("https://", "http://")):
        raise ImproperlyConfigured("LDNDERM_CDS_BASE_URL must be an absolute http(s) URL")
    origins_raw = _raw("LDNDERM_CDS_CORS_ORIGINS")
    origins = ("*",) if origins_raw is None else _origins(origins_raw)
    return CdsSettings(
        issuers=issuers,
        clinics=clinics,
        base_url=str(base).rstrip("/") if base else None,
        cors_origins=origins,
    )


def _origins(raw: Any) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(str(o).strip().rstrip("/") for o in items if str(o).strip())


def _fetch_jwks(url: str) -> Mapping[str, Any]:
    return auth.http_jwks_fetcher(url)  # looked up per call, so tests can replace it


@cache
def verifier() -> Verifier:
    """The process-wide verifier (keeps fetched JWK Sets between calls)."""
    from ldnderm.web.cds.replay import DatabaseReplayStore  # models: after the app registry

    return Verifier(
        issuers=cds_settings().issuers, replay=DatabaseReplayStore(), fetch_jwks=_fetch_jwks
    )


@receiver(setting_changed)
def _reset(setting: str, **kwargs: Any) -> None:
    if setting in _NAMES:
        cds_settings.cache_clear()
        verifier.cache_clear()

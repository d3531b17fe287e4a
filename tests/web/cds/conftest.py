from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ldnderm.interop.cdshooks import auth
from ldnderm.web.cds import service_date
from tests.interop.cdshooks import fixtures as f
from tests.interop.cdshooks import keys as k

NOON_ON_TODAY = dt.datetime.combine(f.TODAY, dt.time(12), tzinfo=dt.UTC)
"""Noon UTC on the fixtures' TODAY: that date in every clinic zone from UTC-11 to UTC+11."""


def freeze_hook_clock(
    monkeypatch: pytest.MonkeyPatch, instant: dt.datetime = NOON_ON_TODAY
) -> None:
    """Make hook calls answer as if it were ``instant`` (the JWT checks keep the real clock)."""
    monkeypatch.setattr(service_date, "now", lambda: instant)


@pytest.fixture(autouse=True)
def trusted_client(settings: Any, monkeypatch: pytest.MonkeyPatch, db: None) -> list[str]:
    """Trust the test client's issuer; its JWK Set is served by a fake fetcher (no network).

    Every call stores its jti in the database (the replay store), hence `db`.
    """
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(url)
        assert url == k.JWKS_URL
        return k.client_keys().jwks

    monkeypatch.setattr(auth, "http_jwks_fetcher", fetch)
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL}]
    settings.LDNDERM_CDS_CORS_ORIGINS = "*"
    return fetched

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.interop.cdshooks import auth
from tests.interop.cdshooks import keys as k


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

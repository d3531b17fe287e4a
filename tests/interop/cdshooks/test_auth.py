from __future__ import annotations

import time
from typing import Any

import pytest

from ldnderm.interop.cdshooks.auth import TrustedIssuer, Verifier, parse_issuers
from ldnderm.interop.cdshooks.errors import ClientAuthError
from tests.interop.cdshooks import keys as k

AUD = "https://cds.example.org/cds-services/naltrexone-order-select"


def verifier(fetched: list[str] | None = None, jwks: dict[str, Any] | None = None) -> Verifier:
    def fetch(url: str) -> dict[str, Any]:
        if fetched is not None:
            fetched.append(url)
        return jwks or k.client_keys().jwks

    return Verifier(issuers=[TrustedIssuer(iss=k.ISS, jwks_url=k.JWKS_URL)], fetch_jwks=fetch)


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_a_valid_token_is_accepted(alg: str) -> None:
    issuer, claims = verifier().verify(f"Bearer {k.token(AUD, alg)}", AUD)
    assert issuer.iss == k.ISS and claims["aud"] == AUD


def test_an_audience_array_containing_the_url_is_accepted() -> None:
    verifier().verify(f"Bearer {k.token(AUD, aud=[AUD, 'https://other'])}", AUD)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("Basic abc", "Bearer"),
        ("Bearer not-a-jwt", "well-formed"),
        (f"Bearer {k.token(AUD, 'none')}", "'none'"),
        (f"Bearer {k.token(AUD, 'HS256')}", "'HS256'"),
        (f"Bearer {k.token(AUD + '/x')}", "aud"),
        (f"Bearer {k.token(AUD, exp=int(time.time()) - 120)}", "expired"),
        (f"Bearer {k.token(AUD, iss='https://evil.example')}", "not trusted"),
        (f"Bearer {k.token(AUD, jti=None)}", "jti"),
        (f"Bearer {k.token(AUD, kid='unknown')}", "kid"),
        (f"Bearer {k.token(AUD, exp=int(time.time()) + 7200)}", "too long"),
    ],
)
def test_bad_tokens_are_refused(header: str | None, reason: str) -> None:
    with pytest.raises(ClientAuthError, match=reason):
        verifier().verify(header, AUD)


def test_a_replayed_jti_is_refused() -> None:
    v = verifier()
    token = k.token(AUD)
    v.verify(f"Bearer {token}", AUD)
    with pytest.raises(ClientAuthError, match="replay"):
        v.verify(f"Bearer {token}", AUD)


def test_an_ec_kid_used_with_rs384_is_refused() -> None:
    with pytest.raises(ClientAuthError):
        verifier().verify(f"Bearer {k.token(AUD, 'RS384', kid='ec-1')}", AUD)


def test_a_jku_that_is_not_configured_is_refused_and_never_fetched() -> None:
    import jwt

    fetched: list[str] = []
    token = jwt.encode(
        k.claims(AUD),
        k.client_keys().ec_private,
        "ES384",
        headers={"kid": "ec-1", "jku": "https://attacker.example/jwks.json"},
    )
    with pytest.raises(ClientAuthError, match="jku"):
        verifier(fetched).verify(f"Bearer {token}", AUD)
    assert fetched == []


def test_the_jwks_is_cached_and_refetched_for_an_unknown_kid() -> None:
    fetched: list[str] = []
    v = verifier(fetched)
    v.verify(f"Bearer {k.token(AUD)}", AUD)
    v.verify(f"Bearer {k.token(AUD, 'RS384')}", AUD)
    assert fetched == [k.JWKS_URL]


def test_issuers_parse_from_json_and_refuse_unknown_keys() -> None:
    issuers = parse_issuers('[{"iss": "https://a", "jwks_url": "https://a/jwks"}]')
    assert issuers[0].allowed_jku == frozenset({"https://a/jwks"})
    with pytest.raises(ValueError, match="unknown keys"):
        parse_issuers('[{"iss": "https://a", "jwks_url": "https://a/j", "secret": 1}]')
    with pytest.raises(ValueError, match="jwks"):
        parse_issuers('[{"iss": "https://a"}]')

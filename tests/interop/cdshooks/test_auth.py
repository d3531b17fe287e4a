from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from ldnderm.interop.cdshooks.auth import (
    LEEWAY_SECONDS,
    MemoryReplayStore,
    TrustedIssuer,
    Verifier,
    parse_issuers,
)
from ldnderm.interop.cdshooks.errors import ClientAuthError
from tests.interop.cdshooks import keys as k

AUD = "https://cds.example.org/cds-services/naltrexone-order-select"


def verifier(fetched: list[str] | None = None, jwks: dict[str, Any] | None = None) -> Verifier:
    def fetch(url: str) -> dict[str, Any]:
        if fetched is not None:
            fetched.append(url)
        return jwks or k.client_keys().jwks

    return Verifier(
        issuers=[TrustedIssuer(iss=k.ISS, jwks_url=k.JWKS_URL)],
        replay=MemoryReplayStore(),
        fetch_jwks=fetch,
    )


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_a_valid_token_is_accepted(alg: str) -> None:
    issuer, claims = verifier().verify(f"Bearer {k.token(AUD, alg)}", AUD)
    assert issuer.iss == k.ISS and claims["aud"] == AUD


def test_an_audience_array_containing_the_url_is_accepted() -> None:
    verifier().verify(f"Bearer {k.token(AUD, aud=[AUD, 'https://other'])}", AUD)


Header = Callable[[], str | None]
"""Builds an ``Authorization`` header value when the test runs (never at collection: a token
minted at import time would expire while a slow suite is still running)."""


def bearer(audience: str = AUD, alg: str = "ES384", **overrides: Any) -> Header:
    return lambda: f"Bearer {k.token(audience, alg, **overrides)}"


# Each bad header has exactly one defect: everything else about it is valid (right audience,
# trusted issuer, known kid, a jti, unexpired), so it is refused for its own reason only.
BAD_HEADERS: dict[str, tuple[Header, str]] = {
    "missing": (lambda: None, r"^missing Authorization"),
    "basic": (lambda: "Basic abc", r"must be 'Bearer <JWT>'"),
    "not-a-jwt": (lambda: "Bearer not-a-jwt", r"not a well-formed JWT"),
    "alg-none": (bearer(alg="none"), r"alg 'none' is not accepted"),
    "alg-hs256": (bearer(alg="HS256"), r"alg 'HS256' is not accepted"),
    "wrong-aud": (bearer(AUD + "/x"), rf"^the JWT aud is not {re.escape(AUD)}$"),
    "expired": (bearer(iat_ago=420, exp_in=-120), r"^the JWT has expired$"),
    "untrusted-iss": (bearer(iss="https://evil.example"), r"issuer is not trusted"),
    "no-jti": (bearer(jti=None), r"^the JWT has no jti claim$"),
    "unknown-kid": (bearer(kid="unknown"), r"^no key with the JWT kid"),
    "lives-too-long": (bearer(exp_in=7200), r"lives too long"),
}


@pytest.mark.parametrize(("make_header", "reason"), BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
def test_bad_tokens_are_refused_for_their_own_reason(make_header: Header, reason: str) -> None:
    with pytest.raises(ClientAuthError, match=reason):
        verifier().verify(make_header(), AUD)


def test_the_wrong_audience_token_is_otherwise_valid() -> None:
    """It is refused for its audience alone: unexpired, and accepted where it was meant to go."""
    make_header, _ = BAD_HEADERS["wrong-aud"]
    header = make_header()
    assert header is not None
    claims = jwt.decode(header.removeprefix("Bearer "), options={"verify_signature": False})
    assert claims["exp"] > time.time() + 60 and claims["aud"] == AUD + "/x"
    verifier().verify(header, AUD + "/x")


def test_the_expired_token_has_the_right_audience() -> None:
    make_header, _ = BAD_HEADERS["expired"]
    header = make_header()
    assert header is not None
    claims = jwt.decode(header.removeprefix("Bearer "), options={"verify_signature": False})
    assert claims["aud"] == AUD and claims["iss"] == k.ISS and claims["jti"]
    assert claims["exp"] < time.time() - LEEWAY_SECONDS


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

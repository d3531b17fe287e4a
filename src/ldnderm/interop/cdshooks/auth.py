"""Verifying the bearer JWT a CDS client sends with every call (CDS Hooks 2.0, "Trusting CDS
Clients").

A token is accepted only when all of these hold:

- header ``alg`` is ES384 or RS384 (``none`` and every HMAC or other algorithm are refused
  before any key is looked at) and ``kid`` is present;
- ``iss`` is on the allow-list; the key comes from that issuer's JWK Set (configured inline or
  fetched from its configured ``jwks_url``); a ``jku`` header is accepted only when it equals an
  URL configured for that issuer, and is never fetched otherwise;
- the signature verifies; ``aud`` (string or array) contains the exact URL that was called;
  ``exp`` is in the future and ``iat`` is present (60 s leeway for clock skew); ``jti`` is present;
- the ``(iss, jti)`` pair has not been seen before while the token is valid. The replay store is
  injected (:class:`ReplayStore`); the web door keeps it in the database, shared by every server
  process, so a replay is refused however many calls came in between.

Every failure raises :class:`ClientAuthError` with a reason that is safe to return.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import jwt
from jwt.algorithms import get_default_algorithms

from ldnderm.interop.cdshooks.errors import ClientAuthError
from ldnderm.interop.cdshooks.prefetch import FetchPolicy

ALGORITHMS = ("ES384", "RS384")
LEEWAY_SECONDS = 60
MAX_LIFETIME_SECONDS = 3600
"""Tokens that claim to live longer than an hour are refused: a replay cache must hold every
jti until its token expires, and clients sign a fresh token per call (the sandbox: 5 minutes)."""
JWKS_TTL_SECONDS = 300.0
JWKS_REFRESH_MIN_SECONDS = 30.0


@dataclass(frozen=True)
class TrustedIssuer:
    """One allow-listed CDS client.

    ``jwks_url`` is fetched (and cached for five minutes) when ``jwks`` is not given inline;
    ``jku`` lists the JWK Set URLs a token header may name (``jwks_url`` is always allowed).
    ``fhir_servers`` lists the FHIR base URLs this client may ask us to call; without it the
    client is prefetch-only (the service never fetches for it). ``fhir_private_networks`` lists
    loopback, link-local or private networks (CIDR) those servers may resolve to; any other such
    address is refused (SSRF).
    """

    iss: str
    jwks_url: str | None = None
    jwks: Mapping[str, Any] | None = None
    jku: tuple[str, ...] = ()
    fhir_servers: tuple[str, ...] = ()
    fhir_private_networks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.iss:
            raise ValueError("a trusted issuer needs its iss")
        if self.jwks is None and not self.jwks_url:
            raise ValueError(f"trusted issuer {self.iss}: give jwks or jwks_url")
        if self.fhir_servers or self.fhir_private_networks:
            try:
                FetchPolicy.of(self.fhir_servers, self.fhir_private_networks)
            except ValueError as exc:
                raise ValueError(f"trusted issuer {self.iss}: {exc}") from exc

    @property
    def allowed_jku(self) -> frozenset[str]:
        return frozenset((*self.jku, *((self.jwks_url,) if self.jwks_url else ())))


def parse_issuers(raw: Any) -> tuple[TrustedIssuer, ...]:
    """Trusted issuers from JSON text or parsed JSON: a list of objects.

    Example (the CDS Hooks sandbox)::

        [{"iss": "https://sandbox.cds-hooks.org",
          "jwks_url": "https://sandbox.cds-hooks.org/.well-known/jwks.json"}]

    Keys per object: ``iss`` (required), ``jwks_url`` or ``jwks`` (one is required), ``jku`` and
    ``fhir_servers`` (lists of URLs, optional), ``fhir_private_networks`` (CIDR list, optional).
    Raises ``ValueError`` naming the bad entry.
    """
    data = json.loads(raw) if isinstance(raw, str | bytes) else raw
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ValueError("the trusted issuers must be a JSON array of objects")
    out = []
    allowed = {"iss", "jwks_url", "jwks", "jku", "fhir_servers", "fhir_private_networks"}
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ValueError(f"trusted issuer [{i}] must be an object")
        unknown = set(item) - allowed
        if unknown:
            raise ValueError(f"trusted issuer [{i}]: unknown keys {sorted(unknown)}")
        out.append(
            TrustedIssuer(
                iss=str(item.get("iss", "")),
                jwks_url=item.get("jwks_url"),
                jwks=item.get("jwks"),
                jku=tuple(item.get("jku", ())),
                fhir_servers=tuple(s.rstrip("/") for s in item.get("fhir_servers", ())),
                fhir_private_networks=tuple(item.get("fhir_private_networks", ())),
            )
        )
    return tuple(out)


class ReplayStore(Protocol):
    """Where the ``jti`` of every accepted token is kept until the token expires.

    Implementations must be shared by every process that verifies tokens for the same service
    (the web door: a database table with a unique ``(issuer, jti)`` constraint).
    """

    def add(self, issuer: str, jti: str, expires_at: float) -> bool:
        """Record ``(issuer, jti)`` until ``expires_at`` (epoch seconds); ``False`` if already
        recorded and not yet expired."""
        ...


class MemoryReplayStore:
    """A replay store for one process only: unit tests and single-process tools, never the web
    door (a replay sent to another process would be accepted there)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def add(self, issuer: str, jti: str, expires_at: float) -> bool:
        now = self._clock()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: t for k, t in self._seen.items() if t > now}
            expires = self._seen.get((issuer, jti))
            if expires is not None and expires > now:
                return False
            self._seen[(issuer, jti)] = expires_at
            return True


JwksFetcher = Callable[[str], Mapping[str, Any]]


def http_jwks_fetcher(url: str) -> Mapping[str, Any]:
    """GET a JWK Set with strict timeouts (no redirects)."""
    try:
        response = httpx.get(url, timeout=httpx.Timeout(2.0, connect=1.0))
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ClientAuthError("the issuer's JWK Set could not be fetched") from exc
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise ClientAuthError("the issuer's JWK Set is not a JWK Set")
    return body


@dataclass
class _CachedSet:
    keys: Mapping[str, Any]
    fetched_at: float


@dataclass
class Verifier:
    """Verifies client JWTs against an allow-list of issuers.

    Thread-safe; keeps fetched JWK Sets for :data:`JWKS_TTL_SECONDS` and refetches early (at most
    every :data:`JWKS_REFRESH_MIN_SECONDS`) when a token names an unknown ``kid``, which is how
    key rotation is picked up.
    """

    issuers: Sequence[TrustedIssuer]
    replay: ReplayStore
    fetch_jwks: JwksFetcher = http_jwks_fetcher
    clock: Callable[[], float] = time.time
    _sets: dict[str, _CachedSet] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def verify(
        self, authorization: str | None, audience: str
    ) -> tuple[TrustedIssuer, dict[str, Any]]:
        """Check an ``Authorization`` header value for a call to ``audience`` (the exact URL).

        Returns the trusted issuer and the verified claims; raises :class:`ClientAuthError`.
        """
        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise ClientAuthError("the bearer token is not a well-formed JWT") from exc
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise ClientAuthError(f"JWT alg {alg!r} is not accepted (use ES384 or RS384)")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise ClientAuthError("the JWT header has no kid")
        issuer = self._issuer(unverified.get("iss"))
        jku = header.get("jku")
        if jku is not None and jku not in issuer.allowed_jku:
            raise ClientAuthError("the JWT jku is not configured for this issuer")
        key = self._key(issuer, kid, str(alg))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[str(alg)],
                audience=audience,
                issuer=issuer.iss,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"], "strict_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise ClientAuthError("the JWT has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise ClientAuthError(f"the JWT aud is not {audience}") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise ClientAuthError(f"the JWT has no {exc.claim} claim") from exc
        except jwt.InvalidSignatureError as exc:
            raise ClientAuthError("the JWT signature does not verify") from exc
        except jwt.PyJWTError as exc:
            raise ClientAuthError(f"the JWT is not valid: {exc}") from exc
        now = self.clock()
        exp = int(claims["exp"])
        if exp - now > MAX_LIFETIME_SECONDS:
            raise ClientAuthError("the JWT lives too long (exp more than an hour ahead)")
        jti = str(claims["jti"])
        expires_at = max(now, float(exp)) + LEEWAY_SECONDS
        if not jti or not self.replay.add(issuer.iss, jti, expires_at):
            raise ClientAuthError("the JWT jti was already used (replay)")
        return issuer, claims

    def _issuer(self, iss: Any) -> TrustedIssuer:
        for issuer in self.issuers:
            if issuer.iss == iss:
                return issuer
        raise ClientAuthError("the JWT issuer is not trusted by this service")

    def _key(self, issuer: TrustedIssuer, kid: str, alg: str) -> Any:
        keys = self._keys(issuer, refresh=False)
        if kid not in keys:
            keys = self._keys(issuer, refresh=True)
        jwk = keys.get(kid)
        if jwk is None:
            raise ClientAuthError("no key with the JWT kid in the issuer's JWK Set")
        expected_kty = "EC" if alg == "ES384" else "RSA"
        if jwk.get("kty") != expected_kty:
            raise ClientAuthError(f"the key {kid!r} is not an {expected_kty} key")
        try:
            return get_default_algorithms()[alg].from_jwk(jwk)
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise ClientAuthError(f"the key {kid!r} cannot be used for {alg}") from exc

    def _keys(self, issuer: TrustedIssuer, refresh: bool) -> Mapping[str, Any]:
        if issuer.jwks is not None:
            return _index(issuer.jwks)
        assert issuer.jwks_url is not None
        now = self.clock()
        with self._lock:
            cached = self._sets.get(issuer.iss)
            fresh = cached is not None and now - cached.fetched_at < JWKS_TTL_SECONDS
            throttled = cached is not None and now - cached.fetched_at < JWKS_REFRESH_MIN_SECONDS
            if cached is not None and ((fresh and not refresh) or throttled):
                return cached.keys
        keys = _index(self.fetch_jwks(issuer.jwks_url))
        with self._lock:
            self._sets[issuer.iss] = _CachedSet(keys, now)
        return keys


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise ClientAuthError("missing Authorization: Bearer <JWT> header")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ClientAuthError("the Authorization header must be 'Bearer <JWT>'")
    return token.strip()


def _index(jwks: Mapping[str, Any]) -> dict[str, Any]:
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        raise ClientAuthError("the issuer's JWK Set has no keys array")
    return {k["kid"]: k for k in keys if isinstance(k, dict) and isinstance(k.get("kid"), str)}

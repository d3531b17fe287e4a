"""Client signing keys made in the test run (no network, no key files), and token builders."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISS = "https://ehr.example.org"
JWKS_URL = "https://ehr.example.org/.well-known/jwks.json"


@dataclass(frozen=True)
class ClientKeys:
    ec_private: ec.EllipticCurvePrivateKey
    rsa_private: rsa.RSAPrivateKey

    @property
    def jwks(self) -> dict[str, Any]:
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec_private.public_key()))
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa_private.public_key()))
        ec_jwk.update(kid="ec-1", alg="ES384", use="sig")
        rsa_jwk.update(kid="rsa-1", alg="RS384", use="sig")
        return {"keys": [ec_jwk, rsa_jwk]}


@cache
def client_keys() -> ClientKeys:
    return ClientKeys(
        ec_private=ec.generate_private_key(ec.SECP384R1()),
        rsa_private=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


def claims(audience: str, exp_in: int = 300, iat_ago: int = 0, **overrides: Any) -> dict[str, Any]:
    """Claims of a valid token, timed from now: call it when the test runs, never at import.

    ``exp_in`` and ``iat_ago`` are seconds relative to the call; ``overrides`` replace claims
    (``None`` drops one).
    """
    if "PYTEST_CURRENT_TEST" not in os.environ:
        raise RuntimeError("mint test tokens inside a test or fixture, not at import/collection")
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISS,
        "aud": audience,
        "iat": now - iat_ago,
        "exp": now + exp_in,
        "jti": str(uuid.uuid4()),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(audience: str, alg: str = "ES384", kid: str | None = None, **overrides: Any) -> str:
    """A signed client token minted now (see :func:`claims` for ``overrides``)."""
    keys = client_keys()
    payload = claims(audience, **overrides)
    if alg == "ES384":
        return jwt.encode(payload, keys.ec_private, "ES384", headers={"kid": kid or "ec-1"})
    if alg == "RS384":
        return jwt.encode(payload, keys.rsa_private, "RS384", headers={"kid": kid or "rsa-1"})
    if alg == "HS256":
        secret = "s" * 64
        return jwt.encode(payload, secret, "HS256", headers={"kid": kid or "ec-1"})
    if alg == "none":
        header = {"alg": "none", "typ": "JWT", "kid": kid or "ec-1"}
        return f"{_b64(header)}.{_b64(payload)}."
    raise ValueError(alg)


def _b64(part: dict[str, Any]) -> str:
    raw = json.dumps(part, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

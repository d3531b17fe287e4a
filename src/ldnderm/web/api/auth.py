"""API authentication: the browser's session (with CSRF) or a bearer token for scripts.

``POST /api/v1/auth/token`` exchanges a username and password for a token. It goes through
Django's ``authenticate``, so django-axes counts and locks out failures exactly as on the login
page (a locked-out caller gets 429 in JSON, see ``ldnderm.web.accounts.lockout``). Only the
token's SHA-256 digest is stored; a token expires after ``API_TOKEN_LIFETIME`` and
``DELETE /api/v1/auth/token`` revokes the one presented. An unknown, expired or revoked token
answers 401. An account with a second factor also sends ``totp`` (``ldnderm.web.mfa.tokens``).
Issuing and revoking are audited (``create`` and ``update`` of ``api_token``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from ldnderm.web.accounts.models import ApiToken, User
from ldnderm.web.api.registry_schemas import TokenIn, TokenOut
from ldnderm.web.audit import tokens
from ldnderm.web.audit.log import Actor
from ldnderm.web.mfa import tokens as mfa_tokens
from ldnderm.web.registry.access import Scope, scope_for
from ldnderm.web.registry.routes import declare


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = ApiToken.find(token)
        if row is None:
            return None
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


BEARER = BearerToken()
AUTH: list[Any] = [BEARER, django_auth]

router = Router(tags=["auth"])


@router.post("/token", response=TokenOut, summary="Exchange a username and password for a token")
@declare("public")
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        raise HttpError(401, "invalid credentials")
    refusal = mfa_tokens.refusal(request, user, payload.totp)
    if refusal is not None:
        raise HttpError(401, refusal)
    raw, row = ApiToken.issue(user)
    tokens.issued(Actor.for_user(request, user), row, via="api")
    return {"token": raw, "expires_at": row.expires_at}


@router.delete(
    "/token", auth=BEARER, response={204: None}, summary="Revoke the bearer token presented"
)
@declare("public")
def revoke_token(request: HttpRequest) -> Status[None]:
    row: ApiToken = request.api_token  # type: ignore[attr-defined]
    tokens.revoke(
        ApiToken.objects.filter(pk=row.pk), Actor.from_request(request), "revoked by its holder"
    )
    return Status(204, None)


def patient_scope(request: HttpRequest) -> Scope:
    return scope_for(request, patient_data=True)

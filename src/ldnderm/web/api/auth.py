"""API authentication: the browser's session (with CSRF) or a bearer token for scripts.

``POST /api/v1/auth/token`` exchanges a username and password for a token. It goes through
Django's ``authenticate``, so django-axes counts and locks out failures exactly as on the login
page. Only the token's SHA-256 digest is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from ldnderm.web.accounts.models import ApiToken, User, hash_token
from ldnderm.web.api.registry_schemas import TokenIn, TokenOut
from ldnderm.web.registry.access import Scope, scope_for
from ldnderm.web.registry.routes import declare


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=hash_token(token), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        request.user = row.user
        return row.user


AUTH: list[Any] = [BearerToken(), django_auth]

router = Router(tags=["auth"])


@router.post("/token", response=TokenOut, summary="Exchange a username and password for a token")
@declare("public")
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        raise HttpError(401, "invalid credentials")
    return {"token": ApiToken.issue(user)}


def patient_scope(request: HttpRequest) -> Scope:
    return scope_for(request, patient_data=True)

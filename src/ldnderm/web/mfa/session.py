"""The second-factor state of the signed-in session.

At log-in (Django's ``user_logged_in``) the session is marked :data:`PENDING` when the user must
give a code (:func:`ldnderm.web.mfa.policy.second_factor_needed`), else :data:`NOT_NEEDED`. A
correct code or a confirmed enrolment marks it :data:`VERIFIED`, records the device with
django-otp and gives the session a new key (a raised privilege gets a fresh session id). The
state is decided once per log-in, so the middleware reads it without a query; log-out ends it.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from ldnderm.web.accounts.models import User
from ldnderm.web.mfa.policy import second_factor_needed

KEY = "ldnderm_mfa"
PENDING, VERIFIED, NOT_NEEDED = "pending", "verified", "not-needed"


def decide(request: HttpRequest, user: User) -> str:
    """Mark the session of a fresh log-in and return its state."""
    state = PENDING if second_factor_needed(user) else NOT_NEEDED
    request.session[KEY] = state
    return state


def state_of(request: HttpRequest) -> str | None:
    """The state of this session, deciding it for a session signed in before this feature."""
    user = request.user
    if not user.is_authenticated or not hasattr(request, "session"):
        return None
    state = request.session.get(KEY)
    if state is None:
        assert isinstance(user, User)
        state = decide(request, user)
    return str(state)


def is_verified_as(request: HttpRequest, user: User) -> bool:
    """Whether this request's session belongs to ``user`` and has passed the second factor."""
    session_user = getattr(request, "user", None)
    return (
        session_user is not None
        and session_user.is_authenticated
        and session_user.pk == user.pk
        and request.session.get(KEY) == VERIFIED
    )


def mark_verified(request: HttpRequest, device: Any) -> None:
    django_otp.login(request, device)
    request.session[KEY] = VERIFIED
    request.session.cycle_key()


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and isinstance(user, User):
        decide(request, user)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="ldnderm.mfa.decide")

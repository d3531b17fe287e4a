"""Log-ins, log-outs and failed log-ins in the audit trail (ASVS V16: authentication events).

Failed attempts keep the username tried (never the password) and the request id; django-axes
keeps its own lockout records beside these.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from ldnderm.web.audit.log import Action, Actor, record


def _user_actor(request: HttpRequest, user: Any) -> Actor:
    # Built from the signal's user: the request may not carry ``user`` yet (test clients, or
    # log-out after the session was flushed).
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        clinic_id=getattr(user, "clinic_id", None),
        request_id=getattr(request, "request_id", ""),
        path=request.path[:300],
    )


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        record(_user_actor(request, user), Action.LOGIN, "session", user.pk)


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and user is not None:
        record(_user_actor(request, user), Action.LOGOUT, "session", user.pk)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    actor = Actor(
        user_id=None,
        username=username,
        clinic_id=None,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        path=request.path[:300] if request is not None else "",
    )
    record(actor, Action.LOGIN_FAILED, "session")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="ldnderm.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="ldnderm.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="ldnderm.audit.login_failed")

"""Log-ins, log-outs and failed log-ins in the audit trail (ASVS V16: authentication events).

Failed attempts keep the username tried (never the password) and the request id; django-axes
keeps its own lockout records beside these.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from ldnderm.web.audit.log import Action, Actor, record


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        record(Actor.for_user(request, user), Action.LOGIN, "session", user.pk)


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and user is not None:
        record(Actor.for_user(request, user), Action.LOGOUT, "session", user.pk)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    actor = dataclasses.replace(Actor.for_user(request, None), username=username)
    record(actor, Action.LOGIN_FAILED, "session")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="ldnderm.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="ldnderm.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="ldnderm.audit.login_failed")

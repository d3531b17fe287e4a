"""Wrong second-factor codes count as failed log-ins (django-axes), on the page and the API.

A wrong or missing code is reported through Django's ``user_login_failed`` signal, so django-axes
adds it to the same count as wrong passwords for that username and address (five lock the pair
out for the cool-off, answered 429) and the audit trail records a failed log-in. django-otp's
own per-device throttling (1, 2, 4, ... seconds after successive wrong codes) applies as well.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest


def _credentials(username: str) -> dict[str, str]:
    return {"username": username}


def count_failure(request: HttpRequest, username: str) -> None:
    user_login_failed.send(__name__, credentials=_credentials(username), request=request)


def locked_out(request: HttpRequest, username: str) -> bool:
    return bool(AxesProxyHandler.is_locked(request, _credentials(username)))

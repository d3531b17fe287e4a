"""An absolute limit on a session's life, beside the idle timeout Django gives.

Django renews the session cookie on every request (``SESSION_SAVE_EVERY_REQUEST``), which makes
``SESSION_COOKIE_AGE`` an idle timeout. This middleware also ends any session older than
``SESSION_ABSOLUTE_LIMIT_SECONDS`` since log-in, however active (OWASP ASVS V7.3).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

LOGIN_AT = "ldnderm_login_at"


@receiver(user_logged_in, dispatch_uid="ldnderm.accounts.session_start")
def _stamp(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(LOGIN_AT)
            limit = int(getattr(settings, "SESSION_ABSOLUTE_LIMIT_SECONDS", 12 * 60 * 60))
            if started is None or time.time() - int(started) > limit:
                logout(request)  # also flushes the session; the request goes on anonymous
        return self.get_response(request)

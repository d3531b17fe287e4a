"""Hold a signed-in user whose log-in still needs a second factor at enrolment or verification.

While the session is :data:`~ldnderm.web.mfa.session.PENDING`, a page request goes to the
verification page (or to enrolment when the user has no device yet), keeping where it was going
in ``next``; only those two pages, log-in, log-out, static files and the health checks are
served. An API request is served as anonymous: the session is not yet a log-in, so patient data
answers 401, while a bearer token (issued only after its own second-factor check) still works.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ldnderm.web.mfa.policy import has_device
from ldnderm.web.mfa.session import PENDING, state_of


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("mfa:enrol"),
        reverse("mfa:verify"),
        reverse("login"),
        reverse("logout"),
        reverse("livez"),
        reverse("healthz"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if state_of(request) == PENDING:
            if request.path.startswith("/api/"):
                request.user = AnonymousUser()
            elif not request.path.startswith(self.open_paths()):
                return self.hold(request)
        return self.get_response(request)

    def open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = _open_paths()
        return self._open

    def hold(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        target = reverse("mfa:verify" if has_device(user) else "mfa:enrol")  # type: ignore[arg-type]
        if request.method in {"GET", "HEAD"}:
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            # An HTMX fragment request: make the browser load the page instead of swapping it in.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

"""``Cache-Control: no-store`` on every response that may carry patient data.

That is every response to a signed-in user (pages, the admin, exports: a browser or a shared
proxy must never keep a copy on disk) and every response of the JSON API and of CDS Hooks,
whoever calls them (bearer tokens and JWTs carry no session). Anonymous pages (home, log-in,
published evidence) and static files are left to their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# URL prefixes whose every answer is no-store, signed in or not.
MACHINE_PREFIXES = ("/api/", "/cds-services")


def carries_patient_data(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return request.path.startswith(MACHINE_PREFIXES)


class NoStoreMiddleware:
    """Place after ``AuthenticationMiddleware`` (it reads ``request.user``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if carries_patient_data(request):
            # Whatever a view asked for (public, max-age...), nothing may be stored.
            response["Cache-Control"] = "no-store"
        return response

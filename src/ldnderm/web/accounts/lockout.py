"""What a locked-out caller sees (django-axes ``AXES_LOCKOUT_CALLABLE``).

The log-in page renders the lockout template; the API (``/api/...``, where the token endpoint
lives) answers JSON a script can read. Both use 429 and a ``Retry-After`` of the cool-off.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

DETAIL = "too many failed log-ins for this account from this address; try again later"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else None
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DETAIL, "retry_after": seconds}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"cooloff_seconds": seconds, "cooloff_minutes": -(-(seconds or 0) // 60)},
            status=429,
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response

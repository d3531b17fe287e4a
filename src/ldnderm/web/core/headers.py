"""Content-Security-Policy on every response (OWASP ASVS 3.4.3, 3.4.6).

Every script and stylesheet of the site is a file served from its own origin (HTMX, the API docs
and the admin included; no inline script, no CDN), so the policy can be strict: no inline script,
no ``eval``, no plugins, no framing, no ``<base>``, forms post only to the site. The other
headers (X-Frame-Options, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS) come from
Django's own middleware and settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response

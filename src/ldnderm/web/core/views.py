"""Home page and liveness check."""

from __future__ import annotations

from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ldnderm import __version__


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    from ldnderm import measures

    return render(request, "core/home.html", {"measures": measures.all_measures()})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin's log-in, for administrators only: a signed-in user who is not admin
    staff gets the site's 404 instead of an invitation to log in as someone else (every admin
    page sends such a user here)."""
    from django.contrib import admin

    user = request.user
    if user.is_authenticated and not (user.is_active and user.is_staff):
        raise Http404("not found")
    return admin.site.login(request)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for unprompted: the site's own SVG icon."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("ldnderm/favicon.svg"))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The branded 404 page (``handler404``)."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The branded 500 page (``handler500``): a static template, no context processors that
    could fail again."""
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


@never_cache
@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness of the process alone (no database): a no-op JSON answer."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})

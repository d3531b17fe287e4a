"""Home page and liveness check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ldnderm import __version__


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    from ldnderm import measures

    return render(request, "core/home.html", {"measures": measures.all_measures()})


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

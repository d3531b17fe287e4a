"""The page decorator: declares access, builds the scope, maps access errors to responses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from ldnderm.web.registry.access import (
    AccessDenied,
    NotAuthenticated,
    RecordNotFound,
    Scope,
    scope_for,
)
from ldnderm.web.registry.routes import Kind, declare

PageView = Callable[..., HttpResponse]


def page(kind: Kind, **objects: type[models.Model]) -> Callable[[PageView], PageView]:
    """Wrap ``view(request, scope, **kwargs)`` as a Django view of the given access kind.

    Anonymous users are sent to the login page; a role without access gets 403; a record that
    is absent or of another clinic raises 404. Responses are never cached (``no-store``).
    """

    def wrap(view: PageView) -> PageView:
        @functools.wraps(view)
        def run(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                scope: Scope = scope_for(
                    request, patient_data=kind in {"patient_data", "patient_entry"}
                )
                response = view(request, scope, **kwargs)
            except NotAuthenticated:
                return redirect_to_login(request.get_full_path())
            except AccessDenied as exc:
                response = render(request, "registry/denied.html", {"reason": str(exc)}, status=403)
            except RecordNotFound as exc:
                raise Http404("not found") from exc
            patch_cache_control(response, no_store=True)
            return response

        return declare(kind, **objects)(run)

    return wrap


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"

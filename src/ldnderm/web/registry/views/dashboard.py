"""The clinic dashboard: de-identified aggregates (researchers admitted)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.services import dashboard as service
from ldnderm.web.registry.views.base import page


@page("aggregate")
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    board = service.build(scope)
    context = {"board": board, "condition_names": clinical.condition_names(), "role": scope.role}
    return render(request, "registry/dashboard.html", context)

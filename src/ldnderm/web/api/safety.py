"""``/api/v1/screen``, ``/api/v1/plan`` and ``/api/v1/compound``: the same domain functions as
the CLI. Bodies are read by the domain's strict readers, so an invalid field answers 422 with its
path (mapped in :mod:`ldnderm.web.api.main`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

router = Router(tags=["safety"])


@router.post("/screen", summary="Screen a JSON profile or FHIR R4 Bundle before naltrexone")
def screen(
    request: HttpRequest, document: Body[dict[str, Any]], as_of: date | None = None
) -> dict[str, Any]:
    from ldnderm import safety

    return safety.screen_document(document, as_of=as_of).model_dump(mode="json")


@router.post("/plan", summary="Titration steps and follow-up visits for a condition")
def plan(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    from ldnderm import dosing

    return dosing.plan_from_json(payload).model_dump(mode="json")


@router.post("/compound", summary="Compounding order from a dose and days, or from a plan")
def compound(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    from ldnderm import dosing

    return dosing.compound_from_json(payload).model_dump(mode="json")

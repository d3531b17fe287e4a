"""``/api/v1/measures``: list, score and compare, calling the same domain code as the CLI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

router = Router(tags=["measures"])


class ComparePayload(Schema):
    baseline: dict[str, Any]
    followup: dict[str, Any]


@router.get("", summary="List the outcome measures with their citations and licences")
def list_measures(request: HttpRequest) -> list[dict[str, Any]]:
    from ldnderm import measures

    return [m.describe() for m in measures.all_measures()]


@router.get("/{measure_id}", summary="One measure's definition")
def get_measure(request: HttpRequest, measure_id: str) -> dict[str, Any]:
    from ldnderm import measures

    return measures.get(measure_id).describe()


@router.post("/{measure_id}/score", summary="Score one set of responses")
def score(request: HttpRequest, measure_id: str, responses: Body[dict[str, Any]]) -> dict[str, Any]:
    from ldnderm import measures

    return measures.get(measure_id).score(responses).model_dump(mode="json")


@router.post("/{measure_id}/compare", summary="Compare a follow-up with its baseline")
def compare(request: HttpRequest, measure_id: str, payload: ComparePayload) -> dict[str, Any]:
    from ldnderm import measures

    result = measures.get(measure_id).compare(payload.baseline, payload.followup)
    return result.model_dump(mode="json")

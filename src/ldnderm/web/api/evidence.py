"""``/api/v1/conditions``, ``/api/v1/studies`` and ``/api/v1/knowledge``: the evidence base.

The bodies are the same JSON-ready views the CLI prints (:mod:`ldnderm.evidence.presenters`); an
unknown condition or study is a NotFound, mapped to 404 with suggestions in ``main.py``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

conditions_router = Router(tags=["evidence"])
studies_router = Router(tags=["evidence"])
knowledge_router = Router(tags=["evidence"])


@conditions_router.get("", summary="Every condition with its computed evidence grade")
def list_conditions(request: HttpRequest) -> dict[str, Any]:
    from ldnderm import evidence
    from ldnderm.evidence import presenters
    from ldnderm.kernel.version import knowledge_version

    kb = evidence.base()
    return {"conditions": presenters.condition_list(kb), "knowledge_version": knowledge_version()}


@conditions_router.get(
    "/{condition_id}",
    summary="One condition: studies, regimens, grade and the reasons for it",
    description="The id may also be a name, a synonym or an ICD-10-CM code such as L73.2.",
)
def get_condition(request: HttpRequest, condition_id: str) -> dict[str, Any]:
    from ldnderm import evidence
    from ldnderm.evidence import presenters

    kb = evidence.base()
    return presenters.condition_detail(kb.condition(condition_id), kb)


@studies_router.get("/{study_id}", summary="One study as it was seen, with its sources")
def get_study(request: HttpRequest, study_id: str) -> dict[str, Any]:
    from ldnderm import evidence
    from ldnderm.evidence import presenters

    kb = evidence.base()
    return presenters.study_view(kb.study(study_id), kb)


@knowledge_router.get("/version", summary="The knowledge-base version and its size")
def version(request: HttpRequest) -> dict[str, Any]:
    from ldnderm import evidence
    from ldnderm.evidence import presenters

    return presenters.version_view(evidence.base())

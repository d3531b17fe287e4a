"""The NinjaAPI instance, its routers, and the one place domain errors become HTTP responses.

InvalidInput -> 422 ``{"detail": [{"loc": ["body", ...field path], "msg", "type"}]}`` (the same
shape ninja uses for schema errors); NotFound -> 404; any other domain error -> 500 with a short
message and no traceback.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from ldnderm import __version__
from ldnderm.errors import InvalidInput, LdnDermError, NotFound
from ldnderm.web.api import knowledge, measures, safety

api = NinjaAPI(
    title="ldnderm API",
    version=__version__,
    description=(
        "Naltrexone in dermatology: outcome measures scored as published, evidence and safety. "
        "Invalid input answers 422 with the path of the offending field."
    ),
    urls_namespace="api-v1",
)
api.add_router("/measures", measures.router)
api.add_router("/conditions", knowledge.conditions_router)
api.add_router("/studies", knowledge.studies_router)
api.add_router("/knowledge", knowledge.knowledge_router)
api.add_router("", safety.router)


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    detail = {"loc": ["body", *exc.path], "msg": exc.one_line(), "type": "invalid_input"}
    return api.create_response(request, {"detail": [detail]}, status=422)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    body = {"detail": str(exc), "kind": exc.kind, "suggestions": exc.suggestions}
    return api.create_response(request, body, status=404)


@api.exception_handler(LdnDermError)
def _domain_fault(request: HttpRequest, exc: LdnDermError) -> HttpResponse:
    return api.create_response(request, {"detail": "internal error in the domain core"}, status=500)

"""The NinjaAPI instance, its routers, and the one place domain errors become HTTP responses.

InvalidInput -> 422 ``{"detail": [{"loc": ["body", ...field path], "msg", "type"}]}`` (the same
shape ninja uses for schema errors); NotFound -> 404; a change without a version -> 428; a stale
version -> 412 (``If-Match``) or 409 (``version`` field) with the current state; any other domain
error -> 500 with a short message and no traceback.
"""

from __future__ import annotations

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from ldnderm import __version__
from ldnderm.kernel.errors import InvalidInput, LdnDermError, NotFound
from ldnderm.web.api import auth as api_auth
from ldnderm.web.api import evidence, measures, registry_patients, registry_records, safety
from ldnderm.web.api.registry_schemas import current_state
from ldnderm.web.registry.access import AccessDenied, NotAuthenticated, RecordNotFound
from ldnderm.web.registry.versions import StaleVersion, VersionRequired, etag

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
api.add_router("/conditions", evidence.conditions_router)
api.add_router("/studies", evidence.studies_router)
api.add_router("/knowledge", evidence.knowledge_router)
api.add_router("", safety.router)
api.add_router("/auth", api_auth.router)
api.add_router("/patients", registry_patients.router)
api.add_router("/aggregates", registry_patients.aggregates)
api.add_router("/courses", registry_records.courses)
api.add_router("/visits", registry_records.visits)
api.add_router("/assessments", registry_records.assessments)
api.add_router("/adverse-events", registry_records.adverse_events)


@api.exception_handler(RecordNotFound)
def _record_not_found(request: HttpRequest, exc: RecordNotFound) -> HttpResponse:
    # The same answer for "absent" and "another clinic's": nothing reveals that it exists.
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AccessDenied)
def _access_denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(NotAuthenticated)
def _not_authenticated(request: HttpRequest, exc: NotAuthenticated) -> HttpResponse:
    return api.create_response(request, {"detail": "authentication required"}, status=401)


@api.exception_handler(VersionRequired)
def _version_required(request: HttpRequest, exc: VersionRequired) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=428)


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    # 412 for a stale If-Match, 409 for a stale version field; the body is the state now.
    current = exc.current
    body = {
        "detail": str(exc),
        "current": current_state(current) if current is not None else None,
        "changed": {k: {"yours": v[0], "current": v[1]} for k, v in exc.changed.items()},
    }
    status = 412 if exc.expected.via == "if-match" else 409
    response = api.create_response(request, body, status=status)
    if current is not None:
        response["ETag"] = etag(current)
    return response


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # A database constraint refused the write (for example a duplicate MRN in the clinic).
    return api.create_response(request, {"detail": "conflicts with an existing record"}, status=409)


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

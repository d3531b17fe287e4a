"""HTTP door of the CDS Hooks service. Every call but a CORS preflight needs a client JWT.

Status codes: 200 cards or discovery; 400 malformed request (an OperationOutcome naming the
field, as CDS Hooks 3.0 recommends); 401 JWT missing or not trusted (``WWW-Authenticate:
Bearer``); 404 unknown service; 412 prefetch missing and not fetchable; 500 a fault in the core.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from ldnderm.interop import cdshooks
from ldnderm.interop.cdshooks import ClientAuthError, PrefetchUnavailable, TrustedIssuer
from ldnderm.interop.cdshooks.models import FeedbackRequest
from ldnderm.interop.cdshooks.prefetch import FetchPolicy, FhirFetcher, http_fetcher
from ldnderm.kernel.errors import InvalidInput, LdnDermError, NotFound
from ldnderm.web.cds import conf
from ldnderm.web.cds.models import CardFeedback
from ldnderm.web.cds.service_date import hook_today

log = logging.getLogger(__name__)
View = Callable[..., HttpResponse]
MAX_BODY_BYTES = 2_000_000


def _cors(methods: str) -> Callable[[View], View]:
    """Answer preflights and add CORS headers for the configured origins (never credentials)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
            else:
                response = view(request, *args, **kwargs)
            origin = request.headers.get("Origin")
            allowed = conf.cds_settings().cors_origins
            if origin and ("*" in allowed or origin.rstrip("/") in allowed):
                response["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
                response["Access-Control-Allow-Methods"] = f"{methods}, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
                response["Access-Control-Max-Age"] = "600"
            response["Vary"] = "Origin"
            return response

        return csrf_exempt(wrapper)

    return decorate


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": message}
    if field:
        issue["expression"] = [field]
    body = {"resourceType": "OperationOutcome", "issue": [issue]}
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _guarded(view: View) -> View:
    """Map the domain errors of a CDS call to status codes, in this one place."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ClientAuthError as exc:
            return _error(401, "login", exc.reason)
        except InvalidInput as exc:
            return _error(400, "invalid", exc.one_line(), exc.field or None)
        except NotFound as exc:
            return _error(404, "not-found", str(exc))
        except PrefetchUnavailable as exc:
            return _error(412, "incomplete", str(exc))
        except LdnDermError:
            log.exception("CDS call failed in the domain core")
            return _error(500, "exception", "internal error in the domain core")

    return wrapper


def _audience(request: HttpRequest) -> str:
    base = conf.cds_settings().base_url
    if base:
        return f"{base}{request.path}"
    return request.build_absolute_uri(request.path)


def _authenticate(request: HttpRequest) -> TrustedIssuer:
    issuer, _claims = conf.verifier().verify(
        request.headers.get("Authorization"), _audience(request)
    )
    return issuer


def _json_body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY_BYTES:
        raise InvalidInput("", f"the request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("", f"the request body is not valid JSON ({exc})") from exc


def _fetcher_for(issuer: TrustedIssuer) -> FhirFetcher | None:
    """The fetcher for this issuer's allow-list, or ``None``: without ``fhir_servers`` the issuer
    is prefetch-only and the service never fetches for it (SSRF)."""
    if not issuer.fhir_servers:
        return None
    return http_fetcher(FetchPolicy.of(issuer.fhir_servers, issuer.fhir_private_networks))


@_cors("GET")
@_guarded
def discovery(request: HttpRequest) -> HttpResponse:
    """``GET /cds-services``."""
    if request.method != "GET":
        return _error(405, "not-supported", "use GET")
    _authenticate(request)
    return JsonResponse(cdshooks.dump(cdshooks.discovery()))


@_cors("POST")
@_guarded
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    """``POST /cds-services/{id}``: one hook call."""
    if request.method != "POST":
        return _error(405, "not-supported", "use POST")
    cdshooks.service(service_id)  # 404 before authentication work on an unknown id
    issuer = _authenticate(request)
    env = cdshooks.Environment(
        today=hook_today(conf.cds_settings().clinics.get(issuer.iss)),
        fetcher=_fetcher_for(issuer),
        courses=_courses(issuer, request),
    )
    response = cdshooks.run(service_id, _json_body(request), env)
    return JsonResponse(cdshooks.dump(response))


def _courses(issuer: TrustedIssuer, request: HttpRequest) -> cdshooks.services.CourseLookup | None:
    """The registry look-up for patient-view, when the issuer is mapped to a clinic."""
    clinic = conf.cds_settings().clinics.get(issuer.iss)
    if clinic is None:
        return None
    from ldnderm.web.audit.log import Actor
    from ldnderm.web.cds.courses import course_lookup

    actor = Actor(
        user_id=None,
        username=f"cds:{issuer.iss}"[:150],
        clinic_id=None,
        request_id=getattr(request, "request_id", ""),
        path=request.path[:300],
    )
    base = conf.cds_settings().base_url or request.build_absolute_uri("/").rstrip("/")

    def patient_url(pk: int) -> str:
        return base + reverse("registry:patient", args=[pk])

    return course_lookup(clinic, actor, patient_url)


@_cors("POST")
@_guarded
def feedback(request: HttpRequest, service_id: str) -> HttpResponse:
    """``POST /cds-services/{id}/feedback``: store what the clinician did with our cards."""
    if request.method != "POST":
        return _error(405, "not-supported", "use POST")
    cdshooks.service(service_id)
    issuer = _authenticate(request)
    document = cdshooks.parse(FeedbackRequest, _json_body(request))
    rows = []
    for item in document.feedback:
        reason = item.override_reason.reason if item.override_reason else None
        rows.append(
            CardFeedback(
                service_id=service_id,
                card_uuid=item.card,
                outcome=item.outcome,
                outcome_timestamp=item.outcome_timestamp,
                accepted_suggestions=[s.id for s in item.accepted_suggestions or ()],
                override_code=reason.code if reason else "",
                override_system=(reason.system or "") if reason else "",
                override_display=(reason.display or "") if reason else "",
                user_comment=(item.override_reason.user_comment or "")
                if item.override_reason
                else "",
                issuer=issuer.iss,
            )
        )
    with transaction.atomic():
        # A repeated report of the same outcome hits the unique constraint and is skipped.
        CardFeedback.objects.bulk_create(rows, ignore_conflicts=True)
    return HttpResponse(status=200)

"""Every URL pattern and API operation declares what it exposes, and patient-data routes prove
their clinic scoping and auditing by behaviour (reliability.md HIPAA-1, AUD-1, AC-2, AC-4).

For each ``patient_data`` route, Alice (clinic A) calls it with clinic B's ids: the answer must
be 404, a ``denied`` audit event must name the id, and the canary record must be intact. Routes
without ids (lists, exports, creations) must append an audit event and never return the canary.
A route with no declaration fails here unless its module is on the short, reasoned allowlist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ldnderm.web.accounts.models import User
from ldnderm.web.api.main import api
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.routes import Access, access_of
from tests.web.registry.personas import CANARY, Record, login
from tests.web.registry.test_course_gate import COMPLETE

pytestmark = pytest.mark.db

# Modules whose routes carry no declaration, and why they hold no patient record.
UNDECLARED_OK = {
    "django.contrib.admin": "staff-only admin; the audit admin is read-only and clinic-scoped",
    "django.contrib.auth.views": "log-in and log-out",
    "ldnderm.web.accounts.password_views": (
        "password reset and set-password pages: the same answer for any address, throttled, "
        "no patient data (tests/web/accounts/test_password_views.py)"
    ),
    "ldnderm.web.accounts.clinic_admin": (
        "a clinic administrator's pages about the clinic's user accounts, no patient data; "
        "every route is enumerated there and checked for 404 on another clinic's users, 403 "
        "for other roles, and audit (tests/web/accounts/test_clinic_admin.py)"
    ),
    "ldnderm.web.mfa": "the signed-in user's own second factor (enrol, verify); no patient data",
    "django.views.static": "static files",
    "ldnderm.web.core.views": "home page, liveness and health checks",
    "ldnderm.web.evidence": "published evidence pages, no patient data",
    "ldnderm.web.screening": "screens a profile typed into the form; stores nothing",
    # CDS Hooks: EHR clients sign in with a JWT, not as clinic users, so the persona checks below
    # cannot drive it; tests/web/cds covers its clinic scoping, audit and feedback instead.
    "ldnderm.web.cds": (
        "CDS Hooks service, authenticated by its own JWT checks: stores card feedback (outcome, "
        "override reason, issuer; no patient id); patient-view reads the active course only in "
        "the clinic mapped to the issuer, and audits that read"
    ),
    "ldnderm.web.api.measures": "measure definitions and stateless scoring",
    "ldnderm.web.api.evidence": "published evidence",
    "ldnderm.web.api.safety": "stateless screening and dosing arithmetic on posted input",
}

# Bodies for API operations that take one, built from the record they should reach.
BODIES: dict[str, Callable[[Record], dict[str, Any]]] = {
    "POST /api/v1/patients": lambda r: {"mrn": "NEW-1", "given_name": "N", "family_name": "N"},
    "PATCH /api/v1/patients/{patient_id}": lambda r: {"notes": "changed"},
    "POST /api/v1/courses": lambda r: {
        "patient_id": r.patient.pk,
        "condition_id": "psoriasis",
        "started_on": "2026-02-01",
        "profile": COMPLETE,
    },
    "POST /api/v1/courses/preview": lambda r: {
        "patient_id": r.patient.pk,
        "condition_id": "psoriasis",
        "started_on": "2026-02-01",
        "profile": COMPLETE,
    },
    "PATCH /api/v1/courses/{course_id}": lambda r: {
        "stopped_on": "2026-03-01",
        "stop_reason": "other",
    },
    "POST /api/v1/courses/{course_id}/doses": lambda r: {
        "changed_on": "2026-02-01",
        "mg_per_day": 3,
    },
    "POST /api/v1/visits": lambda r: {"patient_id": r.patient.pk, "visit_date": "2026-02-01"},
    "PATCH /api/v1/visits/{visit_id}": lambda r: {"notes": "changed"},
    "POST /api/v1/assessments": lambda r: {
        "visit_id": r.visit.pk,
        "measure_id": "dlqi",
        "responses": {f"q{i}": 1 for i in range(1, 11)},
    },
    "PATCH /api/v1/assessments/{assessment_id}": lambda r: {"responses": {"score": 2}},
    "POST /api/v1/adverse-events": lambda r: {
        "patient_id": r.patient.pk,
        "term": "Headache",
        "grade": 1,
        "onset_on": "2026-02-01",
        "relatedness": "possible",
    },
    "PATCH /api/v1/adverse-events/{event_id}": lambda r: {"grade": 2},
    "POST /api/v1/auth/token": lambda r: {"username": "nobody", "password": "x"},
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {param} placeholders
    module: str
    access: Access | None
    is_api: bool
    namespace: str | None = None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _django_routes() -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Route]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if p.namespace == "api-v1":
                    continue  # enumerated through the ninja routers below
                yield from walk(p.url_patterns, route, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                callback = p.callback
                module = getattr(callback, "__module__", "")
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).lstrip("^").rstrip("$")
                yield Route("GET", path, module, access_of(callback), False, namespace)

    yield from walk(get_resolver().url_patterns, "", None)


def _api_routes() -> Iterator[Route]:
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    full = "/api/v1" + (prefix + path).rstrip("/")
                    func = op.view_func
                    yield Route(method, full, func.__module__, access_of(func), True)


ROUTES = [*_django_routes(), *_api_routes()]


def _allowed_undeclared(route: Route) -> bool:
    if route.namespace == "admin":
        return True  # staff-only; the audit admin is read-only and scoped to the clinic
    return any(route.module.startswith(m) for m in UNDECLARED_OK)


def test_every_route_declares_its_access_or_is_on_the_reasoned_allowlist() -> None:
    missing = [r.key for r in ROUTES if r.access is None and not _allowed_undeclared(r)]
    assert missing == [], f"routes without an access declaration: {missing}"


# Routes that may declare ``public`` (no data at all), and why. A patient-data route mislabelled
# ``public`` would skip every behavioural check below, so the label is allowlisted too.
PUBLIC_OK = {
    "POST /api/v1/auth/token": "exchanges a password for a token; throttled by django-axes",
    "DELETE /api/v1/auth/token": "revokes the bearer token presented; returns nothing",
    "GET /registry/measures/{measure_id}/form/": "a measure's blank form, from its definition",
}


def test_only_reasoned_routes_declare_themselves_public() -> None:
    public = {r.key for r in ROUTES if r.access is not None and r.access.kind == "public"}
    assert public <= set(PUBLIC_OK), f"unexpected public routes: {sorted(public - set(PUBLIC_OK))}"


def test_the_inventory_sees_the_registry() -> None:
    declared = [r for r in ROUTES if r.access and r.access.kind == "patient_data"]
    assert len([r for r in declared if r.is_api]) >= 20
    assert len([r for r in declared if not r.is_api]) >= 8


def _target(record: Record, model: type[models.Model]) -> models.Model:
    by_model: dict[type[models.Model], models.Model] = {
        Patient: record.patient,
        TreatmentCourse: record.course,
        Visit: record.visit,
        Assessment: record.assessment,
        AdverseEvent: record.adverse_event,
        DoseChange: record.dose,
    }
    return by_model[model]


def _call(client: Client, route: Route, record: Record, ids: dict[str, int]) -> Any:
    url = route.path.format(**ids)
    body = BODIES.get(route.key)
    if route.is_api and route.method in {"POST", "PATCH", "PUT"}:
        assert body is not None, f"add an example body for {route.key} to BODIES"
        data = json.dumps(body(record))
        return client.generic(route.method, url, data, content_type="application/json")
    return client.generic(route.method, url)


PATIENT_ROUTES = [r for r in ROUTES if r.access and r.access.kind == "patient_data"]


@pytest.mark.parametrize("route", PATIENT_ROUTES, ids=[r.key for r in PATIENT_ROUTES])
def test_patient_data_route_is_scoped_and_audited(
    route: Route, alice: User, mine: Record, canary: Record
) -> None:
    assert route.access is not None
    client = login(alice)
    before = AuditEvent.objects.filter(user_id=alice.pk).count()
    if route.access.objects:
        ids = {p: _target(canary, m).pk for p, m in route.access.objects.items()}
        # path parameters come from the URL; body references (patient_id...) from BODIES
        response = _call(client, route, canary, ids)
        assert response.status_code == 404, (route.key, response.status_code)
        assert CANARY not in response.content.decode()
        denied = AuditEvent.objects.filter(user_id=alice.pk, action="denied")
        assert denied.filter(object_id__in=[str(v) for v in ids.values()]).exists(), route.key
        assert Patient.objects.filter(pk=canary.patient.pk, notes="").exists()
        for model, obj in ((Visit, canary.visit), (Assessment, canary.assessment)):
            assert model.objects.filter(pk=obj.pk).exists()
    else:
        response = _call(client, route, mine, {})
        assert response.status_code in {200, 201}, (route.key, response.status_code)
        assert CANARY not in response.content.decode()
        assert "B-CANARY-9" not in response.content.decode()
        assert AuditEvent.objects.filter(user_id=alice.pk).count() > before, route.key


ENTRY_ROUTES = [r for r in ROUTES if r.access and r.access.kind == "patient_entry"]


@pytest.mark.parametrize("route", ENTRY_ROUTES, ids=[r.key for r in ENTRY_ROUTES])
def test_entry_forms_show_no_record_and_refuse_researchers(
    route: Route, alice: User, rita: User, canary: Record
) -> None:
    response = login(alice).get(route.path)
    assert response.status_code == 200
    assert CANARY not in response.content.decode()
    assert login(rita).get(route.path).status_code == 403


AGGREGATE_ROUTES = [r for r in ROUTES if r.access and r.access.kind == "aggregate"]


@pytest.mark.parametrize("route", AGGREGATE_ROUTES, ids=[r.key for r in AGGREGATE_ROUTES])
def test_aggregate_routes_hold_no_identifier(
    route: Route, rita: User, mine: Record, canary: Record
) -> None:
    response = login(rita).get(route.path)
    assert response.status_code == 200
    text = response.content.decode()
    for identifier in (CANARY, "B-CANARY-9", mine.patient.family_name, mine.patient.mrn):
        assert identifier not in text

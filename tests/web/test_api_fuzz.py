"""Schema-driven fuzzing of every operation of the JSON API (``/api/v1/openapi.json``).

Schemathesis reads the OpenAPI document from the Django application in-process (WSGI, no
network) and sends each operation generated valid and invalid requests as clinic A's clinician
Alice, with a bearer token issued by ``POST /api/v1/auth/token``. Every response must be free of
server errors (no 5xx: bad input answers 4xx naming the field) and, for the statuses the document
declares, match the documented schema and content type.

Each generated case is sent twice: once as generated (random ids: mostly 404s and 422s) and once
*anchored*, its ids replaced by those of a real record of Alice's clinic, so that update, delete
and nested-create code runs on stored rows with fuzzed bodies. Clinic B's canary record must come
through untouched.

Bounded for CI: derandomized with a fixed seed, the schema's examples, its boundary values (the
coverage phase) and :data:`MAX_EXAMPLES` generated cases per operation; no stateful phase.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from ldnderm.web.accounts.models import ApiToken, Clinic, User
from ldnderm.web.registry.models import AdverseEvent, Assessment, Patient, TreatmentCourse, Visit
from ldnderm.web.wsgi import application
from tests.web.registry.personas import CANARY, PASSWORD, Record, record, user

pytestmark = pytest.mark.db

MAX_EXAMPLES = 25

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260105,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
        "phases": {
            "examples": {"enabled": True},
            "fuzzing": {"enabled": True},
            # Boundary values of every field (huge integers, empty and odd strings, unexpected
            # methods): deterministic, and a few seconds for the whole document.
            "coverage": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# Explicit exclusion, covered below by ``test_revoking_a_token_never_fails``: revoking the token
# presented would log the fuzzer out, and every later case would test only the 401.
fuzzed = schema.exclude(method="DELETE", path="/api/v1/auth/token")
revocation = schema.include(method="DELETE", path="/api/v1/auth/token")

# ``status_code_conformance`` is left out on purpose: ninja's document declares each operation's
# success status only, not the 401/404/409/422 every operation may answer.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _token(client: Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Django closes the connection at the start and end of each request when it is not in
    autocommit mode: inside the test's transaction that would drop it. Django's test client
    detaches the same receivers (and re-attaches them after each of its own requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def alice(db: None) -> User:
    return user("alice", Clinic.objects.create(name="Clinic A", slug="a"), "clinician")


@pytest.fixture
def mine(alice: User) -> Record:
    assert alice.clinic is not None
    return record(alice.clinic, "Ownpatient", "A-001")


@pytest.fixture
def canary(db: None) -> Record:
    """Clinic B's patient (with its clinician): nothing Alice sends may change it."""
    clinic_b = Clinic.objects.create(name="Clinic B", slug="b")
    user("carol", clinic_b, "clinician")
    return record(clinic_b, CANARY, "B-CANARY-9")


@pytest.fixture
def bearer(alice: User, mine: Record, canary: Record) -> Iterator[dict[str, str]]:
    """Alice's bearer header; afterwards, clinic B's canary record is unchanged."""
    before = _snapshot(canary)
    token = _token(Client(), alice.username)
    with _connection_kept():
        yield {"Authorization": f"Bearer {token}"}
    assert _snapshot(canary) == before


def _snapshot(r: Record) -> tuple[object, ...]:
    patient = Patient.objects.filter(pk=r.patient.pk).values().first()
    courses = list(TreatmentCourse.objects.filter(patient_id=r.patient.pk).values())
    visits = list(Visit.objects.filter(patient_id=r.patient.pk).values())
    assessments = list(Assessment.objects.filter(visit__patient_id=r.patient.pk).values())
    events = list(AdverseEvent.objects.filter(patient_id=r.patient.pk).values())
    return (patient, courses, visits, assessments, events)


def _anchor_ids(case: Case[Any], mine: Record) -> bool:
    """Point the case's ids at Alice's record; True when anything changed."""
    real = {
        "patient_id": mine.patient.pk,
        "course_id": mine.course.pk,
        "visit_id": mine.visit.pk,
        "assessment_id": mine.assessment.pk,
        "event_id": mine.adverse_event.pk,
    }
    changed = False
    if case.path_parameters:
        for name in case.path_parameters:
            if name in real:
                case.path_parameters[name] = real[name]
                changed = True
    if isinstance(case.body, dict):
        for name, value in list(case.body.items()):
            if name in real and isinstance(value, int) and not isinstance(value, bool):
                case.body[name] = real[name]
                changed = True
    return changed


VERSIONED = {
    "patient_id": Patient,
    "course_id": TreatmentCourse,
    "visit_id": Visit,
    "assessment_id": Assessment,
    "event_id": AdverseEvent,
}


def _if_match(case: Case[Any]) -> dict[str, str]:
    """``If-Match`` with the current version of the record an anchored case's path names, so
    that its update or delete runs on the stored row (not only the 409/412/428 answers)."""
    for name, value in (case.path_parameters or {}).items():
        model = VERSIONED.get(name)
        row = model._default_manager.filter(pk=value).first() if model else None
        if row is not None:
            return {"If-Match": f'"{row.version}"'}
    return {}


@fuzzed.parametrize()
@FUZZ_SETTINGS
def test_api_operation_never_fails(case: Case[Any], bearer: dict[str, str], mine: Record) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)
    if _anchor_ids(case, mine):
        case.call_and_validate(headers={**bearer, **_if_match(case)}, checks=CHECKS)


@revocation.parametrize()
@FUZZ_SETTINGS
def test_revoking_a_token_never_fails(case: Case[Any], alice: User) -> None:
    """The excluded revocation, each case with a token of its own (issued directly: fast)."""
    raw, _ = ApiToken.issue(alice)
    with _connection_kept():
        response = case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)
    # 204 revoked, 401 for a token already revoked, 405 for the coverage phase's other methods.
    assert response.status_code in {204, 401, 405}

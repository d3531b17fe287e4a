"""Until the second factor is done, no page or API operation that shows patient data (or clinic
aggregates) answers: every declared route of the site is tried with the clinician's own record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import ApiToken, User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.mfa.session import KEY
from tests.web.mfa.helpers import Clock, code, enrolled, password_login
from tests.web.registry.personas import Record
from tests.web.registry.test_route_inventory import BODIES, ROUTES, Route

pytestmark = pytest.mark.db

GATED = [r for r in ROUTES if r.access and r.access.kind != "public"]


def test_the_gate_sees_every_registry_route() -> None:
    assert len([r for r in GATED if r.is_api]) >= 20
    assert len([r for r in GATED if not r.is_api]) >= 8


def _own_ids(route: Route, record: Record) -> dict[str, int]:
    by_name = {
        "patient_id": record.patient.pk,
        "course_id": record.course.pk,
        "visit_id": record.visit.pk,
        "assessment_id": record.assessment.pk,
        "event_id": record.adverse_event.pk,
        "dose_id": record.dose.pk,
    }
    assert route.access is not None
    return {name: by_name[name] for name in route.access.objects}


def _call(client: Client, route: Route, record: Record) -> Any:
    url = route.path.format(**_own_ids(route, record))
    body = BODIES.get(route.key)
    if route.is_api and body is not None:
        data = json.dumps(body(record))
        return client.generic(route.method, url, data, content_type="application/json")
    return client.generic(route.method, url)


@pytest.mark.parametrize("route", GATED, ids=[r.key for r in GATED])
def test_before_the_second_factor_the_route_holds_back(
    route: Route, require_mfa: None, alice: User, mine: Record
) -> None:
    client = password_login("alice")
    events = AuditEvent.objects.exclude(action__in=["login", "login_fail"]).count()
    response = _call(client, route, mine)
    if route.is_api:
        assert response.status_code == 401, (route.key, response.status_code)
    else:
        assert response.status_code == 302, (route.key, response.status_code)
        assert response["Location"].startswith("/accounts/mfa/enrol/")
    assert "Ownpatient" not in response.content.decode()
    assert AuditEvent.objects.exclude(action__in=["login", "login_fail"]).count() == events
    assert mine.patient.__class__.objects.filter(pk=mine.patient.pk, notes="").exists()


def test_after_the_second_factor_the_same_session_gets_through(
    require_mfa: None, alice: User, mine: Record, clock: Clock
) -> None:
    device, _ = enrolled(alice, clock)
    client = password_login("alice")
    assert client.get("/api/v1/patients").status_code == 401
    client.post("/accounts/mfa/verify/", {"code": code(device, clock)})
    assert "Ownpatient" in client.get("/api/v1/patients").content.decode()
    assert "Ownpatient" in client.get(f"/registry/patients/{mine.patient.pk}/").content.decode()


def test_a_held_session_still_reaches_log_out_static_files_and_health(
    require_mfa: None, alice: User
) -> None:
    client = password_login("alice")
    assert client.get("/livez").status_code == 200
    static = client.get("/static/ldnderm/site.css")
    assert static.status_code == 200
    assert b".site-header" in b"".join(static.streaming_content)  # type: ignore[attr-defined]
    assert client.get("/api/v1/measures").status_code == 200  # public, served as anonymous
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_held_htmx_request_makes_the_browser_load_the_page(
    require_mfa: None, alice: User
) -> None:
    response = password_login("alice").get("/registry/patients/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/mfa/enrol/?next=")


def test_a_held_post_is_not_replayed_after_verification(require_mfa: None, alice: User) -> None:
    response = password_login("alice").post("/registry/patients/new/", {"mrn": "X"})
    assert response["Location"] == "/accounts/mfa/enrol/"


def test_a_bearer_token_works_beside_a_held_session(
    require_mfa: None, alice: User, mine: Record
) -> None:
    raw, _ = ApiToken.issue(alice)
    client = password_login("alice")
    response = client.get("/api/v1/patients", headers={"Authorization": f"Bearer {raw}"})
    assert "Ownpatient" in response.content.decode()


def test_a_session_from_before_the_upgrade_is_decided_on_its_next_request(
    require_mfa: None, alice: User
) -> None:
    client = password_login("alice")
    session = client.session
    del session[KEY]
    session.save()
    assert client.get("/registry/")["Location"].startswith("/accounts/mfa/enrol/")

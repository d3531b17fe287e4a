"""``Cache-Control: no-store`` on every response that may carry patient data: every route of the
site answered to a signed-in user (whatever the status), and every API and CDS Hooks answer to
anyone (``ldnderm.web.core.nostore``). Routes are enumerated from the URL map and the API
routers, as the route inventory does, so a new route is covered the day it is added."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from ldnderm.web.accounts.models import Clinic, User
from tests.web.registry.personas import Record, login, record, user
from tests.web.registry.test_route_inventory import BODIES, ROUTES, Route

pytestmark = pytest.mark.db

MACHINE = [r for r in ROUTES if r.is_api or r.path.startswith("/cds-services")]


def _url(route: Route, own: Record | None) -> str:
    """The route's path with its parameters filled: the signed-in user's own record where the
    route names one, else a placeholder (a 404 must be no-store too)."""
    path = re.sub(r"\^?\(\?P\{\w+\}[^)]*\)", "x", route.path)  # the admin's regex routes
    objects = route.access.objects if route.access else {}
    ids: dict[str, object] = {}
    for name in re.findall(r"\{(\w+)\}", path):
        model = objects.get(name)
        target = next(
            (o for o in vars(own).values() if type(o) is model), None
        ) if own and model else None  # fmt: skip
        ids[name] = target.pk if target is not None else 1
    return path.format(**ids)


def _call(client: Client, route: Route, own: Record | None) -> str:
    body = BODIES.get(route.key)
    payload = json.dumps(body(own) if body and own else {})
    if route.method in {"POST", "PATCH", "PUT"}:
        response = client.generic(
            route.method, _url(route, own), payload, content_type="application/json"
        )
    else:
        response = client.generic(route.method, _url(route, own))
    return str(response.get("Cache-Control", ""))


@pytest.fixture
def clinic() -> Clinic:
    return Clinic.objects.create(name="Clinic A", slug="a")


@pytest.fixture
def own(clinic: Clinic) -> Record:
    return record(clinic, "Ownpatient", "A-001")


def test_the_enumeration_sees_pages_api_admin_and_cds() -> None:
    kinds = {
        "api": any(r.is_api for r in ROUTES),
        "registry": any(r.path.startswith("/registry/patients/{") for r in ROUTES),
        "admin": any(r.namespace == "admin" for r in ROUTES),
        "cds": any(r.path.startswith("/cds-services") for r in ROUTES),
    }
    assert all(kinds.values()), kinds
    assert len(ROUTES) >= 100


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_every_answer_to_a_signed_in_clinician_is_no_store(
    route: Route, clinic: Clinic, own: Record
) -> None:
    alice = user("alice", clinic, "clinician")
    assert "no-store" in _call(login(alice), route, own)


ADMIN = [r for r in ROUTES if r.namespace == "admin"]


@pytest.mark.parametrize("route", ADMIN, ids=[r.key for r in ADMIN])
def test_every_admin_page_is_no_store(route: Route, own: Record) -> None:
    """Even an error page: a third-party admin view that fails on a guessed id (django-otp's
    device QR code, for one) answers 500, and that answer is no-store too."""
    root = User.objects.create_superuser("root", password="x" * 16)
    client = Client(raise_request_exception=False)
    client.force_login(root)
    assert "no-store" in _call(client, route, own)


@pytest.mark.parametrize("route", MACHINE, ids=[r.key for r in MACHINE])
def test_every_api_and_cds_answer_is_no_store_even_anonymous(route: Route, own: Record) -> None:
    assert "no-store" in _call(Client(), route, own)


def test_public_pages_for_anonymous_visitors_are_left_alone() -> None:
    """Nothing forces no-store where no patient data can be: the evidence pages."""
    response = Client().get("/conditions/")
    assert response.status_code == 200
    assert "no-store" not in str(response.get("Cache-Control", ""))

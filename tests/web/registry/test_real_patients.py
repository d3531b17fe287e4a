"""Real clinics hold real patients; demo clinics (made only by ``ldnderm demo``) say so on every
page, and their patients carry ``demo`` in the API."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.apps import apps

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import Patient
from tests.web.registry.personas import Record, login, user

pytestmark = pytest.mark.db

NEW = {"mrn": "A-77", "given_name": "Real", "family_name": "Person"}
PAGES = ["/", "/conditions/", "/registry/", "/registry/patients/", "/registry/patients/new/"]


def _post(user: User) -> dict[str, Any]:
    response = login(user).post(
        "/api/v1/patients", json.dumps(NEW), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body, dict)
    return body


def test_a_clinic_created_by_an_administrator_takes_a_real_patient(alice: User) -> None:
    assert Clinic.objects.get(users=alice).demo is False
    body = _post(alice)
    assert body["demo"] is False
    assert Patient.objects.get(pk=body["id"]).family_name == "Person"


def test_a_demo_clinics_patients_carry_demo_in_every_representation(
    alice: User, mine: Record
) -> None:
    Clinic.objects.filter(users=alice).update(demo=True)
    assert _post(alice)["demo"] is True
    client = login(alice)
    listed = client.get("/api/v1/patients").json()["items"]
    assert [p["demo"] for p in listed] == [True, True]
    assert client.get(f"/api/v1/patients/{mine.patient.pk}").json()["demo"] is True
    patched = client.patch(
        f"/api/v1/patients/{mine.patient.pk}",
        {"notes": "x", "version": 1},
        content_type="application/json",
    )
    assert patched.json()["demo"] is True


def test_demo_cannot_be_set_through_the_api(alice: User) -> None:
    body = dict(NEW, demo=True)
    response = login(alice).post(
        "/api/v1/patients", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "demo"
    assert not Patient.objects.exists()


@pytest.mark.parametrize("url", PAGES)
def test_every_page_of_a_demo_clinic_says_so(alice: User, url: str) -> None:
    Clinic.objects.filter(users=alice).update(demo=True)
    page = login(alice).get(url).content.decode()
    assert 'id="demo-banner"' in page and "Demo clinic." in page


@pytest.mark.parametrize("demo", [True, False])
def test_the_admin_pages_of_a_demo_clinics_administrator_say_so_too(
    clinic_a: Clinic, demo: bool
) -> None:
    Clinic.objects.filter(pk=clinic_a.pk).update(demo=demo)
    boss = user("boss", clinic_a, "admin")
    boss.is_staff = True
    boss.save()
    page = login(boss).get("/admin/")
    assert page.status_code == 200
    assert ('id="demo-banner"' in page.content.decode()) is demo


@pytest.mark.parametrize("url", PAGES)
def test_a_real_clinics_pages_carry_no_demo_banner(alice: User, url: str) -> None:
    page = login(alice).get(url).content.decode()
    assert 'id="demo-banner"' not in page
    assert "Do not enter real patients" not in page


def test_the_migration_marks_every_clinic_that_held_the_synthetic_patients_as_demo(
    clinic_a: Clinic, clinic_b: Clinic, mine: Record
) -> None:
    migration = importlib.import_module("ldnderm.web.registry.migrations.0004_real_patients")
    migration.mark_demo_clinics(apps, None)
    assert Clinic.objects.get(pk=clinic_a.pk).demo is True  # held (synthetic) patients
    assert Clinic.objects.get(pk=clinic_b.pk).demo is False  # held none

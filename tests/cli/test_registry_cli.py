"""``ldnderm demo`` is idempotent and prints credentials; ``ldnderm registry rescore`` runs."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ldnderm.cli.app import app
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import Assessment, Patient

pytestmark = pytest.mark.db


def test_demo_loads_two_clinics_all_roles_and_about_50_patients_once() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--json"])
    assert first.exit_code == 0, first.output
    users = json.loads(first.output)["users"]
    assert {(u["clinic"], u["role"]) for u in users} == {
        (c, r)
        for c in ("northside", "riverside")
        for r in ("clinician", "staff", "researcher", "admin")
    }
    assert Clinic.objects.count() == 2 and 45 <= Patient.objects.count() <= 60
    assert Assessment.objects.filter(total__isnull=False).exists()
    counts = (User.objects.count(), Patient.objects.count(), Assessment.objects.count())
    again = runner.invoke(app, ["demo", "--json"])
    assert again.exit_code == 0
    assert (User.objects.count(), Patient.objects.count(), Assessment.objects.count()) == counts
    fresh = json.loads(again.output)["users"][0]
    assert User.objects.get(username=fresh["username"]).check_password(fresh["password"])
    skipped = runner.invoke(app, ["demo", "--if-empty"])
    assert skipped.exit_code == 0 and "already" in skipped.output
    rescored = runner.invoke(app, ["registry", "rescore", "--json"])
    assert json.loads(rescored.output)["changed"] == 0


def test_demo_if_empty_on_a_fresh_database_says_where_to_sign_in_and_with_what() -> None:
    runner = CliRunner()
    url = "http://127.0.0.1:8123/accounts/login/"
    first = runner.invoke(app, ["demo", "--if-empty", "--login-url", url])
    assert first.exit_code == 0, first.output
    assert f"Sign in at {url}" in first.output and "synthetic" in first.output
    clinician = User.objects.get(username="clinician-northside")
    line = next(x for x in first.output.splitlines() if "clinician-northside" in x)
    assert clinician.check_password(line.split()[-1])
    assert not User.objects.filter(username="admin", is_superuser=True).exists()
    assert not Patient.objects.filter(synthetic=False).exists()
    counts = (User.objects.count(), Patient.objects.count())
    again = runner.invoke(app, ["demo", "--if-empty", "--login-url", url])
    assert again.exit_code == 0
    assert f"Sign in at {url}" in again.output and "`ldnderm demo`" in again.output
    assert clinician.password == User.objects.get(pk=clinician.pk).password  # untouched
    assert (User.objects.count(), Patient.objects.count()) == counts

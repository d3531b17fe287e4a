"""``ldnderm demo`` is idempotent and prints credentials; ``ldnderm registry rescore`` runs."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ldnderm.cli.app import app
from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import Assessment, Patient

pytestmark = pytest.mark.db


def test_demo_loads_two_demo_clinics_all_roles_and_about_50_patients_once() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--json"])
    assert first.exit_code == 0, first.output
    users = json.loads(first.output)["users"]
    assert {(u["clinic"], u["role"]) for u in users} == {
        (c, r)
        for c in ("northside", "riverside")
        for r in ("clinician", "staff", "researcher", "admin")
    }
    assert all(u["created"] and u["password"] for u in users)
    assert Clinic.objects.count() == 2 and 45 <= Patient.objects.count() <= 60
    assert set(Clinic.objects.values_list("demo", flat=True)) == {True}
    assert all(p.demo for p in Patient.objects.select_related("clinic"))
    assert Assessment.objects.filter(total__isnull=False).exists()
    counts = (User.objects.count(), Patient.objects.count(), Assessment.objects.count())
    again = runner.invoke(app, ["demo", "--json"])
    assert again.exit_code == 0
    assert (User.objects.count(), Patient.objects.count(), Assessment.objects.count()) == counts
    rescored = runner.invoke(app, ["registry", "rescore", "--json"])
    assert json.loads(rescored.output)["changed"] == 0


def test_running_demo_again_changes_no_password_and_prints_none() -> None:
    runner = CliRunner()
    first = json.loads(runner.invoke(app, ["demo", "--json"]).output)["users"]
    hashes = dict(User.objects.values_list("username", "password"))
    again = runner.invoke(app, ["demo", "--json"])
    assert again.exit_code == 0
    users = json.loads(again.output)["users"]
    assert [u["password"] for u in users] == [None] * len(first)
    assert not any(u["created"] for u in users)
    assert dict(User.objects.values_list("username", "password")) == hashes
    for u in first:  # the passwords printed by the first run still work
        assert User.objects.get(username=u["username"]).check_password(u["password"])
    text = runner.invoke(app, ["demo"])
    assert "kept their passwords" in text.output and "--reset-passwords" in text.output
    assert "password\n" not in text.output  # no table of log-ins that would not work


def test_demo_reset_passwords_gives_the_demo_accounts_new_working_passwords() -> None:
    runner = CliRunner()
    first = json.loads(runner.invoke(app, ["demo", "--json"]).output)["users"]
    reset = runner.invoke(app, ["demo", "--reset-passwords", "--json"])
    assert reset.exit_code == 0, reset.output
    users = json.loads(reset.output)["users"]
    assert len(users) == len(first) and all(u["password"] for u in users)
    for old, new in zip(first, users, strict=True):
        user = User.objects.get(username=new["username"])
        assert user.check_password(new["password"]) and not user.check_password(old["password"])


def test_demo_never_touches_a_real_clinic_or_a_user_outside_the_demo_clinic() -> None:
    from ldnderm.web.registry.demo import load

    real = Clinic.objects.create(name="Northside Dermatology", slug="northside")
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code != 0
    assert isinstance(result.exception, InvalidInput) and result.exception.field == "clinic"
    assert not Patient.objects.exists() and not User.objects.exists()
    real.delete()
    outsider = User.objects.create_user("clinician-northside", password="kept secret words")
    with pytest.raises(InvalidInput) as err:
        load()
    assert err.value.field == "user"
    assert User.objects.get(pk=outsider.pk).check_password("kept secret words")
    assert not Clinic.objects.exists()


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
    assert set(Clinic.objects.values_list("demo", flat=True)) == {True}
    counts = (User.objects.count(), Patient.objects.count())
    again = runner.invoke(app, ["demo", "--if-empty", "--login-url", url])
    assert again.exit_code == 0
    assert f"Sign in at {url}" in again.output
    assert "`ldnderm demo --reset-passwords`" in again.output
    assert "clinician-northside" not in again.output  # no log-in that would not work
    assert clinician.password == User.objects.get(pk=clinician.pk).password  # untouched
    assert (User.objects.count(), Patient.objects.count()) == counts


def test_demo_if_empty_beside_a_real_clinic_points_to_no_demo_log_in() -> None:
    clinic = Clinic.objects.create(name="Real clinic", slug="real")
    Patient.objects.create(clinic=clinic, mrn="R-1", given_name="R", family_name="P")
    result = CliRunner().invoke(app, ["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already holds patients" in result.output and "demo --reset" not in result.output
    assert not Clinic.objects.filter(demo=True).exists()


def _course(family: str, mrn: str, profile: dict[str, object], stopped: bool = False) -> int:
    import datetime as dt

    from ldnderm.web.registry.models import ScreeningSnapshot, TreatmentCourse

    clinic = Clinic.objects.get_or_create(name="Rescreen clinic", slug="rescreen")[0]
    patient = Patient.objects.create(clinic=clinic, mrn=mrn, given_name="T", family_name=family)
    course = TreatmentCourse.objects.create(
        patient=patient,
        condition_id="psoriasis",
        started_on=dt.date(2026, 1, 5),
        stopped_on=dt.date(2026, 2, 1) if stopped else None,
    )
    ScreeningSnapshot.objects.create(
        course=course, profile=profile, verdict="ok", findings=[], knowledge_version="old-kb"
    )
    return course.pk


def test_rescreen_lists_active_courses_whose_verdict_got_worse_and_stores_nothing() -> None:
    from ldnderm.web.registry.models import ScreeningSnapshot
    from tests.web.registry.test_course_gate import COMPLETE

    # Stored as "ok" under an older knowledge base; the current one contraindicates oxycodone.
    oxy = COMPLETE | {"as_of": "2026-01-05", "medications": [{"name": "oxycodone"}]}
    worse = _course("Worse", "R-1", oxy)
    _course("Same", "R-2", COMPLETE | {"as_of": "2026-01-05", "planned_dose_mg": 4.5})
    _course("Stopped", "R-3", oxy, stopped=True)
    before = list(ScreeningSnapshot.objects.values_list("verdict", "knowledge_version"))
    runner = CliRunner()
    result = runner.invoke(app, ["registry", "rescreen", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["rescreened"] == 2
    assert [r["course_id"] for r in body["worse"]] == [worse]
    row = body["worse"][0]
    assert (row["old_verdict"], row["new_verdict"]) == ("ok", "contraindicated")
    assert row["old_knowledge_version"] == "old-kb" and row["new_knowledge_version"] != "old-kb"
    assert any(f["severity"] == "contraindicated" for f in row["new_findings"])
    text = runner.invoke(app, ["registry", "rescreen"])
    assert text.exit_code == 0
    assert "re-screened 2 active courses; 1 got worse" in text.output
    assert f"course {worse} " in text.output and "ok -> contraindicated" in text.output
    assert list(ScreeningSnapshot.objects.values_list("verdict", "knowledge_version")) == before

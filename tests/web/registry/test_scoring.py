"""One absurd count never breaks a patient: it is refused at input, and a row stored before the
bound existed shows as "cannot be scored: reason" at every reading door."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from ldnderm.cli.app import main
from ldnderm.web.accounts.models import User
from ldnderm.web.fhir.services import export_patient
from ldnderm.web.registry import scoring
from ldnderm.web.registry.models import Assessment, Visit
from ldnderm.web.registry.services import visits
from tests.web.audit.actors import ACTOR
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db

MILLION = {"nodules": 1_000_000, "abscesses": 0, "draining_tunnels": 0}
REASON = "nodules: {n} is out of range (allowed: an integer 0-1000)"


def stored_before_the_bound(record: Record, nodules: int) -> Assessment:
    """An IHS4 row as the registry saved it before counts were bounded."""
    visit = Visit.objects.create(
        patient=record.patient, course=record.course, visit_date=dt.date(2026, 2, 2)
    )
    return Assessment.objects.create(
        visit=visit,
        measure_id="ihs4",
        measure_version="2017",
        responses={"nodules": nodules, "abscesses": 0, "draining_tunnels": 0},
        result={"measure": "ihs4", "computable": True, "total": nodules, "band": "severe"},
        total=Decimal(nodules),
        knowledge_version="before-the-bound",
    )


def test_the_api_refuses_a_count_above_the_bound_naming_the_item(alice: User, mine: Record) -> None:
    body = {"patient_id": mine.patient.pk, "visit_date": "2026-02-02"}
    response = login(alice).post(
        "/api/v1/visits",
        json.dumps(body | {"assessments": {"ihs4": MILLION}}),
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "assessments", "ihs4", "nodules"]
    assert REASON.format(n=1_000_000) in detail["msg"]
    assert Visit.objects.filter(patient=mine.patient).count() == 1  # nothing saved


def test_the_visit_page_refuses_it_too(alice: User, mine: Record) -> None:
    response = login(alice).post(
        f"/registry/patients/{mine.patient.pk}/visits/new/",
        {
            "visit_date": "2026-02-02",
            "measures": "ihs4",
            "ihs4__nodules": "1000000",
            "ihs4__abscesses": "0",
            "ihs4__draining_tunnels": "0",
        },
    )
    assert response.status_code == 200
    assert "assessments.ihs4.nodules: 1000000 is out of range" in response.content.decode()
    assert Visit.objects.filter(patient=mine.patient).count() == 1


def test_a_count_too_long_for_int_is_refused_on_the_page_not_a_500(
    alice: User, mine: Record
) -> None:
    response = login(alice).post(
        f"/registry/patients/{mine.patient.pk}/visits/new/",
        {"visit_date": "2026-02-02", "measures": "ihs4", "ihs4__nodules": "9" * 5000},
    )
    assert response.status_code == 200
    assert "assessments.ihs4.nodules: &#x27;9999" in response.content.decode()
    assert "is not an answer" in response.content.decode()


def test_a_stored_bad_row_shows_as_cannot_be_scored_at_every_reading_door(
    alice: User, mine: Record
) -> None:
    bad = stored_before_the_bound(mine, 5000)
    reason = f"cannot be scored: {REASON.format(n=5000)}"
    c = login(alice)

    page = c.get(f"/registry/patients/{mine.patient.pk}/")
    assert page.status_code == 200
    assert reason in page.content.decode()

    listed = c.get(f"/api/v1/visits?patient_id={mine.patient.pk}")
    assert listed.status_code == 200
    shown = {a["id"]: a["result"] for v in listed.json()["items"] for a in v["assessments"]}
    assert shown[bad.pk]["computable"] is False and shown[bad.pk]["reason"] == reason
    assert shown[mine.assessment.pk]["total"] == 8  # the good row is untouched

    one = c.get(f"/api/v1/assessments/{bad.pk}")
    assert one.status_code == 200 and one.json()["result"]["reason"] == reason

    observations = [
        e["resource"]
        for e in export_patient(mine.patient, ACTOR)["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    absent = [o for o in observations if "dataAbsentReason" in o]
    assert [o["dataAbsentReason"]["text"] for o in absent] == [reason]
    assert "valueQuantity" not in absent[0]

    assert c.get("/registry/").status_code == 200  # the dashboard's responder table


def test_sqlite_reads_back_a_total_too_large_for_its_column(alice: User, mine: Record) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's numeric(8,2) refuses a total of 1,000,000 when it is written")
    bad = stored_before_the_bound(mine, 1_000_000)
    assert Assessment.objects.get(pk=bad.pk).total == Decimal(1_000_000)
    c = login(alice)
    assert c.get(f"/registry/patients/{mine.patient.pk}/").status_code == 200
    listed = c.get(f"/api/v1/visits?patient_id={mine.patient.pk}")
    assert listed.status_code == 200
    assert scoring.problem(Assessment.objects.get(pk=bad.pk)) == REASON.format(n=1_000_000)
    assert "cannot be scored: nodules: 1000000" in json.dumps(export_patient(mine.patient, ACTOR))
    assert visits.rescore().failed == [(bad.pk, REASON.format(n=1_000_000))]


def test_a_stored_total_out_of_range_is_a_problem_even_with_valid_responses(mine: Record) -> None:
    row = Assessment.objects.get(pk=mine.assessment.pk)
    row.total = Decimal(10**6)
    assert scoring.problem(row) == "the stored total 1000000 is out of range"
    assert scoring.shown_total(row) is None


def test_an_unknown_measure_is_a_problem_not_an_error(mine: Record) -> None:
    row = Assessment.objects.get(pk=mine.assessment.pk)
    row.measure_id = "retired-measure"
    assert scoring.problem(row) == "unknown measure 'retired-measure'"


def test_rescore_reports_the_bad_row_and_rescores_the_rest(mine: Record) -> None:
    bad = stored_before_the_bound(mine, 5000)
    Assessment.objects.filter(pk=mine.assessment.pk).update(result={"stale": True})
    done = visits.rescore()
    assert done == visits.Rescored(seen=2, changed=1, failed=[(bad.pk, REASON.format(n=5000))])
    assert Assessment.objects.get(pk=bad.pk).knowledge_version == "before-the-bound"


@dataclass(frozen=True)
class Done:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def ldnderm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """The console entry point in-process (so it sees the test database), with its exit code."""

    def run(*args: str) -> Done:
        monkeypatch.setattr("sys.argv", ["ldnderm", *args])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main()
        out = capsys.readouterr()
        return Done(int(exited.value.code or 0), out.out, out.err)

    return run


def test_the_rescore_command_goes_on_lists_the_row_and_exits_2(mine: Record, ldnderm: Any) -> None:
    bad = stored_before_the_bound(mine, 5000)
    done = ldnderm("registry", "rescore")
    assert done.code == 2
    assert "rescored 2 assessments; 0 changed; 1 failed" in done.stdout
    assert f"assessment {bad.pk} cannot be scored: {REASON.format(n=5000)}" in done.stderr
    as_json = ldnderm("registry", "rescore", "--json")
    assert as_json.code == 2
    assert json.loads(as_json.stdout)["failed"] == [{"id": bad.pk, "reason": REASON.format(n=5000)}]


def test_fhir_export_of_a_patient_with_a_bad_row_succeeds(mine: Record, ldnderm: Any) -> None:
    stored_before_the_bound(mine, 5000)
    done = ldnderm("fhir", "export", str(mine.patient.pk))
    assert done.code == 0, done.stderr
    assert "cannot be scored: nodules: 5000" in done.stdout

"""patient-view with the registry: the active course, the assessments due, and the audit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.interop.cdshooks import fixtures as f
from tests.interop.cdshooks import keys as k
from tests.web.cds.conftest import freeze_hook_clock

PATH = "/cds-services/naltrexone-patient-view"
MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1"
"""The identifier system of the patient in the request fixture, configured as the clinic's."""


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_hook_clock(monkeypatch)


@pytest.mark.db
def test_a_registry_course_is_shown_and_the_read_is_audited(client: Client, settings: Any) -> None:
    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.audit.models import AuditEvent
    from ldnderm.web.registry.models import DoseChange, Patient, TreatmentCourse

    clinic = Clinic.objects.create(name="Clinic A", slug="clinic-a", mrn_systems=[MRN_SYSTEM])
    Clinic.objects.create(name="Clinic B", slug="clinic-b")
    patient = Patient.objects.create(clinic=clinic, mrn="12345", given_name="A", family_name="B")
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="L73.2", started_on=f.TODAY - timedelta(days=30)
    )
    DoseChange.objects.create(course=course, changed_on=course.started_on, mg_per_day=3)
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, "clinic": "clinic-a"}]

    token = k.token(f"http://testserver{PATH}")
    response = client.post(
        PATH,
        f.patient_view_request(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    cards = response.json()["cards"]
    # The EHR states no liver or kidney facts, so the one incomplete warning comes with the course.
    assert sorted(c["indicator"] for c in cards) == ["info", "warning"]
    card = next(c for c in cards if c["indicator"] == "info")
    assert "3 mg/day" in card["summary"]
    # The patient's registry page is a link, not the card's source (source.url is no drill-down).
    assert "url" not in card["source"]
    assert card["links"][0]["url"] == f"http://testserver/registry/patients/{patient.pk}/"
    event = AuditEvent.objects.get(object_type="TreatmentCourse")
    assert event.patient_id == patient.pk and event.username == f"cds:{k.ISS}"


@pytest.mark.db
def test_a_course_in_another_clinic_is_not_shown(client: Client, settings: Any) -> None:
    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.registry.models import Patient, TreatmentCourse

    other = Clinic.objects.create(name="Clinic B", slug="clinic-b")
    Clinic.objects.create(name="Clinic A", slug="clinic-a")
    patient = Patient.objects.create(clinic=other, mrn="12345", given_name="A", family_name="B")
    TreatmentCourse.objects.create(patient=patient, condition_id="L73.2", started_on=f.TODAY)
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, "clinic": "clinic-a"}]
    token = k.token(f"http://testserver{PATH}")
    response = client.post(
        PATH,
        f.patient_view_request(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json() == {"cards": []}


@pytest.mark.db
def test_a_visit_dated_9999_12_31_does_not_break_the_due_list(
    client: Client, settings: Any
) -> None:
    from datetime import date

    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.registry.models import Assessment, Patient, TreatmentCourse, Visit

    clinic = Clinic.objects.create(name="Clinic A", slug="clinic-a", mrn_systems=[MRN_SYSTEM])
    patient = Patient.objects.create(clinic=clinic, mrn="12345", given_name="A", family_name="B")
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="L73.2", started_on=f.TODAY - timedelta(days=30)
    )
    # Stored before input dates were bounded to 1900-2100: 28 days later is past the calendar.
    visit = Visit.objects.create(patient=patient, course=course, visit_date=date(9999, 12, 31))
    Assessment.objects.create(
        visit=visit,
        measure_id="ihs4",
        measure_version="2017",
        responses={"nodules": 1, "abscesses": 0, "draining_tunnels": 0},
        result={"computable": True, "total": 1},
        total=1,
        knowledge_version="test",
    )
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, "clinic": "clinic-a"}]
    card = _patient_view(client, [{"system": MRN_SYSTEM, "value": "12345"}])[0]
    text = json.dumps(card)
    assert "IHS4" not in text  # its next assessment would fall after 9999-12-31: not due
    assert "Dermatology Life Quality Index" in text  # never taken in the course: due at start


def _patient_view(client: Client, identifiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    request = f.patient_view_request()
    for value in request["prefetch"].values():
        if isinstance(value, dict) and value.get("resourceType") == "Patient":
            value["identifier"] = identifiers
    token = k.token(f"http://testserver{PATH}")
    response = client.post(
        PATH, request, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    cards: list[dict[str, Any]] = response.json()["cards"]
    return [c for c in cards if c["indicator"] == "info"]


@pytest.mark.db
def test_an_insurer_member_id_does_not_match_the_registry_mrn(
    client: Client, settings: Any
) -> None:
    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.registry.models import DoseChange, Patient, TreatmentCourse

    clinic = Clinic.objects.create(name="Clinic A", slug="clinic-a", mrn_systems=[MRN_SYSTEM])
    patient = Patient.objects.create(clinic=clinic, mrn="12345", given_name="A", family_name="B")
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="L73.2", started_on=f.TODAY - timedelta(days=30)
    )
    DoseChange.objects.create(course=course, changed_on=course.started_on, mg_per_day=3)
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, "clinic": "clinic-a"}]

    member = {"system": "http://insurer.example.org/member-id", "value": "12345"}
    assert _patient_view(client, [member]) == []
    assert _patient_view(client, [{"value": "12345"}]) == []  # no system: never a match
    mrn = {"system": MRN_SYSTEM, "value": "12345"}
    assert len(_patient_view(client, [member, mrn])) == 1


@pytest.mark.db
def test_without_a_configured_mrn_system_only_an_imported_identifier_matches(
    client: Client, settings: Any
) -> None:
    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.fhir.models import FhirIdentifier
    from ldnderm.web.registry.models import Patient, TreatmentCourse

    clinic = Clinic.objects.create(name="Clinic A", slug="clinic-a")
    patient = Patient.objects.create(clinic=clinic, mrn="12345", given_name="A", family_name="B")
    TreatmentCourse.objects.create(patient=patient, condition_id="L73.2", started_on=f.TODAY)
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, "clinic": "clinic-a"}]
    ehr = {"system": "urn:oid:9.9.9", "value": "E-1"}
    assert _patient_view(client, [{"system": MRN_SYSTEM, "value": "12345"}]) == []
    FhirIdentifier.objects.create(
        clinic=clinic, kind="patient", system="urn:oid:9.9.9", value="E-1", patient=patient
    )
    assert len(_patient_view(client, [ehr])) == 1
    assert _patient_view(client, [{"system": "urn:oid:9.9.8", "value": "E-1"}]) == []


@pytest.mark.db
@pytest.mark.parametrize(
    ("utc_time", "berlin_date", "dlqi_due_shown"),
    [
        (time(22, 59), f.TODAY - timedelta(days=1), False),  # 23:59 in Berlin, the day before
        (time(23, 1), f.TODAY, True),  # 00:01 in Berlin: the clinic's new day, UTC's old one
    ],
)
def test_the_assessments_due_count_from_the_mapped_clinics_date_across_its_midnight(
    client: Client,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    utc_time: time,
    berlin_date: date,
    dlqi_due_shown: bool,
) -> None:
    """A DLQI last taken 21 days before TODAY is due on TODAY + 7 (28-day interval), and the card
    lists what is due within 7 days of the hook's "today". At 23:01 UTC the UTC date is still
    TODAY - 1 but a Berlin clinic is on TODAY: the DLQI is listed exactly when Berlin's day says."""
    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.registry.models import Assessment, Patient, TreatmentCourse, Visit

    clinic = Clinic.objects.create(
        name="Clinic A", slug="clinic-a", mrn_systems=[MRN_SYSTEM], time_zone="Europe/Berlin"
    )
    patient = Patient.objects.create(clinic=clinic, mrn="12345", given_name="A", family_name="B")
    course = TreatmentCourse.objects.create(
        patient=patient, condition_id="L73.2", started_on=f.TODAY - timedelta(days=60)
    )
    visit = Visit.objects.create(
        patient=patient, course=course, visit_date=f.TODAY - timedelta(days=21)
    )
    Assessment.objects.create(
        visit=visit,
        measure_id="dlqi",
        measure_version="1",
        responses={},
        result={},
        knowledge_version="test",
    )
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, "clinic": "clinic-a"}]
    instant = datetime.combine(f.TODAY - timedelta(days=1), utc_time, tzinfo=UTC)
    assert instant.astimezone(ZoneInfo("Europe/Berlin")).date() == berlin_date
    freeze_hook_clock(monkeypatch, instant)

    (card,) = _patient_view(client, [{"system": MRN_SYSTEM, "value": "12345"}])

    dlqi_line = (
        f"Dermatology Life Quality Index (DLQI): {(f.TODAY + timedelta(days=7)).isoformat()}"
    )
    assert (dlqi_line in card["detail"]) is dlqi_due_shown
    # IHS4 and the lesion count were never taken: due since the course start, shown either way.
    assert card["summary"].endswith("3 assessments due" if dlqi_due_shown else "2 assessments due")

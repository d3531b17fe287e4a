"""A ``<script>`` payload in every free-text field renders escaped on every page showing it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.charts import Chart, Line, Point
from ldnderm.web.registry.models import (
    AdverseEvent,
    DoseChange,
    Patient,
    ScreeningSnapshot,
    TreatmentCourse,
    Visit,
)
from tests.web.registry.personas import assessment, login

pytestmark = pytest.mark.db

PAYLOAD = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_every_free_text_field_renders_escaped(alice: User) -> None:
    assert alice.clinic is not None
    patient = Patient.objects.create(
        clinic=alice.clinic,
        mrn=PAYLOAD[:40],
        given_name=PAYLOAD,
        family_name=PAYLOAD,
        notes=PAYLOAD,
    )
    day = dt.date(2026, 1, 5)
    course = TreatmentCourse.objects.create(
        patient=patient,
        condition_id=PAYLOAD[:80],
        protocol_id=PAYLOAD[:80],
        started_on=day,
        stopped_on=day,
        stop_reason="other",
        stop_note=PAYLOAD,
    )
    DoseChange.objects.create(
        course=course, changed_on=day, mg_per_day=3, formulation=PAYLOAD[:80], note=PAYLOAD
    )
    ScreeningSnapshot.objects.create(
        course=course,
        verdict=PAYLOAD[:40],
        findings=[{"message": PAYLOAD}],
        plan={"steps": [{"starts_on": "2026-01-05", "mg_per_day": 1.5, "note": PAYLOAD}]},
        knowledge_version=PAYLOAD[:80],
    )
    visit = Visit.objects.create(patient=patient, course=course, visit_date=day, notes=PAYLOAD)
    assessment(visit, "itch-nrs", {"score": 5})
    AdverseEvent.objects.create(
        patient=patient,
        course=course,
        term=PAYLOAD,
        grade=1,
        onset_on=day,
        relatedness="possible",
        notes=PAYLOAD,
    )
    client = login(alice)
    pages = [
        "/registry/patients/",
        f"/registry/patients/?q={PAYLOAD}",
        f"/registry/patients/{patient.pk}/",
        f"/registry/patients/{patient.pk}/visits/new/",
        f"/registry/patients/{patient.pk}/adverse-events/new/",
        f"/registry/courses/{course.pk}/stop/",
        f"/registry/courses/{course.pk}/dose/",
        f"/registry/patients/{patient.pk}/courses/new/",
        "/registry/",
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert PAYLOAD not in text, url
    detail = client.get(f"/registry/patients/{patient.pk}/").content.decode()
    assert ESCAPED in detail
    export = client.get("/registry/patients/export.csv").content.decode()
    assert "<script>" in export  # CSV is data, served as an attachment, never as HTML


def test_chart_svg_titles_and_labels_render_escaped() -> None:
    day = dt.date(2026, 1, 5)
    chart = Chart(PAYLOAD, PAYLOAD, PAYLOAD, copyright=PAYLOAD)
    chart.points = [Point(50.0, 50.0, day, 3)]  # type: ignore[arg-type]
    chart.doses = [Line(60.0, PAYLOAD)]
    chart.thresholds = [Line(70.0, PAYLOAD)]
    chart.y_ticks = [Line(80.0, PAYLOAD)]
    chart.x_ticks = [Line(90.0, PAYLOAD)]
    svg = render_to_string("registry/partials/chart.html", {"chart": chart})
    assert PAYLOAD not in svg and "<script" not in svg
    assert svg.count(ESCAPED) >= 7


def test_api_json_carries_text_as_data(alice: User) -> None:
    assert alice.clinic is not None
    patient = Patient.objects.create(
        clinic=alice.clinic, mrn="X-1", given_name=PAYLOAD, family_name="F"
    )
    response = login(alice).get(f"/api/v1/patients/{patient.pk}")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["given_name"] == PAYLOAD

"""A ``<script>`` payload in every free-text field renders escaped on every page showing it."""

from __future__ import annotations

import datetime as dt

import pytest

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse, Visit
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
    visit = Visit.objects.create(patient=patient, course=course, visit_date=day, notes=PAYLOAD)
    assessment(visit, "itch-nrs", {"score": 5})
    AdverseEvent.objects.create(
        patient=patient, term=PAYLOAD, grade=1, onset_on=day, relatedness="possible", notes=PAYLOAD
    )
    client = login(alice)
    pages = [
        "/registry/patients/",
        f"/registry/patients/?q={PAYLOAD}",
        f"/registry/patients/{patient.pk}/",
        f"/registry/patients/{patient.pk}/visits/new/",
        f"/registry/patients/{patient.pk}/adverse-events/new/",
        f"/registry/courses/{course.pk}/stop/",
        "/registry/",
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert PAYLOAD not in text, url
    detail = client.get(f"/registry/patients/{patient.pk}/").content.decode()
    assert ESCAPED in detail
    export = client.get("/registry/patients/export.csv").content.decode()
    assert "<script>" in export  # CSV is data, served as an attachment, never as HTML

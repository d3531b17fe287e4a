"""Wherever a copyrighted instrument's scores are shown, its copyright line is shown too."""

from __future__ import annotations

import datetime as dt

import pytest

from ldnderm import measures
from ldnderm.web.accounts.models import User
from ldnderm.web.registry.models import Visit
from tests.web.registry.personas import Record, assessment, login

pytestmark = pytest.mark.db


def test_the_patient_page_prints_the_dlqi_copyright_beside_its_chart(
    alice: User, mine: Record
) -> None:
    for week, answer in ((0, 2), (12, 1)):
        visit = Visit.objects.create(
            patient=mine.patient,
            course=mine.course,
            visit_date=dt.date(2026, 1, 5) + dt.timedelta(weeks=week),
        )
        assessment(visit, "dlqi", {f"q{n}": answer for n in range(1, 11)})
    page = login(alice).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
    line = measures.get("dlqi").definition.copyright
    assert line
    assert line in page


def test_the_visit_form_prints_the_dlqi_copyright(alice: User, mine: Record) -> None:
    page = login(alice).get(f"/registry/patients/{mine.patient.pk}/visits/new/?measures=dlqi")
    assert page.status_code == 200
    assert (measures.get("dlqi").definition.copyright or "") in page.content.decode()

"""Pages speak to clinicians: measure, condition and protocol names, doses in mg, no nulls."""

from __future__ import annotations

import pytest

from ldnderm.web.accounts.models import User
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db


def test_the_patient_page_names_measures_protocols_and_doses(alice: User, mine: Record) -> None:
    body = login(alice).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
    assert "Itch numerical rating scale" in body
    assert "<li>itch-nrs:" not in body
    assert "protocol: Low-dose naltrexone, titrated" in body and "<code>ldn-titration" not in body
    assert "1.5 mg" in body and "1.50" not in body
    assert "None" not in body.split("<main", 1)[1] and "null" not in body


def test_the_dose_form_says_what_the_number_is(alice: User, mine: Record) -> None:
    body = login(alice).get(f"/registry/courses/{mine.course.pk}/dose/").content.decode()
    assert "Dose (mg a day)" in body and "Mg per day" not in body

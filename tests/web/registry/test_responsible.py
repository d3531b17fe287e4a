"""A patient's responsible clinician: reassigned by clinicians and administrators, audited with
the old and new user, never to a user outside the clinic's clinicians."""

from __future__ import annotations

import pytest

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.audit.models import AuditEvent
from tests.web.registry.personas import Record, login, user

pytestmark = pytest.mark.db


def _url(r: Record) -> str:
    return f"/registry/patients/{r.patient.pk}/responsible/"


def test_a_clinician_reassigns_and_the_change_is_audited(
    alice: User, clinic_a: Clinic, mine: Record
) -> None:
    dora = user("dora", clinic_a, "clinician")
    client = login(alice)
    response = client.post(_url(mine), {"responsible": dora.pk}, follow=True)
    assert "Responsible clinician: dora." in response.content.decode()
    mine.patient.refresh_from_db()
    assert mine.patient.responsible == dora
    event = AuditEvent.objects.filter(action="update", patient_id=mine.patient.pk).latest("id")
    assert event.detail["changes"] == {"responsible": [None, "dora"]}
    client.post(_url(mine), {"responsible": ""})
    mine.patient.refresh_from_db()
    assert mine.patient.responsible is None


def test_the_patient_page_offers_the_clinics_clinicians_only(
    alice: User, bob: User, carol: User, mine: Record
) -> None:
    page = login(alice).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
    assert 'name="responsible"' in page and ">alice<" in page
    assert ">bob<" not in page and ">carol<" not in page
    staff_page = login(bob).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
    assert "Responsible clinician: unassigned" in staff_page
    assert 'name="responsible"' not in staff_page


@pytest.mark.parametrize("who", ["bob", "carol", "staff-like"])
def test_a_user_outside_the_clinics_clinicians_is_refused_naming_the_field(
    alice: User, bob: User, carol: User, mine: Record, who: str
) -> None:
    target = {"bob": bob.pk, "carol": carol.pk, "staff-like": "not-a-number"}[who]
    response = login(alice).post(_url(mine), {"responsible": target}, follow=True)
    assert response.status_code == 200
    assert "Responsible clinician: is not a clinician of this clinic." in response.content.decode()
    mine.patient.refresh_from_db()
    assert mine.patient.responsible is None


def test_staff_may_not_reassign_and_the_attempt_is_denied(bob: User, mine: Record) -> None:
    response = login(bob).post(_url(mine), {"responsible": ""})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied", object_id="reassign-clinician").exists()


def test_another_clinics_patient_answers_404(carol: User, mine: Record) -> None:
    assert login(carol).post(_url(mine), {"responsible": ""}).status_code == 404


def test_a_get_goes_back_to_the_patient(alice: User, mine: Record) -> None:
    response = login(alice).get(_url(mine))
    assert response.status_code == 302
    assert response["Location"] == f"/registry/patients/{mine.patient.pk}/"

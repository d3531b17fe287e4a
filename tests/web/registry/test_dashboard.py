"""Clinic aggregates: exact for clinicians, small cells suppressed for researchers."""

from __future__ import annotations

import pytest

from ldnderm.privacy.small_cells import SMALL_CELL
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.registry.models import AdverseEvent
from ldnderm.web.registry.services.dashboard import Dashboard, ResponderRow
from tests.web.registry.personas import START, Record, login, record

pytestmark = pytest.mark.db


def test_suppression_hides_counts_from_1_to_4_and_keeps_0_and_5() -> None:
    board = Dashboard(
        active_by_condition=[("psoriasis", 4), ("hidradenitis-suppurativa", 5)],
        ae_by_grade=[(1, 9), (2, 8)],
        ae_by_relatedness=[("possible", 9), ("probable", 8)],
        responders=[ResponderRow("dlqi", "DLQI", "mcid", "MCID", responders=3, evaluable=9)],
        patients=12,
        courses=3,
    )
    board.suppress_small_cells()
    assert board.active_by_condition == [("psoriasis", None), ("hidradenitis-suppurativa", 5)]
    assert board.ae_by_grade == [(1, 9), (2, 8)]
    assert (board.patients, board.courses) == (12, None)
    row = board.responders[0]
    assert (row.responders, row.evaluable, row.share) == (None, 9, None)
    assert board.as_json()["suppressed_below"] == SMALL_CELL


def test_evaluable_minus_responders_cannot_recover_a_small_count_of_non_responders() -> None:
    board = Dashboard(
        responders=[
            ResponderRow("pasi", "PASI", "pasi50", "PASI 50", responders=10, evaluable=13),
            ResponderRow("pasi", "PASI", "pasi75", "PASI 75", responders=6, evaluable=13),
        ]
    )
    board.suppress_small_cells()
    fifty, seventy_five = board.responders
    # 13 - 10 = 3 non-responders: the responders are hidden too, and the evaluable stays.
    assert (fifty.responders, fifty.evaluable, fifty.share) == (None, 13, None)
    # Nothing small in the other definition: it stays shown.
    assert (seventy_five.responders, seventy_five.evaluable) == (6, 13)


def test_a_small_evaluable_count_is_hidden_in_every_definition_of_its_measure() -> None:
    board = Dashboard(
        responders=[
            ResponderRow("pasi", "PASI", "pasi50", "PASI 50", responders=0, evaluable=3),
            ResponderRow("pasi", "PASI", "pasi75", "PASI 75", responders=0, evaluable=3),
        ]
    )
    board.suppress_small_cells()
    assert [r.evaluable for r in board.responders] == [None, None]


def _events(clinic: Clinic, grades: dict[int, int]) -> None:
    rec = record(clinic, "Eventful", "A-AE")
    rec.adverse_event.delete()
    for grade, n in grades.items():
        for _ in range(n):
            AdverseEvent.objects.create(
                patient=rec.patient, term="Headache", grade=grade, onset_on=START,
                relatedness="possible",
            )  # fmt: skip


def test_a_researcher_cannot_subtract_shown_grades_from_the_total(rita: User) -> None:
    # Six grade 1 events and one grade 2, all "possible": 7 - 6 would give the grade 2 event.
    assert rita.clinic is not None
    _events(rita.clinic, {1: 6, 2: 1})
    body = login(rita).get("/api/v1/aggregates").json()
    assert body["adverse_events_by_grade"] == {"1": None, "2": None}
    assert body["adverse_events_by_relatedness"] == {"possible": 7}


def test_a_researcher_sees_every_breakdown_that_needs_no_protection(rita: User) -> None:
    assert rita.clinic is not None
    _events(rita.clinic, {1: 6, 2: 5})
    body = login(rita).get("/api/v1/aggregates").json()
    assert body["adverse_events_by_grade"] == {"1": 6, "2": 5}
    assert body["adverse_events_by_relatedness"] == {"possible": 11}


def test_a_clinician_sees_exact_counts(alice: User, mine: Record) -> None:
    body = login(alice).get("/api/v1/aggregates").json()
    assert body["patients"] == 1
    assert body["suppressed_below"] is None


def test_a_researcher_sees_counts_of_5_or_more(rita: User, mine: Record) -> None:
    assert rita.clinic_id is not None
    clinic = Clinic.objects.get(pk=rita.clinic_id)
    for i in range(4):
        record(clinic, f"Family{i}", f"A-9{i}")
    body = login(rita).get("/api/v1/aggregates").json()
    assert body["patients"] == 5


def test_the_researcher_dashboard_page_says_small_counts_are_hidden(
    rita: User, mine: Record
) -> None:
    page = login(rita).get("/registry/").content.decode()
    assert "hidden" in page and "&lt;5" not in page
    assert "singled out" in page and "worked out by subtraction" in page


@pytest.mark.parametrize("url", ["/registry/", "/registry/patients/"])
def test_a_demo_clinics_overviews_say_the_data_are_synthetic_and_not_evidence(
    alice: User, mine: Record, url: str
) -> None:
    Clinic.objects.filter(users=alice).update(demo=True)
    page = login(alice).get(url).content.decode()
    assert "Synthetic data." in page
    assert "say nothing about whether naltrexone works" in page


@pytest.mark.parametrize("url", ["/registry/", "/registry/patients/"])
def test_a_real_clinics_overviews_do_not_call_its_patients_synthetic(
    alice: User, mine: Record, url: str
) -> None:
    page = login(alice).get(url).content.decode()
    assert "Synthetic data." not in page and 'id="demo-banner"' not in page


def _worsen(rec: Record) -> None:
    """Make ``rec``'s stored screening "ok" for a profile the current knowledge contraindicates."""
    snapshot = rec.course.screening
    snapshot.profile = {"as_of": "2026-01-05", "medications": [{"name": "oxycodone"}]}
    snapshot.save()


def test_the_dashboard_lists_the_clinics_courses_whose_screening_got_worse(
    alice: User, rita: User, mine: Record, canary: Record
) -> None:
    from ldnderm.web.audit.models import AuditEvent
    from tests.web.registry.personas import CANARY

    _worsen(mine)
    _worsen(canary)
    page = login(alice).get("/registry/").content.decode()
    assert 'id="rescreen"' in page and mine.patient.family_name in page
    assert "verdict-contraindicated" in page
    assert CANARY not in page
    event = AuditEvent.objects.get(user_id=alice.pk, action="list", detail__view="rescreen")
    assert event.patient_id == mine.patient.pk
    researcher = login(rita).get("/registry/").content.decode()
    assert 'id="rescreen"' not in researcher and mine.patient.family_name not in researcher

"""Correcting and deleting records from the pages (issue 13 scope 1): patients, courses, doses,
visits, assessments and adverse events. The pages call the services the API calls, so the
same rules hold (roles, reasons, plausible dates, audit with old and new values), and every form
carries the version it was opened on: a save over someone else's change answers 409 and shows
what changed, field by field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.versions import Expected, stale
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db

# (URL stem, record attribute, model, a full form with one change, the changed field and value)
EDITS: list[tuple[str, str, type[Any], dict[str, Any], str, Any]] = [
    (
        "patients",
        "patient",
        Patient,
        {"given_name": "Test", "family_name": "Ownpatient", "birth_year": "1981", "sex": "unknown"},
        "birth_year",
        1981,
    ),
    (
        "courses",
        "course",
        TreatmentCourse,
        {"started_on": "2026-01-05", "stopped_on": "", "stop_reason": "", "stop_note": "typo"},
        "stop_note",
        "typo",
    ),
    (
        "doses",
        "dose",
        DoseChange,
        {"changed_on": "2026-01-05", "mg_per_day": "2", "formulation": "", "note": ""},
        "mg_per_day",
        2,
    ),
    ("visits", "visit", Visit, {"visit_date": "2026-01-06", "notes": ""}, "notes", ""),
    (
        "assessments",
        "assessment",
        Assessment,
        {"responses": '{"score": 3}'},
        "responses",
        {"score": 3},
    ),
    (
        "adverse-events",
        "adverse_event",
        AdverseEvent,
        {
            "term": "Vivid dreams",
            "grade": "2",
            "resolved_on": "",
            "relatedness": "possible",
            "action": "none",
            "notes": "",
        },
        "grade",
        2,
    ),
]
IDS = [e[0] for e in EDITS]


def _version_in(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found is not None, "the form carries no version"
    return found.group(1)


@pytest.mark.parametrize(("stem", "attr", "model", "form", "field", "value"), EDITS, ids=IDS)
def test_an_edit_on_the_version_shown_is_saved_and_audited_with_old_and_new_values(
    alice: User,
    mine: Record,
    stem: str,
    attr: str,
    model: type[Any],
    form: dict[str, Any],
    field: str,
    value: Any,
) -> None:
    c = login(alice)
    pk = getattr(mine, attr).pk
    page = c.get(f"/registry/{stem}/{pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and _version_in(html) == "1"
    saved = c.post(f"/registry/{stem}/{pk}/edit/", {**form, "version": "1"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert saved["Location"] == f"/registry/patients/{mine.patient.pk}/"
    row = model.objects.get(pk=pk)
    assert row.version == 2
    stored = getattr(row, field)
    assert (float(stored) if field == "mg_per_day" else stored) == value
    update = AuditEvent.objects.get(action="update", object_id=str(pk), user_id=alice.pk)
    assert field in update.detail["changes"] or field == "notes"


def test_a_stale_save_is_409_shows_what_changed_and_can_be_saved_again(
    alice: User, mine: Record
) -> None:
    mine_tab, other_tab = login(alice), login(alice)
    url = f"/registry/adverse-events/{mine.adverse_event.pk}/edit/"
    base = {"term": "Vivid dreams", "resolved_on": "", "relatedness": "possible", "action": "none"}
    mine_tab.get(url)
    other_tab.get(url)
    assert (
        other_tab.post(url, {**base, "grade": "3", "notes": "", "version": "1"}).status_code == 302
    )
    stale = mine_tab.post(url, {**base, "grade": "2", "notes": "better", "version": "1"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "someone else changed this adverse event" in html
    assert re.search(r"<th scope=\"row\">Grade</th><td>2</td><td>3</td>", html), html
    assert _version_in(html) == "2"  # saving again is a deliberate overwrite
    event = AdverseEvent.objects.get(pk=mine.adverse_event.pk)
    assert (event.grade, event.notes, event.version) == (3, "", 2)
    again = mine_tab.post(url, {**base, "grade": "3", "notes": "better", "version": "2"})
    assert again.status_code == 302
    assert AdverseEvent.objects.get(pk=mine.adverse_event.pk).notes == "better"


def test_an_implausible_date_is_shown_as_an_error_naming_the_field(
    alice: User, mine: Record
) -> None:
    url = f"/registry/visits/{mine.visit.pk}/edit/"
    answer = login(alice).post(url, {"visit_date": "2099-01-01", "notes": "", "version": "1"})
    assert answer.status_code == 200
    assert "visit_date: 2099-01-01 is in the future" in answer.content.decode()
    assert Visit.objects.get(pk=mine.visit.pk).version == 1


def test_an_invalid_value_for_the_service_is_shown_not_raised(alice: User, mine: Record) -> None:
    url = f"/registry/courses/{mine.course.pk}/edit/"
    form = {"started_on": "2026-01-05", "stopped_on": "", "stop_reason": "other", "version": "1"}
    answer = login(alice).post(url, form)
    assert answer.status_code == 200
    assert "stop_reason: a running course has no stop reason" in answer.content.decode()


def test_a_wrong_assessment_answer_names_the_item(alice: User, mine: Record) -> None:
    url = f"/registry/assessments/{mine.assessment.pk}/edit/"
    answer = login(alice).post(url, {"responses": '{"score": 11}', "version": "1"})
    assert answer.status_code == 200
    assert "score" in answer.content.decode() and "error" in answer.content.decode()
    assert Assessment.objects.get(pk=mine.assessment.pk).responses == {"score": 8}


@pytest.mark.parametrize(("stem", "attr", "model", "form", "field", "value"), EDITS, ids=IDS)
def test_a_clinician_deletes_with_a_reason_on_the_version_shown(
    alice: User,
    mine: Record,
    stem: str,
    attr: str,
    model: type[Any],
    form: dict[str, Any],
    field: str,
    value: Any,
) -> None:
    c = login(alice)
    pk = getattr(mine, attr).pk
    url = f"/registry/{stem}/{pk}/delete/"
    page = c.get(url)
    assert page.status_code == 200 and _version_in(page.content.decode()) == "1"
    assert c.post(url, {"reason": "", "version": "1"}).status_code == 200  # a reason is required
    assert model.objects.filter(pk=pk).exists()
    done = c.post(url, {"reason": "entered on the wrong patient", "version": "1"})
    assert done.status_code == 302
    assert not model.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(
        action="delete", object_id=str(pk), detail__reason="entered on the wrong patient"
    )
    assert event.user_id == alice.pk


def test_a_stale_delete_is_409_and_deletes_nothing(alice: User, mine: Record) -> None:
    c = login(alice)
    Visit.objects.filter(pk=mine.visit.pk).update(version=2)  # changed since the page opened
    url = f"/registry/visits/{mine.visit.pk}/delete/"
    answer = c.post(url, {"reason": "duplicate", "version": "1"})
    assert answer.status_code == 409
    assert "someone else changed this visit" in answer.content.decode()
    assert Visit.objects.filter(pk=mine.visit.pk).exists()


def test_a_save_on_a_record_deleted_meanwhile_is_404(alice: User, mine: Record) -> None:
    c = login(alice)
    url = f"/registry/visits/{mine.visit.pk}/edit/"
    c.get(url)
    Visit.objects.filter(pk=mine.visit.pk).delete()
    answer = c.post(url, {"visit_date": "2026-01-05", "notes": "x", "version": "1"})
    assert answer.status_code == 404


def test_a_record_deleted_between_lookup_and_write_is_stale_with_no_current_state(
    mine: Record,
) -> None:
    pk = mine.visit.pk
    Visit.objects.filter(pk=pk).delete()
    exc = stale(Visit, pk, Expected(1), {"notes": "x"})
    assert exc.current is None and exc.changed == {}
    assert "was deleted" in str(exc)


def test_staff_may_edit_a_visit_but_not_delete_it(bob: User, mine: Record) -> None:
    c = login(bob)
    saved = c.post(
        f"/registry/visits/{mine.visit.pk}/edit/",
        {"visit_date": "2026-01-05", "notes": "by staff", "version": "1"},
    )
    assert saved.status_code == 302
    refused = c.post(
        f"/registry/visits/{mine.visit.pk}/delete/", {"reason": "duplicate", "version": "2"}
    )
    assert refused.status_code == 403
    assert Visit.objects.filter(pk=mine.visit.pk).exists()


def test_deleting_a_patient_goes_back_to_the_list(alice: User, mine: Record) -> None:
    done = login(alice).post(
        f"/registry/patients/{mine.patient.pk}/delete/", {"reason": "test record", "version": "1"}
    )
    assert done.status_code == 302 and done["Location"] == "/registry/patients/"
    assert not Patient.objects.exists()


def test_the_patient_page_links_every_record_to_its_edit_and_delete_pages(
    alice: User, mine: Record
) -> None:
    html = login(alice).get(f"/registry/patients/{mine.patient.pk}/").content.decode()
    for stem, attr in (
        ("patients", "patient"),
        ("courses", "course"),
        ("doses", "dose"),
        ("visits", "visit"),
        ("assessments", "assessment"),
        ("adverse-events", "adverse_event"),
    ):
        pk = getattr(mine, attr).pk
        assert f"/registry/{stem}/{pk}/edit/" in html, stem
        assert f"/registry/{stem}/{pk}/delete/" in html, stem


def test_the_stop_form_carries_the_version_and_a_stale_stop_is_409(
    alice: User, mine: Record
) -> None:
    c: Client = login(alice)
    url = f"/registry/courses/{mine.course.pk}/stop/"
    assert _version_in(c.get(url).content.decode()) == "1"
    TreatmentCourse.objects.filter(pk=mine.course.pk).update(version=2)
    stale = c.post(url, {"stopped_on": "2026-03-01", "stop_reason": "other", "version": "1"})
    assert stale.status_code == 409
    assert "someone else changed this course" in stale.content.decode()
    assert TreatmentCourse.objects.get(pk=mine.course.pk).stopped_on is None

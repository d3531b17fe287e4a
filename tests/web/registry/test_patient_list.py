"""The patient list: filters by condition, course status and "due", sorts, numbers its pages,
names conditions in words and labels every cell for a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from ldnderm.web.accounts.models import User
from ldnderm.web.registry.models import Patient, TreatmentCourse
from ldnderm.web.registry.views.patients import PAGE_SIZE, page_links
from tests.web.registry.personas import Record, login, record
from tests.web.registry.test_worklist import _patient

pytestmark = pytest.mark.db


def _names(body: str) -> list[str]:
    return [
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in body.split('<td data-label="Name"><a href=')[1:]
    ]


def test_filters_by_condition_and_by_active_course(alice: User, mine: Record) -> None:
    assert alice.clinic is not None
    other = record(alice.clinic, "Urticarial", "A-002")
    other.course.condition_id = "chronic-urticaria"
    other.course.stopped_on = other.course.started_on + dt.timedelta(days=30)
    other.course.save()
    client = login(alice)
    body = client.get("/registry/patients/?condition=psoriasis").content.decode()
    assert _names(body) == ["Ownpatient, Test"]
    assert _names(client.get("/registry/patients/?status=active").content.decode()) == [
        "Ownpatient, Test"
    ]
    assert _names(client.get("/registry/patients/?status=inactive").content.decode()) == [
        "Urticarial, Test"
    ]
    # An unknown condition or status is ignored, not an error.
    assert client.get("/registry/patients/?condition=x&status=y&sort=z&page=q").status_code == 200


def test_the_due_filter_lists_patients_on_the_worklist(alice: User, mine: Record) -> None:
    assert alice.clinic is not None
    _patient(alice.clinic, "Duesoon", alice, started_days_ago=26)
    body = login(alice).get("/registry/patients/?status=due").content.decode()
    assert "Duesoon, Test" in _names(body)
    assert "Ownpatient, Test" in _names(body)  # its adverse event is open


def test_sorts_by_mrn_and_year_of_birth(alice: User) -> None:
    assert alice.clinic is not None
    for name, mrn, born in (
        ("Bravo", "Z-1", 1990),
        ("Alpha", "Y-1", 2000),
        ("Charlie", "X-1", 1950),
    ):
        Patient.objects.create(
            clinic=alice.clinic, mrn=mrn, given_name="T", family_name=name, birth_year=born
        )
    client = login(alice)
    assert _names(client.get("/registry/patients/").content.decode()) == [
        "Alpha, T",
        "Bravo, T",
        "Charlie, T",
    ]
    assert _names(client.get("/registry/patients/?sort=mrn").content.decode()) == [
        "Charlie, T",
        "Alpha, T",
        "Bravo, T",
    ]
    assert _names(client.get("/registry/patients/?sort=born").content.decode()) == [
        "Charlie, T",
        "Bravo, T",
        "Alpha, T",
    ]


def test_pages_are_numbered_and_keep_the_filters(alice: User) -> None:
    assert alice.clinic is not None
    Patient.objects.bulk_create(
        Patient(clinic=alice.clinic, mrn=f"P-{i:03}", given_name="T", family_name=f"F{i:03}")
        for i in range(PAGE_SIZE * 2 + 1)
    )
    client = login(alice)
    body = client.get("/registry/patients/?sort=mrn").content.decode()
    assert "page 1 of 3" in body
    assert '<span aria-current="page">1</span>' in body
    assert 'href="?sort=mrn&amp;page=3"' in body
    third = client.get("/registry/patients/?sort=mrn&page=3").content.decode()
    assert _names(third) == [f"F{PAGE_SIZE * 2:03}, T"]
    past_the_end = client.get("/registry/patients/?page=99").content.decode()
    assert "page 3 of 3" in past_the_end


def test_page_links_show_the_ends_and_the_neighbourhood() -> None:
    assert page_links(1, 1) == []
    assert page_links(1, 3) == [1, 2, 3]
    assert page_links(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]


def test_conditions_are_named_and_every_cell_is_labelled(alice: User, mine: Record) -> None:
    body = login(alice).get("/registry/patients/").content.decode()
    assert '<span class="badge">Psoriasis</span>' in body
    for label in ("Name", "MRN", "Born", "Active courses"):
        assert f'data-label="{label}"' in body
    assert TreatmentCourse.objects.count() == 1

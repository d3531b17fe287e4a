"""Personas (after healthchecks' Alice/Bob/Charlie): clinic A's clinician Alice, staff Bob and
researcher Rita; clinic B's clinician Carol, who owns the canary patient."""

from __future__ import annotations

import pytest

from ldnderm.web.accounts.models import Clinic, User
from tests.web.registry.personas import CANARY, Record, record, user


@pytest.fixture
def clinic_a(db: None) -> Clinic:
    return Clinic.objects.create(name="Clinic A", slug="a")


@pytest.fixture
def clinic_b(db: None) -> Clinic:
    return Clinic.objects.create(name="Clinic B", slug="b")


@pytest.fixture
def alice(clinic_a: Clinic) -> User:
    return user("alice", clinic_a, "clinician")


@pytest.fixture
def bob(clinic_a: Clinic) -> User:
    return user("bob", clinic_a, "staff")


@pytest.fixture
def rita(clinic_a: Clinic) -> User:
    return user("rita", clinic_a, "researcher")


@pytest.fixture
def carol(clinic_b: Clinic) -> User:
    return user("carol", clinic_b, "clinician")


@pytest.fixture
def mine(clinic_a: Clinic) -> Record:
    return record(clinic_a, "Ownpatient", "A-001")


@pytest.fixture
def canary(clinic_b: Clinic) -> Record:
    return record(clinic_b, CANARY, "B-CANARY-9")

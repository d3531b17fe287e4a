"""Clinic A's clinician Alice and researcher Rita (as in tests/web/registry/conftest.py)."""

from __future__ import annotations

import pytest

from ldnderm.web.accounts.models import Clinic, User
from tests.web.registry.personas import user


@pytest.fixture
def clinic_a(db: None) -> Clinic:
    return Clinic.objects.create(name="Clinic A", slug="a")


@pytest.fixture
def alice(clinic_a: Clinic) -> User:
    return user("alice", clinic_a, "clinician")


@pytest.fixture
def rita(clinic_a: Clinic) -> User:
    return user("rita", clinic_a, "researcher")

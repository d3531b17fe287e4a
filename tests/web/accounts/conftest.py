"""Personas for the account pages: Ada administers clinic A (Alice is its clinician, Bob its
staff); Bea administers clinic B, whose clinician Carol is the one clinic A must never reach."""

from __future__ import annotations

import pytest

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.accounts.services import assign_role
from tests.web.registry.conftest import clinic_a, clinic_b
from tests.web.registry.personas import PASSWORD

__all__ = ["clinic_a", "clinic_b"]  # the registry's clinics, shared rather than written again


def member(username: str, clinic: Clinic, role: str) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, clinic=clinic
    )
    assign_role(user, role)
    return user


@pytest.fixture
def ada(clinic_a: Clinic) -> User:
    return member("ada", clinic_a, "admin")


@pytest.fixture
def alice(clinic_a: Clinic) -> User:
    return member("alice", clinic_a, "clinician")


@pytest.fixture
def bob(clinic_a: Clinic) -> User:
    return member("bob", clinic_a, "staff")


@pytest.fixture
def bea(clinic_b: Clinic) -> User:
    return member("bea", clinic_b, "admin")


@pytest.fixture
def carol(clinic_b: Clinic) -> User:
    return member("carol", clinic_b, "clinician")

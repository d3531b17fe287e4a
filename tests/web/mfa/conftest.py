"""Second-factor tests: MFA switched on, a controllable clock for TOTP codes, and personas
(clinic A's clinician Alice and researcher Rita, clinic B's clinician Carol)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp import models as totp_models
from pytest_django.fixtures import Settings

from ldnderm.web.accounts.models import Clinic, User
from tests.web.mfa.helpers import Clock
from tests.web.registry.personas import CANARY, Record, record, user


@pytest.fixture
def require_mfa(settings: Settings) -> None:
    settings.LDNDERM_REQUIRE_MFA = True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock django-otp reads TOTP time steps from (and only that one)."""
    fake = Clock()
    monkeypatch.setattr(totp_models, "time", fake)
    return fake


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
def rita(clinic_a: Clinic) -> User:
    return user("rita", clinic_a, "researcher")


@pytest.fixture
def mine(clinic_a: Clinic) -> Record:
    return record(clinic_a, "Ownpatient", "A-001")


@pytest.fixture
def canary(clinic_b: Clinic) -> Record:
    return record(clinic_b, CANARY, "B-CANARY-9")

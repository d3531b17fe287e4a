"""Second-factor tests: MFA switched on, a controllable clock for TOTP codes, and personas
(clinic A's clinician Alice and researcher Rita, clinic B's clinician Carol)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp import models as totp_models
from pytest_django.fixtures import Settings

from tests.web.mfa.helpers import Clock

# The registry's personas, shared rather than written again (pytest registers imported fixtures).
from tests.web.registry.conftest import alice, canary, carol, clinic_a, clinic_b, mine, rita

__all__ = ["alice", "canary", "carol", "clinic_a", "clinic_b", "mine", "rita"]


@pytest.fixture
def require_mfa(settings: Settings) -> None:
    settings.LDNDERM_REQUIRE_MFA = True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock django-otp reads TOTP time steps from (and only that one)."""
    fake = Clock()
    monkeypatch.setattr(totp_models, "time", fake)
    return fake

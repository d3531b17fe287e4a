"""Who must use a second factor, and the switch that decides whether anyone must."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.config import from_env
from ldnderm.web.mfa.policy import (
    EXEMPT_ROLES,
    PATIENT_PORTAL_ROLE,
    mfa_required,
    second_factor_needed,
)
from tests.web.mfa.helpers import Clock, enrolled
from tests.web.registry.personas import user

SECRET = "a-deployment-secret-key-of-enough-length-0123456789"


class TestTheSwitch:
    def test_it_is_off_for_local_plain_http(self) -> None:
        assert from_env({}).require_mfa is False

    def test_it_follows_secure_cookies_by_default(self) -> None:
        env = {"LDNDERM_SECURE_COOKIES": "true", "LDNDERM_SECRET_KEY": SECRET}
        assert from_env(env).require_mfa is True

    def test_a_deployment_may_say_otherwise_either_way(self) -> None:
        secure = {"LDNDERM_SECURE_COOKIES": "true", "LDNDERM_SECRET_KEY": SECRET}
        assert from_env({**secure, "LDNDERM_REQUIRE_MFA": "false"}).require_mfa is False
        assert from_env({"LDNDERM_REQUIRE_MFA": "true"}).require_mfa is True

    def test_a_bad_value_fails_loudly_and_names_the_variable(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="LDNDERM_REQUIRE_MFA"):
            from_env({"LDNDERM_REQUIRE_MFA": "sometimes"})

    def test_the_settings_carry_the_parsed_value(self) -> None:
        from ldnderm.web.settings import CONFIG

        assert settings.LDNDERM_REQUIRE_MFA is CONFIG.require_mfa


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Clinic P", slug="p")


def _with_groups(name: str, clinic: Clinic, *groups: str) -> User:
    u = user(name, clinic, None)
    for group in groups:
        u.groups.add(Group.objects.get_or_create(name=group)[0])
    return u


class TestWhoMustUseIt:
    @pytest.mark.parametrize("role", ["clinician", "staff", "admin"])
    def test_roles_that_open_patient_records_must(
        self, require_mfa: None, clinic: Clinic, role: str
    ) -> None:
        assert mfa_required(_with_groups("u", clinic, role))

    def test_a_researcher_need_not_because_aggregates_are_de_identified(
        self, require_mfa: None, clinic: Clinic
    ) -> None:
        assert not mfa_required(_with_groups("r", clinic, "researcher"))

    def test_a_patient_of_the_portal_is_exempt(self, require_mfa: None, clinic: Clinic) -> None:
        assert PATIENT_PORTAL_ROLE == "patient"
        assert not mfa_required(_with_groups("p", clinic, PATIENT_PORTAL_ROLE))

    def test_exemption_needs_every_role_exempt(self, require_mfa: None, clinic: Clinic) -> None:
        assert mfa_required(_with_groups("cp", clinic, "clinician", PATIENT_PORTAL_ROLE))
        assert mfa_required(_with_groups("rs", clinic, "researcher", "staff"))

    def test_admin_site_access_always_requires_it(self, require_mfa: None, clinic: Clinic) -> None:
        researcher = _with_groups("rs2", clinic, "researcher")
        researcher.is_staff = True
        assert mfa_required(researcher)

    def test_an_unknown_role_or_no_role_requires_it(
        self, require_mfa: None, clinic: Clinic
    ) -> None:
        assert mfa_required(_with_groups("ph", clinic, "pharmacist"))
        assert mfa_required(_with_groups("none", clinic))

    def test_nobody_must_while_the_switch_is_off(self, clinic: Clinic) -> None:
        assert settings.LDNDERM_REQUIRE_MFA is False
        assert not mfa_required(_with_groups("c", clinic, "clinician"))

    def test_every_exemption_gives_its_reason(self) -> None:
        assert set(EXEMPT_ROLES) == {"researcher", "patient"}
        assert all(reason for reason in EXEMPT_ROLES.values())


def test_an_optional_device_once_enrolled_is_needed(
    require_mfa: None, clinic: Clinic, clock: Clock
) -> None:
    researcher = _with_groups("r", clinic, "researcher")
    assert not second_factor_needed(researcher)
    enrolled(researcher, clock)
    assert second_factor_needed(researcher)

"""Who must use a second factor: the one place that decides (:func:`mfa_required`).

With ``LDNDERM_REQUIRE_MFA=true`` (the default when ``LDNDERM_SECURE_COOKIES=true``) an account
must enrol a TOTP device and use it at every log-in, unless every role it holds is exempt:

``researcher``
    sees de-identified clinic aggregates only, with small cells suppressed
    (``ldnderm.web.registry.services.dashboard``); it opens no patient record and writes none;
``patient``
    the patient portal's role (a later issue; the group may not exist yet): a patient sees their
    own record, and the project has decided that MFA is optional for patients.

Everyone else must: clinicians, staff and administrators open identifiable records
(``PATIENT_ROLES``); Django staff and superusers reach the admin site, which manages accounts and
shows the audit trail. A role not named here, or no role at all, is required too: a new role is
safe until someone decides it may be exempt.

Optional is not ignored: an account that enrolled a device anyway must use it
(:func:`second_factor_needed`).
"""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldnderm.web.accounts.models import PATIENT_ROLES, RESEARCHER, User

PATIENT_PORTAL_ROLE = "patient"

EXEMPT_ROLES: dict[str, str] = {
    RESEARCHER: "de-identified aggregates only, small cells suppressed",
    PATIENT_PORTAL_ROLE: "the patient's own record; MFA is optional for patients",
}
"""Roles that need no second factor, each with the reason."""


def require_mfa_setting() -> bool:
    """``settings.LDNDERM_REQUIRE_MFA`` (from ``LDNDERM_REQUIRE_MFA``, see ``config.py``)."""
    return bool(getattr(settings, "LDNDERM_REQUIRE_MFA", False))


def mfa_required(user: User) -> bool:
    """Whether ``user`` must enrol a second factor and verify it at every log-in."""
    if not require_mfa_setting():
        return False
    if user.is_staff or user.is_superuser:
        return True
    groups = set(user.groups.values_list("name", flat=True))
    if groups & PATIENT_ROLES:
        return True
    return not (groups and groups <= set(EXEMPT_ROLES))


def has_device(user: User) -> bool:
    """Whether ``user`` has a confirmed TOTP device (recovery codes come with one)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def second_factor_needed(user: User) -> bool:
    """Whether this log-in must be completed with a code: required, or enrolled anyway."""
    return mfa_required(user) or has_device(user)

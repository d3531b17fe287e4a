"""Enrolling a TOTP device and checking codes, on django-otp's models.

A user has at most one confirmed TOTP device and one set of recovery codes (django-otp's static
device, :data:`RECOVERY_CODES` of them, each deleted when used). Enrolment is two steps: an
unconfirmed device is created (or the same one shown again), and it is confirmed only by a current
code from it. Codes are checked with the device rows locked (``SELECT ... FOR UPDATE``), so two
requests cannot both use one code: django-otp keeps the time step of the last accepted TOTP code
(``last_t``) and accepts only later ones, and deletes a recovery code when it is used.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldnderm.web.accounts.models import User

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"

Factor = Literal["totp", "recovery"]


class AlreadyEnrolled(Exception):
    """The user already has a confirmed TOTP device; a second one is not enrolled here."""


@dataclass(frozen=True)
class Check:
    """The outcome of checking one code: the device that accepted it, or why none did."""

    device: Any = None
    factor: Factor | None = None
    wait_seconds: int | None = None
    """Set when the device refused to check because of recent wrong codes (django-otp's
    throttling: 1, 2, 4, ... seconds after successive failures)."""

    @property
    def ok(self) -> bool:
        return self.device is not None

    @property
    def wait_text(self) -> str:
        """``"1 second"``, ``"4 seconds"``: how long the throttled device holds."""
        seconds = self.wait_seconds or 0
        return f"{seconds} second{'' if seconds == 1 else 's'}"


def normalise(code: str) -> str:
    """Spaces and hyphens dropped, lower case: ``"123 456"`` and ``"ABCD-EFGH"`` are accepted."""
    return "".join(code.split()).replace("-", "").lower()


def pending_device(user: User) -> Any:
    """The user's unconfirmed TOTP device, created on first call; the same one afterwards, so
    reloading the enrolment page does not invalidate a QR code already scanned."""
    with transaction.atomic():
        _lock(user)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadyEnrolled()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        return device


def secret_of(device: Any) -> str:
    """The device's key in base32 (what authenticator apps take for manual entry)."""
    return base64.b32encode(device.bin_key).decode("ascii")


def confirm_enrolment(user: User, code: str) -> tuple[Any, list[str]] | Check:
    """Confirm the pending device with a current ``code``; on success issue new recovery codes
    and return the device and the codes (shown once: only django-otp's table keeps them).

    A wrong code returns the failed :class:`Check`. Raises :class:`AlreadyEnrolled`.
    """
    with transaction.atomic():
        _lock(user)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadyEnrolled()
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            return Check()
        check = _check_device(device, normalise(code), "totp")
        if not check.ok:
            return check
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return device, _new_recovery_codes(user)


def check_code(user: User, code: str) -> Check:
    """Check ``code`` against the user's confirmed devices: digits go to the TOTP device, any
    other text to the recovery codes (so a typo does not count against both)."""
    code = normalise(code)
    model: Any = TOTPDevice if code.isdigit() else StaticDevice
    factor: Factor = "totp" if code.isdigit() else "recovery"
    if not code:
        return Check()
    waits: list[int] = []
    with transaction.atomic():
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        for device in devices.order_by("pk"):
            check = _check_device(device, code, factor)
            if check.ok:
                return check
            if check.wait_seconds is not None:
                waits.append(check.wait_seconds)
    return Check(wait_seconds=min(waits) if waits else None)


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def _check_device(device: Any, code: str, factor: Factor) -> Check:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until: dt.datetime | None = (info or {}).get("locked_until")
        seconds = (until - timezone.now()).total_seconds() if until else 1.0
        return Check(wait_seconds=max(1, math.ceil(seconds)))
    if device.verify_token(code):
        return Check(device=device, factor=factor)
    return Check()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODES:
        candidate = StaticToken.random_token()
        if not candidate.isdigit():  # all digits would be taken for a TOTP code by check_code
            codes.add(candidate)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in sorted(codes))
    return sorted(codes)


def _lock(user: User) -> None:
    """Serialise enrolment steps of one user on the user's row."""
    User.objects.select_for_update().filter(pk=user.pk).first()

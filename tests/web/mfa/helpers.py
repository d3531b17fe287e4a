"""Helpers for second-factor tests: a fake clock, TOTP codes computed as an app would, and
signing in through the real log-in page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldnderm.web.accounts.models import User
from ldnderm.web.mfa import devices
from tests.web.registry.personas import PASSWORD


class Clock:
    """Stands in for the ``time`` module in django-otp's TOTP model."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def tick(self, steps: int = 1) -> None:
        self.now += 30 * steps


def code(device: Any, clock: Clock, steps: int = 0) -> str:
    """The code an authenticator app holding ``device``'s key shows ``steps`` steps from now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.now + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user: User, clock: Clock) -> tuple[Any, list[str]]:
    """``user`` with a confirmed device and recovery codes; the clock moves past the code used."""
    pending = devices.pending_device(user)
    result = devices.confirm_enrolment(user, code(pending, clock))
    assert not isinstance(result, devices.Check)
    clock.tick()
    device, codes = result
    return TOTPDevice.objects.get(pk=device.pk), codes


def password_login(username: str, password: str = PASSWORD, next_url: str = "") -> Client:
    client = Client()
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def waited(user: User) -> None:
    """As if django-otp's throttling delay after a wrong code had passed (it reads the real
    clock, not :class:`Clock`)."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=None)

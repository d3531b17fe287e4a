"""Enrolment and code checks on django-otp's devices: the secret, confirmation, replay,
single-use recovery codes and throttling."""

from __future__ import annotations

import base64
import threading

import pytest
from django.db import connection
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldnderm.web.accounts.models import User
from ldnderm.web.mfa import devices
from tests.web.mfa.helpers import Clock, code, enrolled, waited

pytestmark = pytest.mark.db


class TestEnrolment:
    def test_the_secret_shown_is_the_devices_key(self, alice: User) -> None:
        device = devices.pending_device(alice)
        assert base64.b32decode(devices.secret_of(device)) == device.bin_key
        assert f"secret={devices.secret_of(device)}" in device.config_url
        assert device.confirmed is False

    def test_reloading_shows_the_same_pending_device(self, alice: User) -> None:
        first = devices.pending_device(alice)
        assert devices.pending_device(alice).pk == first.pk
        assert TOTPDevice.objects.filter(user=alice).count() == 1

    def test_a_wrong_code_confirms_nothing(self, alice: User, clock: Clock) -> None:
        device = devices.pending_device(alice)
        wrong = f"{(int(code(device, clock)) + 1) % 1_000_000:06d}"
        result = devices.confirm_enrolment(alice, wrong)
        assert isinstance(result, devices.Check) and not result.ok
        assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()

    def test_a_current_code_confirms_and_issues_ten_recovery_codes(
        self, alice: User, clock: Clock
    ) -> None:
        device, codes = enrolled(alice, clock)
        assert device.confirmed is True
        assert len(set(codes)) == devices.RECOVERY_CODES == 10
        stored = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
        assert stored == set(codes)

    def test_no_recovery_code_is_all_digits_so_none_is_taken_for_a_totp_code(
        self, alice: User, clock: Clock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        drawn = iter(["23456723", *(f"abcdefg{c}" for c in "abcdefghijklmnop")])
        monkeypatch.setattr(StaticToken, "random_token", staticmethod(lambda: next(drawn)))
        _, codes = enrolled(alice, clock)
        assert "23456723" not in codes and len(codes) == 10

    def test_a_second_enrolment_is_refused(self, alice: User, clock: Clock) -> None:
        enrolled(alice, clock)
        with pytest.raises(devices.AlreadyEnrolled):
            devices.pending_device(alice)
        with pytest.raises(devices.AlreadyEnrolled):
            devices.confirm_enrolment(alice, "123456")

    def test_confirming_without_a_pending_device_fails(self, alice: User) -> None:
        result = devices.confirm_enrolment(alice, "123456")
        assert isinstance(result, devices.Check) and not result.ok


class TestCodes:
    def test_a_current_code_is_accepted_once(self, alice: User, clock: Clock) -> None:
        device, _ = enrolled(alice, clock)
        now = code(device, clock)
        assert devices.check_code(alice, now).factor == "totp"
        assert not devices.check_code(alice, now).ok  # replayed: django-otp's last_t
        device.refresh_from_db()
        assert device.last_t == int(clock.now) // 30

    def test_the_code_used_at_enrolment_cannot_be_replayed(self, alice: User, clock: Clock) -> None:
        pending = devices.pending_device(alice)
        used = code(pending, clock)
        assert not isinstance(devices.confirm_enrolment(alice, used), devices.Check)
        assert not devices.check_code(alice, used).ok
        clock.tick()
        waited(alice)
        assert devices.check_code(alice, code(pending, clock)).ok

    def test_an_older_code_is_refused_after_a_newer_one(self, alice: User, clock: Clock) -> None:
        device, _ = enrolled(alice, clock)
        previous = code(device, clock, steps=-1)
        assert devices.check_code(alice, code(device, clock)).ok
        assert not devices.check_code(alice, previous).ok

    def test_a_code_from_far_away_in_time_is_refused(self, alice: User, clock: Clock) -> None:
        device, _ = enrolled(alice, clock)
        assert not devices.check_code(alice, code(device, clock, steps=5)).ok

    def test_spaces_are_ignored(self, alice: User, clock: Clock) -> None:
        device, _ = enrolled(alice, clock)
        now = code(device, clock)
        assert devices.check_code(alice, f" {now[:3]} {now[3:]} ").ok

    def test_a_recovery_code_works_once_in_any_case_and_grouping(
        self, alice: User, clock: Clock
    ) -> None:
        _, codes = enrolled(alice, clock)
        typed = f"{codes[0][:4].upper()}-{codes[0][4:]}"
        assert devices.check_code(alice, typed).factor == "recovery"
        assert not devices.check_code(alice, codes[0]).ok
        assert devices.recovery_codes_left(alice) == 9
        waited(alice)
        assert devices.check_code(alice, codes[1]).ok

    def test_a_user_without_a_device_has_no_code(self, alice: User) -> None:
        assert not devices.check_code(alice, "123456").ok
        assert not devices.check_code(alice, "").ok

    def test_another_users_code_does_not_work(self, alice: User, rita: User, clock: Clock) -> None:
        device, codes = enrolled(alice, clock)
        assert not devices.check_code(rita, code(device, clock)).ok
        assert not devices.check_code(rita, codes[0]).ok

    def test_wrong_codes_are_throttled_even_before_a_right_one(
        self, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        right = code(device, clock)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        assert not devices.check_code(alice, wrong).ok
        held = devices.check_code(alice, right)
        assert not held.ok and held.wait_seconds == 1 and held.wait_text == "1 second"
        waited(alice)
        assert devices.check_code(alice, right).ok


def _at_once(attempt: str, user: User, times: int = 4) -> list[bool]:
    """``times`` threads, each with its own database connection, check one code together."""
    barrier = threading.Barrier(times)
    results: list[bool] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(devices.check_code(user, attempt).ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks and concurrent writers: PostgreSQL (make test runs it there)",
)
@pytest.mark.django_db(transaction=True)
class TestConcurrentUse:
    def test_one_code_sent_four_times_at_once_is_accepted_once(
        self, alice: User, clock: Clock
    ) -> None:
        device, _ = enrolled(alice, clock)
        assert sorted(_at_once(code(device, clock), alice)) == [False, False, False, True]

    def test_one_recovery_code_sent_four_times_at_once_is_accepted_once(
        self, alice: User, clock: Clock
    ) -> None:
        _, codes = enrolled(alice, clock)
        assert sorted(_at_once(codes[0], alice)) == [False, False, False, True]
        assert devices.recovery_codes_left(alice) == 9

"""The database rate limit: counts per key and window, stores no value, forgets old windows."""

from __future__ import annotations

import datetime as dt

import pytest

from ldnderm.web.accounts.models import RequestCounter
from ldnderm.web.accounts.throttle import allow

pytestmark = pytest.mark.db


def test_it_allows_up_to_the_limit_per_key() -> None:
    assert [allow("s", "a", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert allow("s", "b", 3, 60) and allow("other", "a", 3, 60)


def test_the_value_itself_is_never_stored() -> None:
    allow("reset-email", "alice@example.org", 3, 60)
    (row,) = RequestCounter.objects.all()
    assert "alice" not in row.key and len(row.key) == 64 and row.hits == 1


def test_a_new_window_starts_afresh_and_old_windows_are_deleted() -> None:
    def at(minute: int, second: int = 0, day: int = 1) -> dt.datetime:
        return dt.datetime(2026, 1, day, 10, minute, second, tzinfo=dt.UTC)

    assert [allow("s", "a", 1, 60, now=at(0, 30)) for _ in range(2)] == [True, False]
    assert not allow("s", "a", 1, 60, now=at(0, 59))
    assert allow("s", "a", 1, 60, now=at(1))
    assert RequestCounter.objects.count() == 2
    allow("s", "z", 1, 60, now=at(0, day=3))
    assert RequestCounter.objects.count() == 1

"""The database rate limit: counts per key and window, stores no value, forgets old windows."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

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


def test_concurrent_processes_lose_no_count(tmp_path: Path) -> None:
    """Four server processes on one SQLite file, ten requests each, one key: every request is
    counted and exactly the limit (12) is let through."""
    worker = Path(__file__).with_name("throttle_worker.py")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])
    run = [sys.executable, str(worker)]
    subprocess.run([*run, "--create"], env=env, check=True, timeout=60)
    workers = [
        subprocess.Popen([*run, "10"], env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    allowed = [int(w.communicate(timeout=60)[0]) for w in workers]
    assert [w.returncode for w in workers] == [0] * 4
    assert sum(allowed) == 12
    with sqlite3.connect(tmp_path / "shared.sqlite3") as db:
        assert db.execute("SELECT hits FROM accounts_requestcounter").fetchall() == [(40,)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_lose_no_count_on_postgresql() -> None:
    """The same race on the configured database, eight threads with their own connections."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's in-memory test database refuses concurrent writers (shared-cache table "
            "locks); the multi-process test above covers SQLite, make test runs this on PostgreSQL"
        )

    def five(_: int) -> list[bool]:
        try:
            return [allow("race", "k", 12, 3600) for _ in range(5)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [a for chunk in pool.map(five, range(8)) for a in chunk]
    assert answers.count(True) == 12
    assert RequestCounter.objects.get(scope="race").hits == 40

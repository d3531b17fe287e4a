"""SQLite as a real default: WAL, a busy timeout and IMMEDIATE write transactions, so that
concurrent writers and audited readers on one file never get "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ldnderm.web import database

THREADS = 8
ROUNDS = 10


def test_sqlite_gets_wal_a_busy_timeout_and_immediate_transactions() -> None:
    options = database.from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert "PRAGMA synchronous=NORMAL" in options["init_command"]


def test_postgresql_settings_are_left_as_parsed() -> None:
    settings = database.from_url("postgres://postgres@127.0.0.1:5432/x")
    assert "transaction_mode" not in settings.get("OPTIONS", {})
    assert settings["CONN_MAX_AGE"] == 60


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The site served by a threaded WSGI server on a new SQLite file (see sqlite_server.py)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'load.sqlite3'}"}
    env["LDNDERM_VAR_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])
    script = Path(__file__).with_name("sqlite_server.py")
    process = subprocess.Popen(
        [sys.executable, str(script)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"the server did not start (exit code {process.poll()})"
        yield json.loads(line)
    finally:
        process.kill()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def _call(port: int, token: str, method: str, path: str, body: Any = None) -> int:
    response = httpx.request(
        method,
        f"http://127.0.0.1:{port}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    return response.status_code


def test_8_threads_posting_visits_and_listing_patients_get_no_500(
    server: dict[str, Any],
) -> None:
    port, token, patient = server["port"], server["token"], server["patient_id"]
    statuses: Counter[tuple[str, int]] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def client(n: int) -> None:
        start.wait()
        for i in range(ROUNDS):
            visit = {
                "patient_id": patient,
                "visit_date": "2026-03-02",
                "notes": f"thread {n} round {i}",
                "assessments": {"itch-nrs": {"score": (n + i) % 11}},
            }
            posted = _call(port, token, "POST", "/api/v1/visits", visit)
            listed = _call(port, token, "GET", "/api/v1/patients")
            with lock:
                statuses[("POST /visits", posted)] += 1
                statuses[("GET /patients", listed)] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    expected = {
        ("POST /visits", 201): THREADS * ROUNDS,
        ("GET /patients", 200): THREADS * ROUNDS,
    }
    assert statuses == expected, f"status counts: {sorted(statuses.items())}"
    visits = _call(port, token, "GET", f"/api/v1/visits?patient_id={patient}&limit=200")
    assert visits == 200

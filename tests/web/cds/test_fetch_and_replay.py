"""Over HTTP: who may make the service fetch (SSRF), what the client is told, and the jti replay
store shared by every process. FHIR servers are stubs on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from django.test import Client

from ldnderm.web.cds.models import SeenJti
from ldnderm.web.cds.replay import DatabaseReplayStore
from tests.interop.cdshooks import fixtures as f
from tests.interop.cdshooks import keys as k
from tests.interop.cdshooks.stub_fhir import StubFhir, serve
from tests.interop.cdshooks.test_fetch import request_for, routes
from tests.web.cds.conftest import freeze_hook_clock

pytestmark = pytest.mark.db  # the replay store is a table: rerun on PostgreSQL too

BASE = "http://testserver"
SELECT = "/cds-services/naltrexone-order-select"
DISCOVERY = "/cds-services"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_hook_clock(monkeypatch)


@pytest.fixture
def stub() -> Iterator[StubFhir]:
    with serve(StubFhir(routes=routes())) as server:
        yield server


def trust(settings: Any, **extra: Any) -> None:
    settings.LDNDERM_CDS_ISSUERS = [{"iss": k.ISS, "jwks_url": k.JWKS_URL, **extra}]


def post(client: Client, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {k.token(BASE + SELECT)}"}
    return client.post(SELECT, body, content_type="application/json", headers=headers)


class TestWhoMayFetch:
    def test_an_issuer_without_fhir_servers_is_prefetch_only(
        self, client: Client, stub: StubFhir
    ) -> None:
        response = post(client, request_for(stub.base))
        assert response.status_code == 412
        assert stub.seen == []

    def test_an_allowed_loopback_server_is_fetched_from(
        self, client: Client, settings: Any, stub: StubFhir
    ) -> None:
        trust(settings, fhir_servers=[stub.base], fhir_private_networks=["127.0.0.1/32"])
        stub.routes["MedicationStatement"] = (
            200,
            f.bundle(f.statement("oxycodone", "7804"), kind="searchset"),
        )
        response = post(client, request_for(stub.base))
        assert response.status_code == 200, response.content
        assert "critical" in [c["indicator"] for c in response.json()["cards"]]
        assert {s.authorization for s in stub.seen} == {"Bearer secret-token"}

    def test_loopback_needs_the_explicit_allowance(
        self, client: Client, settings: Any, stub: StubFhir
    ) -> None:
        trust(settings, fhir_servers=[stub.base])
        assert post(client, request_for(stub.base)).status_code == 412
        assert stub.seen == []

    def test_a_server_not_on_the_list_gets_nothing(
        self, client: Client, settings: Any, stub: StubFhir
    ) -> None:
        with serve(StubFhir(routes=routes())) as other:
            trust(settings, fhir_servers=[stub.base], fhir_private_networks=["127.0.0.1/32"])
            assert post(client, request_for(other.base)).status_code == 412
            assert other.seen == []

    def test_the_client_gets_a_generic_message_and_the_log_the_details(
        self, client: Client, settings: Any, stub: StubFhir, caplog: pytest.LogCaptureFixture
    ) -> None:
        trust(settings, fhir_servers=[stub.base], fhir_private_networks=["127.0.0.1/32"])
        stub.routes.pop("MedicationRequest")  # 404: a wrong base URL looks like this
        response = post(client, request_for(stub.base))
        assert response.status_code == 412
        message = response.json()["issue"][0]["diagnostics"]
        assert "medicationRequests" in message
        for detail in ("404", "HTTP", "Error", "127.0.0.1", "secret-token"):
            assert detail not in message
        assert "HTTP 404" in caplog.text and "secret-token" not in caplog.text


class TestReplayStore:
    def test_a_replay_after_a_thousand_other_calls_is_refused(self, client: Client) -> None:
        first = k.token(BASE + DISCOVERY)
        headers = {"Authorization": f"Bearer {first}"}
        assert client.get(DISCOVERY, headers=headers).status_code == 200
        for _ in range(1000):  # RS384: the cheapest to verify, so the 1,000 calls stay fast
            other = {"Authorization": f"Bearer {k.token(BASE + DISCOVERY, 'RS384')}"}
            assert client.get(DISCOVERY, headers=other).status_code == 200
        claims = jwt.decode(first, options={"verify_signature": False})
        assert claims["exp"] > time.time(), "the replayed token must still be valid"
        replay = client.get(DISCOVERY, headers=headers)
        assert replay.status_code == 401
        assert "replay" in replay.json()["issue"][0]["diagnostics"]
        assert SeenJti.objects.count() == 1001

    def test_expired_rows_are_cleaned_and_never_block(self) -> None:
        now = [1_000_000.0]
        store = DatabaseReplayStore(clock=lambda: now[0], cleanup_every_seconds=60)
        assert store.add("iss", "a", now[0] + 10) is True
        assert store.add("iss", "a", now[0] + 10) is False
        assert store.add("other-iss", "a", now[0] + 10) is True
        now[0] += 11
        assert store.add("iss", "a", now[0] + 10) is True  # its old row had expired
        now[0] += 100
        assert store.add("iss", "b", now[0] + 10) is True  # cleanup runs first
        assert list(SeenJti.objects.values_list("jti", flat=True)) == ["b"]

    def test_a_long_jti_is_stored_by_its_hash(self) -> None:
        store = DatabaseReplayStore()
        later = datetime.now(UTC).timestamp() + 60
        assert store.add("iss", "x" * 1000, later) is True
        assert store.add("iss", "x" * 1000, later) is False
        assert store.add("iss", "x" * 999, later) is True


def test_a_replay_is_refused_by_another_process_sharing_the_database(tmp_path: Path) -> None:
    """Two server processes on one SQLite file: a token the first accepted, the second refuses
    (while it still accepts a new one)."""
    worker = Path(__file__).with_name("replay_worker.py")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])
    issuers = json.dumps([{"iss": k.ISS, "jwks": k.client_keys().jwks}])
    audience = "https://cds.example.org/cds-services"
    first, second = k.token(audience), k.token(audience)

    def process(*args: str) -> list[str]:
        command = [sys.executable, str(worker), *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert process("--create", issuers, audience, first) == ["ok"]
    claims = jwt.decode(first, options={"verify_signature": False})
    assert claims["exp"] > time.time(), "the replayed token must still be valid"
    assert process(issuers, audience, first, second) == [
        "the JWT jti was already used (replay)",
        "ok",
    ]

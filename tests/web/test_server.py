"""``ldnderm serve`` for real: gunicorn with several workers on a loopback port, behind a
(simulated) TLS proxy on 127.0.0.1.

With ``LDNDERM_TRUSTED_PROXIES=127.0.0.1`` and secure cookies, ``X-Forwarded-Proto: https``
means no redirect loop, and login throttling keys on each ``X-Forwarded-For`` client; without
the setting both headers are ignored and plain HTTP is redirected to HTTPS.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import httpx
import pytest

from ldnderm.web.server import bind_address, default_workers, options

SECRET = "a-deployment-secret-key-for-the-serve-test-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite file of its own (whatever backend the suite runs on)."""
    tmp = tmp_path_factory.mktemp("serve")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LDNDERM_")},
        "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
        "LDNDERM_VAR_DIR": str(tmp),
        "LDNDERM_SECRET_KEY": SECRET,
        "LDNDERM_SECURE_COOKIES": "true",
        "LDNDERM_ALLOWED_HOSTS": "127.0.0.1",
    }
    cli = [sys.executable, "-m", "ldnderm"]
    subprocess.run([*cli, "migrate", "-q"], env=env, check=True, timeout=300)
    return env


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "ldnderm", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", "2", "--threads", "2"]  # fmt: skip
    # The log goes to a file, never a pipe: a full pipe would stall the server.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            yield _started(base, server, log)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _started(base: str, server: subprocess.Popen[bytes], log: IO[bytes]) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/livez", timeout=1.0)
            return base
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"ldnderm serve did not start: {log.read().decode()}")
            time.sleep(0.2)


class Browser:
    """A client that sends its (Secure) cookies over the loopback's plain HTTP, as a browser
    talking HTTPS to the proxy would."""

    def __init__(self, base: str, forwarded_for: str) -> None:
        self.base = base
        self.headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": forwarded_for,
            "Origin": "https://" + base.removeprefix("http://"),
            "Referer": "https://" + base.removeprefix("http://") + "/accounts/login/",
        }
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = self.headers | ({"Cookie": cookie} if cookie else {})
        response = httpx.request(method, self.base + path, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]
        for raw in response.headers.get_list("set-cookie"):
            name, _, rest = raw.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def fail_login(self, username: str) -> int:
        page = self.request("GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, page.text[:500]
        form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": "no"}
        return self.request("POST", "/accounts/login/", data=form).status_code


def test_the_migration_creates_the_shared_cache_table(database: dict[str, str]) -> None:
    path = database["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert "ldnderm_cache" in names
    assert mode == "wal"


def test_behind_a_trusted_proxy_https_is_seen_and_each_client_is_throttled_alone(
    database: dict[str, str],
) -> None:
    with serving(database | {"LDNDERM_TRUSTED_PROXIES": "127.0.0.1"}) as base:
        page = httpx.get(base + "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert page.status_code == 200  # no redirect (loop) to https
        assert "Strict-Transport-Security" in page.headers
        plain = httpx.get(base + "/accounts/login/")
        assert plain.status_code == 301
        assert plain.headers["Location"].startswith("https://")

        one, other = Browser(base, "203.0.113.7"), Browser(base, "198.51.100.20")
        codes = [one.fail_login("alice") for _ in range(5)]
        assert codes == [200, 200, 200, 200, 429]
        assert other.fail_login("alice") == 200  # the same account, another client
        assert one.fail_login("alice") == 429


def test_without_the_setting_the_forwarded_headers_are_ignored(database: dict[str, str]) -> None:
    with serving(database) as base:
        page = httpx.get(
            base + "/accounts/login/",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"},
        )
        assert page.status_code == 301
        assert page.headers["Location"] == base.replace("http://", "https://") + (
            "/accounts/login/"
        )


def test_gunicorn_is_given_the_trusted_proxies_and_one_worker_per_cpu() -> None:
    settings = options("::1", 8000, default_workers(), 4, "10.0.0.0/8")
    assert settings["bind"] == ["[::1]:8000"] and bind_address("127.0.0.1", 80) == "127.0.0.1:80"
    assert settings["forwarded_allow_ips"] == "10.0.0.0/8"
    assert settings["workers"] == len(os.sched_getaffinity(0))
    assert settings["worker_class"] == "gthread" and settings["control_socket_disable"] is True


def test_the_gunicorn_application_loads_the_site() -> None:
    from ldnderm.web.server import Server
    from ldnderm.web.wsgi import application

    server = Server(options("127.0.0.1", 8000, 2, 4, "10.0.0.0/8, 192.0.2.1"))
    assert server.cfg.workers == 2 and server.cfg.threads == 4
    assert server.cfg.forwarded_allow_ips == ["10.0.0.0/8", "192.0.2.1"]
    assert server.load() is application


def test_serve_passes_the_trusted_proxies_to_gunicorn(
    settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ipaddress

    from ldnderm.web import runtime, server

    settings.LDNDERM_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    started: list[Any] = []
    monkeypatch.setattr(server.Server, "run", lambda self: started.append(self.cfg))
    runtime.serve("127.0.0.1", 8123, workers=None, threads=3)
    (cfg,) = started
    assert cfg.forwarded_allow_ips == ["10.0.0.0/8"] and cfg.threads == 3
    assert cfg.workers == default_workers() and cfg.bind == ["127.0.0.1:8123"]
    assert "ldnderm serving on http://127.0.0.1:8123/" in capsys.readouterr().out

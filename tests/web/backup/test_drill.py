"""The restore drill, on the backend the suite runs on (SQLite, then PostgreSQL under
``make test``), through the CLI as an operator runs it:

1. a new database, migrated, with the demo data loaded;
2. a writer process keeps creating patients (and their audit events) throughout;
3. ``ldnderm backup`` while it writes;
4. ``ldnderm restore`` into another new database;
5. every table's row count and checksum, recomputed on the restored database, equal the
   manifest's; every patient committed before the backup started is there; the writer went on
   after the backup (so the backup was of a moving database), and the restored database takes
   new writes (sequences restored).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

pytestmark = pytest.mark.db

WORKER = Path(__file__).with_name("drill_worker.py")
CLI = [sys.executable, "-m", "ldnderm"]
ROOT = Path(__file__).resolve().parents[3]


def _env(url: str, var_dir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("LDNDERM_")},
        "DATABASE_URL": url,
        "LDNDERM_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "ldnderm.web.settings",
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new, empty databases on the suite's backend: the site's and the restore target."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}", f"sqlite:///{tmp_path / 'new.sqlite3'}"
        return
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "ldnderm"
    names = [f"{base}_drill_{os.getpid()}_{role}" for role in ("site", "new")]
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as db:
        for name in names:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
    try:
        site, new = (urlunsplit(parts._replace(path=f"/{n}")) for n in names)
        yield site, new
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            for name in names:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done.stdout


class Writer:
    """The writer process and the MRNs it has committed so far."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), "write"], env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.committed: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.committed.append(line.strip())

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while len(self.committed) < count:
            assert self.process.poll() is None, "the writer stopped"
            assert time.monotonic() < deadline, "the writer is too slow"
            time.sleep(0.05)

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


def test_a_backup_taken_while_the_site_writes_restores_to_its_snapshot(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    site_url, new_url = databases
    site, new = _env(site_url, tmp_path), _env(new_url, tmp_path)
    _run([*CLI, "migrate", "-q"], site)
    _run([*CLI, "demo", "--json"], site)

    writer = Writer(site)
    try:
        writer.wait_for(20)
        before = list(writer.committed)  # committed before the backup started
        archive = tmp_path / "site.backup"
        manifest = json.loads(_run([*CLI, "backup", str(archive), "--json"], site))
        after_backup = len(writer.committed)
        writer.wait_for(after_backup + 20)  # the site goes on writing after the backup
    finally:
        writer.stop()

    assert _run([*CLI, "backup", "verify", str(archive)], site).startswith("verified")
    restored = json.loads(_run([*CLI, "restore", str(archive), "--json"], new))
    assert restored["tables"] == manifest["tables"]

    # Recomputed independently of the restore's own check.
    stats = json.loads(_run([sys.executable, str(WORKER), "stats"], new))
    assert stats == manifest["tables"]
    assert manifest["tables"]["registry_patient"]["rows"] > 50  # the demo data is in
    present = set(json.loads(_run([sys.executable, str(WORKER), "mrns"], new)))
    assert set(before) <= present, "a patient committed before the backup is missing"
    assert len(present) < len(writer.committed), "the site was written to after the backup"
    assert present == set(writer.committed[: len(present)]), "the snapshot is a prefix"

    live = json.loads(_run([sys.executable, str(WORKER), "stats"], site))
    assert live["registry_patient"]["rows"] > manifest["tables"]["registry_patient"]["rows"]
    assert manifest["backend"] == ("postgresql" if site_url.startswith("postgres") else "sqlite")
    # The restored audit trail verifies and reaches the head recorded in the snapshot.
    assert manifest["audit_head"] and manifest["audit_head"] != f"0:{'0' * 64}"
    verified = _run([*CLI, "audit", "verify", "--head", manifest["audit_head"], "--json"], new)
    assert json.loads(verified)["ok"] is True
    assert json.loads(verified)["head"]["head"] == manifest["audit_head"]

    _run([sys.executable, str(WORKER), "write", "3"], new)  # the restored database takes writes
    assert len(json.loads(_run([sys.executable, str(WORKER), "mrns"], new))) == len(present) + 3

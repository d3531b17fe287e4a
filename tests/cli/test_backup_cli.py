"""``ldnderm backup``, ``backup verify`` and ``restore`` as an operator runs them, on SQLite
files of their own: what they refuse (exit 2, one line naming FILE or DATABASE_URL) and a
backup whose manifest does not match its database (exit 1, the target left empty)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest


def run(db: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDNDERM_")}
    env |= {"DATABASE_URL": url, "LDNDERM_VAR_DIR": str(Path(str(db)).parent)}
    return subprocess.run(
        [sys.executable, "-m", "ldnderm", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A migrated database and a backup of it."""
    tmp = tmp_path_factory.mktemp("backup-cli")
    db, backup = tmp / "site.sqlite3", tmp / "site.backup"
    assert run(db, "migrate", "-q").returncode == 0
    done = run(db, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backed up to {backup}: sqlite, ")
    return db, backup


def test_verify_reads_a_good_backup(site: tuple[Path, Path]) -> None:
    done = run(site[0], "backup", "verify", str(site[1]), "--json")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    assert manifest["backend"] == "sqlite" and "django_migrations" in manifest["tables"]
    assert manifest["file"] == str(site[1])


def test_a_backup_never_overwrites_a_file(site: tuple[Path, Path]) -> None:
    done = run(site[0], "backup", str(site[1]))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"ldnderm: FILE: {site[1]} exists; a backup never overwrites: choose a new name"
    )


def test_a_missing_database_is_not_backed_up(tmp_path: Path) -> None:
    done = run(tmp_path / "none.sqlite3", "backup", str(tmp_path / "b"))
    assert (
        done.returncode == 2
        and "DATABASE_URL:" in done.stderr
        and "nothing to back up" in done.stderr
    )
    assert not (tmp_path / "b").exists()


def test_restore_refuses_a_database_that_is_not_empty(site: tuple[Path, Path]) -> None:
    done = run(site[0], "restore", str(site[1]))
    assert done.returncode == 2
    assert "DATABASE_URL:" in done.stderr and "is not empty" in done.stderr


def test_restore_refuses_a_file_that_is_no_backup(site: tuple[Path, Path], tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_text("not a backup")
    done = run(tmp_path / "new.sqlite3", "restore", str(junk))
    assert done.returncode == 2 and "not a tar file" in done.stderr


def test_restore_refuses_a_backup_of_another_backend(site: tuple[Path, Path]) -> None:
    done = run("postgres://nobody@127.0.0.1:9/none", "restore", str(site[1]))
    assert done.returncode == 2
    assert "is a sqlite backup; DATABASE_URL is a postgresql database" in done.stderr


def _with_forged_checksum(backup: Path, forged: Path) -> None:
    with tarfile.open(backup) as src, tarfile.open(forged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest["tables"]["django_migrations"]["checksum"] = "0" * 64
                content = json.dumps(manifest).encode()
                member.size = len(content)
            dst.addfile(member, io.BytesIO(content))


def test_a_manifest_that_does_not_match_stops_the_restore_before_the_target(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    forged, target = tmp_path / "forged.backup", tmp_path / "new.sqlite3"
    _with_forged_checksum(site[1], forged)
    verified = run(target, "backup", "verify", str(forged))
    assert verified.returncode == 1
    assert "table django_migrations: content differs" in verified.stderr
    done = run(target, "restore", str(forged))
    assert done.returncode == 1
    assert "does not match its manifest: table django_migrations: content differs" in done.stderr
    if target.exists():
        with sqlite3.connect(target) as db:
            assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_the_commands_in_process_print_a_summary_or_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ldnderm.cli.app import app
    from ldnderm.web.backup import commands

    db, new = tmp_path / "site.sqlite3", tmp_path / "new.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    monkeypatch.setattr(commands, "_backend", lambda: "sqlite")
    monkeypatch.setattr(commands, "_sqlite_path", lambda: db)
    runner = CliRunner()
    made = runner.invoke(app, ["backup", str(tmp_path / "b"), "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["tables"] == {"t": {"rows": 0, "checksum": "0" * 64}}
    checked = runner.invoke(app, ["backup", "verify", str(tmp_path / "b")])
    assert checked.exit_code == 0 and checked.output.startswith(f"verified {tmp_path / 'b'}")
    assert "audit head: not recorded" in checked.output
    monkeypatch.setattr(commands, "_sqlite_path", lambda: new)
    restored = runner.invoke(app, ["restore", str(tmp_path / "b")])
    assert restored.exit_code == 0 and "sqlite, 1 tables, 0 rows" in restored.output

"""Backup, verify and restore of a SQLite database, in process (``commands`` and ``sqlite``);
the same through the CLI, and on PostgreSQL, is the drill (``test_drill.py``)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.version import knowledge_version
from ldnderm.web.backup import commands, sqlite
from ldnderm.web.backup.checksums import TableStat
from ldnderm.web.backup.errors import BackupError
from ldnderm.web.backup.manifest import Manifest


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite database in WAL mode, as the site runs it, standing in for DATABASE_URL."""
    path = tmp_path / "site.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE patient (id INTEGER PRIMARY KEY, name TEXT, born INTEGER)")
        db.execute("CREATE TABLE empty (id INTEGER PRIMARY KEY)")
        db.executemany(
            "INSERT INTO patient VALUES (?, ?, ?)", [(i, f"p{i}", 1980) for i in range(50)]
        )
        db.commit()
    monkeypatch.setattr(commands, "_backend", lambda: "sqlite")
    monkeypatch.setattr(commands, "_sqlite_path", lambda: path)
    return path


def test_a_backup_records_every_table_and_the_versions(site: Path, tmp_path: Path) -> None:
    manifest = commands.backup(tmp_path / "b.backup")
    assert manifest.backend == "sqlite" and manifest.payload == "database.sqlite3"
    assert manifest.knowledge_version == knowledge_version()
    assert manifest.tables["patient"].rows == 50 and manifest.tables["empty"].rows == 0
    assert manifest.tables == sqlite.stats(site)
    assert manifest.audit_head is None  # a database without an audit trail has no head
    assert commands.verify(tmp_path / "b.backup") == manifest
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_a_restore_reproduces_every_table(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = commands.backup(tmp_path / "b.backup")
    with closing(sqlite3.connect(site)) as db:  # the site goes on after the backup
        db.execute("INSERT INTO patient VALUES (99, 'late', 1990)")
        db.commit()
    target = tmp_path / "restored" / "new.sqlite3"
    monkeypatch.setattr(commands, "_sqlite_path", lambda: target)
    assert commands.restore(tmp_path / "b.backup") == manifest
    assert sqlite.stats(target) == manifest.tables
    with closing(sqlite3.connect(target)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT count(*) FROM patient WHERE id = 99").fetchone() == (0,)


def test_restore_refuses_a_database_that_is_not_empty(site: Path, tmp_path: Path) -> None:
    commands.backup(tmp_path / "b.backup")
    with pytest.raises(InvalidInput, match=r"is not empty \(2 tables\)") as caught:
        commands.restore(tmp_path / "b.backup")
    assert caught.value.field == "DATABASE_URL"


def test_restore_into_an_existing_empty_file_works(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands.backup(tmp_path / "b.backup")
    target = tmp_path / "empty.sqlite3"
    sqlite3.connect(target).close()
    monkeypatch.setattr(commands, "_sqlite_path", lambda: target)
    assert commands.restore(tmp_path / "b.backup").tables == sqlite.stats(target)


def test_a_backup_of_another_backend_is_refused(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands.backup(tmp_path / "b.backup")
    monkeypatch.setattr(commands, "_backend", lambda: "postgresql")
    with pytest.raises(InvalidInput, match="is a sqlite backup; DATABASE_URL is a postgresql"):
        commands.restore(tmp_path / "b.backup")


def test_a_backup_never_goes_to_a_missing_directory(site: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist") as caught:
        commands.backup(tmp_path / "no" / "b.backup")
    assert caught.value.field == "FILE"


def test_a_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="nothing to back up"):
        sqlite.snapshot(tmp_path / "none.sqlite3", tmp_path / "copy")


def test_many_differences_are_summarised(site: Path) -> None:
    tables = {f"t{i:02}": TableStat(rows=1, checksum="0" * 64) for i in range(12)}
    manifest = Manifest("sqlite", "t", "v", "k", "database.sqlite3", "0", tables)
    with pytest.raises(BackupError, match=r"table t09: missing; \.\.\.$"):
        commands._check(manifest, {}, "the restored database")


def test_a_corrupt_copy_is_not_archived(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    with closing(sqlite3.connect(broken)) as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(i, "x" * 500) for i in range(200)])
        db.execute("CREATE INDEX t_v ON t (v)")
        db.commit()
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(broken.read_bytes())
    data[page_size * 3 : page_size * 3 + 200] = b"\xff" * 200  # damage a b-tree page
    broken.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="database disk image is malformed"):
        sqlite.snapshot(broken, tmp_path / "copy")

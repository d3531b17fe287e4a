"""Finding the PostgreSQL client tools (``ldnderm.web.backup.postgres``); the dump and restore
themselves are exercised by the drill (``test_drill.py``) on PostgreSQL."""

from __future__ import annotations

import pytest

from ldnderm.web.backup import postgres
from ldnderm.web.backup.errors import BackupError


def test_the_postgresql_tools_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("glob.glob", lambda pattern: [])
    with pytest.raises(BackupError, match="pg_dump was not found: install the PostgreSQL client"):
        postgres.find_tool("pg_dump")


def test_the_newest_debian_postgresql_tools_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    found = ["/usr/lib/postgresql/9/bin/pg_dump", "/usr/lib/postgresql/16/bin/pg_dump"]
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("glob.glob", lambda pattern: found)
    assert postgres.find_tool("pg_dump") == "/usr/lib/postgresql/16/bin/pg_dump"

"""The ``DATABASES["default"]`` entry from ``DATABASE_URL``.

SQLite is the embedded default for one clinic, so it is configured to serve concurrent requests
(several threads, and several server processes sharing the file):

- ``journal_mode=WAL``: readers never block the writer, nor the writer the readers;
- ``synchronous=NORMAL``: safe with WAL (a power cut may lose the last commits, never corrupt);
- a busy timeout (``timeout``, seconds): a writer waits for the one before it instead of failing;
- ``transaction_mode="IMMEDIATE"``: every ``transaction.atomic()`` takes the write lock when it
  begins. Under the default (deferred) mode a transaction that reads and then writes (an
  audited list reads patients, then appends its audit events) upgrades its lock part-way, and
  when another writer got there first SQLite answers "database is locked" at once, without
  waiting: two such transactions would deadlock, so one of them must fail.
"""

from __future__ import annotations

from typing import Any

import dj_database_url

SQLITE_ENGINE = "django.db.backends.sqlite3"
SQLITE_BUSY_TIMEOUT_SECONDS = 20
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def from_url(url: str) -> dict[str, Any]:
    """Django's settings for the database at ``url`` (SQLite gets the options above)."""
    settings: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if settings["ENGINE"] == SQLITE_ENGINE:
        settings["OPTIONS"] = {
            **settings.get("OPTIONS", {}),
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            "init_command": "; ".join(SQLITE_PRAGMAS),
        }
    return settings

"""Shared pytest configuration. Hypothesis runs a fixed profile so CI is repeatable.

Passwords are hashed with Django's MD5 hasher in the tests (test-only: it is fast and weak);
production hashes with Argon2, which ``tests/web/test_site.py`` checks against the production
settings. Argon2 took about 40% of the suite's time before. The PostgreSQL test-database flush
is allowed to TRUNCATE the audit table (:mod:`ldnderm.web.audit.testing`). The parsed-knowledge
cache goes under the checkout's ``var/`` (and to the CLI subprocesses the tests start), never
into the user's home, unless ``LDNDERM_CACHE_DIR`` is already set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ldnderm",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ldnderm")

os.environ.setdefault(
    "LDNDERM_CACHE_DIR", str(Path(__file__).resolve().parents[1] / "var" / "knowledge-cache")
)

TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config: Any) -> None:
    from django.conf import settings as django_settings

    from ldnderm.web.audit.testing import allow_test_flush

    django_settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    # The test-database flush (TRUNCATE on PostgreSQL) may empty the audit table; nothing else.
    allow_test_flush()


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """``db`` and ``django_db`` go together: every database test reruns on PostgreSQL."""
    for item in items:
        if item.get_closest_marker("django_db") and not item.get_closest_marker("db"):
            item.add_marker(pytest.mark.db)
        elif item.get_closest_marker("db") and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)

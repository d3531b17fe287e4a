"""The database cache works in the migrated database, so every server process shares it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.db


def test_the_database_cache_table_exists_and_is_shared() -> None:
    cache.set("ldnderm-test-key", {"n": 1}, timeout=60)
    assert cache.get("ldnderm-test-key") == {"n": 1}
    from django.db import connection

    assert "ldnderm_cache" in connection.introspection.table_names()

"""Shared pytest configuration. Hypothesis runs a fixed profile so CI is repeatable."""

from __future__ import annotations

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


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """``db`` and ``django_db`` go together: every database test reruns on PostgreSQL."""
    for item in items:
        if item.get_closest_marker("django_db") and not item.get_closest_marker("db"):
            item.add_marker(pytest.mark.db)
        elif item.get_closest_marker("db") and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)

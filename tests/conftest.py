"""Shared pytest configuration. Hypothesis runs a fixed profile so CI is repeatable."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ldnderm", max_examples=150, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ldnderm")

"""Web test set-up: the static root exists so WhiteNoise does not warn (warnings are errors)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def pytest_configure() -> None:
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

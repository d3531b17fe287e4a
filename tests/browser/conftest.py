"""Playwright (Python) driving Debian's chromium at /usr/bin/chromium: never a downloaded browser.

Screenshots go to ``test-output/``. Outside CI a machine without chromium skips these tests with
the reason printed; under ``CI=true`` a missing chromium is a failure, not a skip.
"""

from __future__ import annotations

import base64
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
# (creating users and patients) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        reason = "Debian's chromium is not installed (make test installs it with apt)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-output/ and return its path."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def authenticator_code(secret: str, not_before_step: int = -1) -> str:
    """What an authenticator app holding ``secret`` (base32, as the enrol page prints it) shows
    now (RFC 6238: 30 s steps, 6 digits), or at the first step after ``not_before_step`` when the
    current one was used already (django-otp accepts one step of drift)."""
    from django_otp.oath import hotp

    key = base64.b32decode(secret.replace(" ", ""))
    step = max(int(time.time()) // 30, not_before_step + 1)
    return f"{hotp(key, step, digits=6):06d}"

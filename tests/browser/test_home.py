"""A person opens the site in a real browser, logs in and out."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.web.accounts.models import User
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_with_local_styles_and_no_external_requests(
    live_server: Any, page: Any
) -> None:
    external: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url)
    )
    page.goto(live_server.url + "/")
    assert "naltrexone" in page.inner_text("main").lower()
    # the vendored stylesheet applied: the header is laid out as flex
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).display") == "flex"
    assert external == []
    assert screenshot(page, "home").stat().st_size > 0


def test_a_user_logs_in_and_out(live_server: Any, page: Any) -> None:
    User.objects.create_user("carol", password="a long enough passphrase")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", "a long enough passphrase")
    page.click("button[type=submit]")
    assert page.inner_text(".who") == "carol"
    page.click("text=Log out")
    page.wait_for_selector("text=Log in")

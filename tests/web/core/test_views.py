"""Site-wide navigation: where a log-in lands, who sees which links, the admin's log-in only for
administrators, branded 404 and 500 pages, a local favicon and a skip link."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from ldnderm.web.accounts.models import User
from ldnderm.web.core.views import server_error
from tests.web.registry.personas import PASSWORD, login

pytestmark = pytest.mark.db


def test_a_log_in_lands_on_the_dashboard(alice: User) -> None:
    response = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/registry/"


def test_researchers_see_no_patients_link_and_clinicians_do(alice: User, rita: User) -> None:
    assert ">Patients</a>" in login(alice).get("/").content.decode()
    page = login(rita).get("/registry/").content.decode()
    assert ">Patients</a>" not in page and "/registry/patients/" not in page
    assert ">Dashboard</a>" in page


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/audit/auditevent/"])
def test_a_signed_in_non_admin_never_gets_the_admin_log_in(alice: User, path: str) -> None:
    response = login(alice).get(path, follow=True)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Django administration" not in body


def test_staff_of_the_admin_still_log_in_there() -> None:
    User.objects.create_superuser("root", password=PASSWORD)
    anonymous = Client().get("/admin/login/")
    assert anonymous.status_code == 200 and "Django administration" in anonymous.content.decode()
    root = Client()
    root.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert root.get("/admin/").status_code == 200


def test_the_404_page_is_branded_with_a_way_back(alice: User) -> None:
    response = login(alice).get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and 'class="brand"' in body
    assert 'href="/registry/"' in body and "Skip to main content" in body


def test_the_500_page_is_branded_and_needs_no_request_context() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "ldnderm/favicon.svg" in body
    assert "Traceback" not in body


def test_every_page_has_a_local_favicon_and_a_skip_link_to_main() -> None:
    body = Client().get("/").content.decode()
    assert '<link rel="icon" href="/static/ldnderm/favicon.svg"' in body
    assert '<a class="skip-link" href="#main">' in body and '<main id="main"' in body
    favicon = Client().get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"] == "/static/ldnderm/favicon.svg"

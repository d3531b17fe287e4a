"""Behind a trusted reverse proxy the site sees the client's address and scheme; from any other
peer, X-Forwarded-For and X-Forwarded-Proto are ignored (``ldnderm.web.core.proxy``)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from ldnderm.web.core.proxy import (
    PROXY_ADDR,
    TrustedProxyMiddleware,
    client_address,
    client_ip,
    forwarded_scheme,
    parse_address,
)

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8:1::/48"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("203.0.113.7:5100", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:10.1.2.3", "10.1.2.3"),
        ("unknown", None),
        ("proxy.example.org", None),
        ("", None),
    ],
)
def test_addresses_are_read_as_proxies_write_them(text: str, expected: str | None) -> None:
    address = parse_address(text)
    assert (None if address is None else str(address)) == expected


def test_the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy() -> None:
    # client 203.0.113.7 -> proxy 10.0.0.2 -> proxy 10.0.0.1 -> site
    assert client_address("10.0.0.1", "203.0.113.7, 10.0.0.2", PROXIES) == "203.0.113.7"


def test_addresses_a_client_wrote_itself_are_never_believed() -> None:
    # The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended the real peer.
    assert client_address("10.0.0.1", "198.51.100.1, 203.0.113.7", PROXIES) == "203.0.113.7"


def test_a_request_from_the_proxy_itself_is_the_proxy() -> None:
    assert client_address("10.0.0.1", "", PROXIES) == "10.0.0.1"


def test_a_chain_of_trusted_proxies_only_ends_at_its_leftmost() -> None:
    assert client_address("10.0.0.1", "10.9.9.9, 10.0.0.2", PROXIES) == "10.9.9.9"


def test_an_unreadable_hop_ends_the_walk_at_the_proxy_that_passed_it_on() -> None:
    assert client_address("10.0.0.1", "203.0.113.7, garbage, 10.0.0.2", PROXIES) == "10.0.0.2"


def test_an_untrusted_peer_is_the_client_whatever_it_claims() -> None:
    assert client_address("198.51.100.9", "203.0.113.7", PROXIES) == "198.51.100.9"


def test_ipv6_proxies_and_clients() -> None:
    assert client_address("2001:db8:1::5", "2001:db8:2::7", PROXIES) == "2001:db8:2::7"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("https", "https"), ("HTTPS", "https"), ("http", "http"), ("http, https", "https"),
     ("gopher", None), ("", None)],
)  # fmt: skip
def test_the_scheme_is_the_nearest_proxys_value(header: str, expected: str | None) -> None:
    assert forwarded_scheme(header) == expected


def _through(settings: Any, proxies: tuple[Any, ...] = PROXIES, **meta: str) -> HttpRequest:
    """The request as the view sees it after the middleware."""
    settings.LDNDERM_TRUSTED_PROXIES = proxies
    seen: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.META.update(meta)
    TrustedProxyMiddleware(view)(request)
    return seen[0]


def test_from_a_trusted_proxy_the_address_and_scheme_are_the_clients(settings: Any) -> None:
    request = _through(
        settings,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert request.META["REMOTE_ADDR"] == "203.0.113.7"
    assert request.META[PROXY_ADDR] == "10.0.0.1"
    assert request.is_secure() and request.scheme == "https"
    assert client_ip(request) == "203.0.113.7"


def test_from_any_other_peer_the_headers_are_dropped(settings: Any) -> None:
    request = _through(
        settings,
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert request.META["REMOTE_ADDR"] == "198.51.100.9"
    assert "HTTP_X_FORWARDED_FOR" not in request.META
    assert "HTTP_X_FORWARDED_PROTO" not in request.META
    assert not request.is_secure()


def test_with_no_trusted_proxy_configured_nobody_is_believed(settings: Any) -> None:
    request = _through(settings, (), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert request.META["REMOTE_ADDR"] == "10.0.0.1"
    assert "HTTP_X_FORWARDED_FOR" not in request.META


def test_the_deprecated_setting_keeps_its_meaning(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = _through(settings, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_PROTO="https")
    assert request.is_secure()  # as LDNDERM_TRUST_PROXY_HTTPS always did
    assert "HTTP_X_FORWARDED_FOR" not in request.META


@pytest.mark.django_db
def test_login_throttling_keys_on_the_forwarded_client(settings: Any) -> None:
    """The fifth failure locks one client out (429); another client behind the same proxy, for
    the same username, can still try."""
    settings.LDNDERM_TRUSTED_PROXIES = PROXIES

    def attempt(client_addr: str) -> int:
        response = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_addr).post(
            "/accounts/login/", {"username": "alice", "password": "wrong"}
        )
        return response.status_code

    for _ in range(4):
        assert attempt("203.0.113.7") == 200
    assert attempt("203.0.113.7") == 429
    assert attempt("198.51.100.20") == 200
    assert attempt("203.0.113.7") == 429

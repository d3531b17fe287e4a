"""The client's address and scheme behind a reverse proxy (``LDNDERM_TRUSTED_PROXIES``).

A request whose peer (``REMOTE_ADDR``) is one of the trusted proxies is taken to come from the
rightmost address in ``X-Forwarded-For`` that is not itself a trusted proxy (each proxy appends
the peer it saw, so everything left of that hop was written by the client and proves nothing),
and to have arrived over the scheme in ``X-Forwarded-Proto``. From any other peer both headers
are removed, so nothing further down (django-axes, the audit trail, Django's ``is_secure``) can
be fooled by a client that sets them itself.

The one exception is the deprecated ``LDNDERM_TRUST_PROXY_HTTPS``, under which Django's
``SECURE_PROXY_SSL_HEADER`` believes ``X-Forwarded-Proto`` from any peer, as it always did.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ldnderm.web.config import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
FORWARDED_PROTO = "HTTP_X_FORWARDED_PROTO"
PROXY_ADDR = "ldnderm.proxy_addr"  # the trusted proxy's own address, kept in META


def parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it: ``203.0.113.7``, ``2001:db8::1``, ``[2001:db8::1]:443``
    or ``203.0.113.7:5100``; ``None`` for anything else (``unknown``, a host name, garbage)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 on a dual-stack socket is 10.0.0.1
    return address


def is_trusted(address: IPAddress | None, proxies: Sequence[IPNetwork]) -> bool:
    return address is not None and any(
        address.version == net.version and address in net for net in proxies
    )


def client_address(peer: str, forwarded_for: str, proxies: Sequence[IPNetwork]) -> str:
    """The client's address for a request from ``peer`` carrying ``forwarded_for``.

    Walks ``forwarded_for`` from the right over trusted proxies; the first hop that is not one
    is the client. An unreadable hop ends the walk at the last address that was readable (the
    proxy that passed it on), and a chain made only of trusted proxies ends at its leftmost.
    """
    current = peer
    if not is_trusted(parse_address(peer), proxies):
        return peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = parse_address(hop)
        if address is None:
            return current
        current = str(address)
        if not is_trusted(address, proxies):
            return current
    return current


def forwarded_scheme(forwarded_proto: str) -> str | None:
    """``https`` or ``http`` from the header the nearest proxy set (its last value), else
    ``None``."""
    values = [v.strip().lower() for v in forwarded_proto.split(",") if v.strip()]
    if values and values[-1] in {"http", "https"}:
        return values[-1]
    return None


class TrustedProxyMiddleware:
    """Rewrite ``REMOTE_ADDR`` and the WSGI scheme from a trusted proxy's headers; drop the
    headers otherwise. Must come first in ``MIDDLEWARE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies: tuple[IPNetwork, ...] = tuple(settings.LDNDERM_TRUSTED_PROXIES)
        # Under the deprecated setting Django reads X-Forwarded-Proto itself: leave it be.
        self.keep_proto = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = str(meta.get("REMOTE_ADDR", ""))
        if is_trusted(parse_address(peer), self.proxies):
            meta[PROXY_ADDR] = peer
            meta["REMOTE_ADDR"] = client_address(
                peer, str(meta.get(FORWARDED_FOR, "")), self.proxies
            )
            scheme = forwarded_scheme(str(meta.get(FORWARDED_PROTO, "")))
            if scheme is not None:
                meta["wsgi.url_scheme"] = scheme
        else:
            meta.pop(FORWARDED_FOR, None)
            if not self.keep_proto:
                meta.pop(FORWARDED_PROTO, None)
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the site knows it (after :class:`TrustedProxyMiddleware`):
    django-axes keys login throttling on it (``AXES_CLIENT_IP_CALLABLE``)."""
    return request.META.get("REMOTE_ADDR") or None

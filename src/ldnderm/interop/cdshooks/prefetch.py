"""Prefetch: filling the service's FHIR queries from the request, or from the FHIR server.

CDS Hooks 2.0 rules (``current.md`` section Prefetch): a key the client chose not to satisfy is
*omitted*; a key whose query found nothing is ``null``. When data the service needs is missing
and cannot be fetched, the answer is 412; a missing optional key is named in the cards. Data
that could not be read is never "no data": a prefetch key holding an OperationOutcome, a
resource of another type than the query asks for, or a Bundle with a ``next`` link that was not
followed counts as missing, and so does a query the server answers with 4xx or 5xx.

Fetching (:func:`http_fetcher`) happens only for an issuer with an allow-list of FHIR base URLs
(:class:`FetchPolicy`); it

- refuses any ``fhirServer`` not on the list, and any URL that leaves the base (another host,
  scheme or port, or a ``..`` segment, even percent-encoded): the access token goes only there;
- resolves the host and refuses it when any of its addresses is loopback, link-local, private,
  multicast, reserved or unspecified, unless the issuer explicitly allows that network; the
  connection then goes to the address that was checked (no second DNS answer);
- follows no redirects; follows Bundle ``next`` links up to :data:`MAX_PAGES` pages;
- limits time (connect 1 s, read 2 s, :data:`TOTAL_SECONDS` for all queries and pages) and
  size (:data:`MAX_BYTES` per key, counted while the body streams in, never after);
- logs the details of a failure (status, exception name) and tells the client only which keys
  are missing.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, unquote

import httpx

from ldnderm.interop.cdshooks.errors import PrefetchUnavailable
from ldnderm.interop.cdshooks.fhirjson import JsonDict
from ldnderm.interop.cdshooks.models import FhirAuthorization, HookRequest

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\{\{\s*([A-Za-z][\w.]*)\s*\}\}")
_USER_TOKENS = {
    "userPractitionerId": "Practitioner",
    "userPractitionerRoleId": "PractitionerRole",
    "userPatientId": "Patient",
    "userRelatedPersonId": "RelatedPerson",
}
TIMEOUT = httpx.Timeout(connect=1.0, read=2.0, write=1.0, pool=1.0)
TOTAL_SECONDS = 3.0
MAX_BYTES = 5_000_000
MAX_PAGES = 10
NOT_FETCHED = "they could not be fetched from fhirServer"
NO_SERVER = "the request has no fhirServer to fetch them from"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]


@dataclass(frozen=True)
class Prefetched:
    """Resolved prefetch data: ``data`` by key (``None`` = no data), ``missing`` optional keys."""

    data: dict[str, JsonDict | None]
    missing: tuple[str, ...]
    fetched: tuple[str, ...]


class FhirFetcher(Protocol):
    """Fetches ``queries`` (key -> relative query) from ``base_url``.

    Returns the keys it could read; a key that failed is left out (its details are logged),
    so the caller counts it as missing.
    """

    def __call__(
        self, base_url: str, auth: FhirAuthorization | None, queries: Mapping[str, str]
    ) -> dict[str, JsonDict | None]: ...


def render(template: str, context: Mapping[str, Any]) -> str | None:
    """Fill ``{{context.x}}`` and ``{{userPractitionerId}}``-style tokens; ``None`` if one lacks.

    Only top-level primitive context fields may be used, as the spec says. Token values are
    URL-encoded (a value cannot add a parameter or a path segment), and so is the ``|`` of a
    ``system|code`` token search in the template itself.
    """
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        value: Any = None
        if name.startswith("context."):
            value = context.get(name.removeprefix("context."))
        elif name in _USER_TOKENS:
            user = str(context.get("userId", ""))
            kind, _, ident = user.partition("/")
            value = ident if kind == _USER_TOKENS[name] else None
        if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
            missing = True
            return ""
        return quote(str(value), safe="")

    out = _TOKEN.sub(fill, template.replace("|", "%7C"))
    return None if missing else out


def expected_type(template: str) -> str:
    """``"Bundle"`` for a search template, else the resource type of a read (``Patient/{id}``)."""
    path = template.split("?", 1)[0].strip("/")
    if "?" in template or "/" not in path:
        return "Bundle"
    return path.split("/", 1)[0]


def unusable(template: str, value: Any) -> str | None:
    """Why a prefetch value cannot stand for its query's answer, or ``None`` when it can.

    ``None`` (the query found nothing) is usable; an OperationOutcome, a resource of another
    type, or a Bundle with a ``next`` link (more pages not read) is not.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        return "not a FHIR resource"
    kind = value.get("resourceType")
    if kind == "OperationOutcome":
        return "an OperationOutcome instead of data"
    want = expected_type(template)
    if kind != want:
        return f"a {kind!s} where a {want} was expected"
    if kind == "Bundle" and _next_link(value) is not None:
        return "a Bundle with a next page that was not read"
    return None


def resolve(
    request: HookRequest,
    templates: Mapping[str, str],
    required: Sequence[str],
    fetcher: FhirFetcher | None,
) -> Prefetched:
    """Prefetch data for every template key, fetching what the client left out or sent unusable.

    Raises
    ------
    PrefetchUnavailable
        When a ``required`` key is missing and cannot be fetched (no ``fhirServer``, an issuer
        that may not fetch, a token that cannot be filled, or a failed fetch).
    """
    given = request.prefetch or {}
    data: dict[str, JsonDict | None] = {}
    for key in templates:
        if key not in given:
            continue
        why = unusable(templates[key], given[key])
        if why is None:
            data[key] = given[key]
        else:
            log.info("prefetch key %s is unusable: %s", key, why)
    absent = [k for k in templates if k not in data]
    fetched: list[str] = []
    if absent and request.fhir_server and fetcher is not None:
        queries = {}
        for key in absent:
            query = render(templates[key], request.context)
            if query is not None:
                queries[key] = query
        if queries:
            results = fetcher(request.fhir_server, request.fhir_authorization, queries)
            for key, value in results.items():
                if key not in queries:
                    continue
                why = unusable(templates[key], value)
                if why is None:
                    data[key] = value
                    fetched.append(key)
                else:
                    log.warning("fetched key %s is unusable: %s", key, why)
    still = [k for k in templates if k not in data]
    needed = [k for k in still if k in required]
    if needed:
        raise PrefetchUnavailable(needed, NOT_FETCHED if request.fhir_server else NO_SERVER)
    return Prefetched(data=data, missing=tuple(still), fetched=tuple(fetched))


_BLOCKED_NAMES = (
    "is_loopback",
    "is_link_local",
    "is_private",
    "is_multicast",
    "is_reserved",
    "is_unspecified",
)


@dataclass(frozen=True)
class FetchPolicy:
    """Where one issuer may make the service fetch, and the bounds of a fetch.

    ``bases`` are the allowed FHIR base URLs (absolute http(s), no query). ``private_networks``
    lists the loopback, link-local or private networks this issuer may use (tests: 127.0.0.1);
    every other such address is refused.
    """

    bases: tuple[str, ...]
    private_networks: tuple[IpNetwork, ...] = ()
    max_pages: int = MAX_PAGES
    total_seconds: float = TOTAL_SECONDS
    max_bytes: int = MAX_BYTES
    timeout: httpx.Timeout = field(default_factory=lambda: TIMEOUT)

    @classmethod
    def of(
        cls, bases: Sequence[str], private_networks: Sequence[str] = (), **bounds: Any
    ) -> FetchPolicy:
        """A policy from configuration strings; raises ``ValueError`` naming a bad one."""
        clean = []
        for base in bases:
            url = httpx.URL(base.rstrip("/"))
            if url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
                raise ValueError(f"fhir_servers: {base!r} is not an absolute http(s) base URL")
            clean.append(str(url).rstrip("/"))
        nets = tuple(ipaddress.ip_network(n, strict=False) for n in private_networks)
        return cls(bases=tuple(clean), private_networks=nets, **bounds)

    def address_allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self.private_networks):
            return True
        return not any(getattr(ip, name) for name in _BLOCKED_NAMES)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _FetchError(Exception):
    pass


def under(base: httpx.URL, url: httpx.URL) -> bool:
    """True when ``url`` is ``base`` itself or below it: same scheme, host and port, no ``..``."""
    if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
        return False
    raw = url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
    decoded = unquote(raw)
    if "\\" in decoded or any(seg in (".", "..") for seg in decoded.split("/")):
        return False
    prefix = base.path.rstrip("/")
    return decoded == prefix or decoded.startswith(prefix + "/")


def query_url(base: httpx.URL, query: str) -> httpx.URL:
    """``base`` joined with a relative query; ``|`` in the query string is percent-encoded."""
    path, sep, params = query.lstrip("/").partition("?")
    text = str(base).rstrip("/") + "/" + path + (sep + params.replace("|", "%7C") if sep else "")
    return httpx.URL(text)


def http_fetcher(
    policy: FetchPolicy,
    client: httpx.Client | None = None,
    resolver: Resolver = system_resolver,
) -> FhirFetcher:
    """A :class:`FhirFetcher` over httpx for one issuer's ``policy`` (pass ``client`` to use a
    mock transport, ``resolver`` to resolve test host names without DNS).

    Without ``client``, each fetch has its own client. Connections go to the checked address,
    so a pool is keyed by address, not by name: a ``client`` passed in must not be shared
    between FHIR servers with different names (a TLS connection made for one would be reused
    for the other).
    """

    def fetch(
        base_url: str, auth: FhirAuthorization | None, queries: Mapping[str, str]
    ) -> dict[str, JsonDict | None]:
        base_text = base_url.rstrip("/")
        if base_text not in policy.bases:
            log.warning("fhirServer %s is not on the issuer's allow-list", base_text)
            return {}
        base = httpx.URL(base_text)
        try:
            address = _checked_address(policy, resolver, base)
        except _FetchError as exc:
            log.warning("fhirServer %s refused: %s", base_text, exc)
            return {}
        owned = client is None
        http = client or httpx.Client(timeout=policy.timeout, follow_redirects=False)
        headers = {"Accept": "application/fhir+json", "Accept-Encoding": "identity"}
        if auth is not None:
            headers["Authorization"] = f"Bearer {auth.access_token}"
        deadline = time.monotonic() + policy.total_seconds
        page = _Pager(http, policy, base, address, headers, deadline)
        # Not a `with` block: leaving it would wait for stragglers past the total budget.
        pool = ThreadPoolExecutor(max_workers=min(8, len(queries)))
        results: dict[str, JsonDict | None] = {}
        try:
            futures = {key: pool.submit(page.all, query) for key, query in queries.items()}
            done, _ = wait(futures.values(), timeout=policy.total_seconds)
            for key, future in futures.items():
                if future not in done:
                    log.warning("fetch of %s from %s: no answer in time", key, base_text)
                    continue
                try:
                    results[key] = future.result()
                except Exception as exc:  # every failure: the key is missing, details logged
                    log.warning(
                        "fetch of %s from %s failed: %s: %s",
                        key,
                        base_text,
                        type(exc).__name__,
                        exc,
                    )
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            if owned:
                http.close()
        return results

    return fetch


def _checked_address(policy: FetchPolicy, resolver: Resolver, base: httpx.URL) -> str:
    port = base.port or (443 if base.scheme == "https" else 80)
    try:
        addresses = list(resolver(base.host, port))
    except OSError as exc:
        raise _FetchError(f"cannot resolve {base.host}: {type(exc).__name__}") from exc
    if not addresses:
        raise _FetchError(f"{base.host} resolves to no address")
    blocked = [a for a in addresses if not policy.address_allowed(a)]
    if blocked:
        raise _FetchError(f"{base.host} resolves to blocked addresses {blocked}")
    return addresses[0]


@dataclass
class _Pager:
    http: httpx.Client
    policy: FetchPolicy
    base: httpx.URL
    address: str
    headers: Mapping[str, str]
    deadline: float

    def all(self, query: str) -> JsonDict | None:
        """The answer to ``query``, with every page of a Bundle merged into the first."""
        url: httpx.URL | None = query_url(self.base, query)
        first: JsonDict | None = None
        entries: list[Any] = []
        budget = self.policy.max_bytes
        pages = 0
        while url is not None:
            if not under(self.base, url):
                raise _FetchError(f"URL outside the allowed base: {url}")
            if pages >= self.policy.max_pages:
                raise _FetchError(f"more than {self.policy.max_pages} pages")
            body, size = self._get(url, budget)
            budget -= size
            pages += 1
            if body.get("resourceType") != "Bundle":
                if pages > 1:
                    raise _FetchError("a next page that is not a Bundle")
                return body
            if first is None:
                first = body
            entries.extend(e for e in body.get("entry") or () if isinstance(e, dict))
            nxt = _next_link(body)
            if nxt == "":
                raise _FetchError("a next link without a URL")
            url = url.join(nxt) if nxt is not None else None
        assert first is not None
        if not entries:
            return None
        merged = dict(first)
        merged["entry"] = entries
        links = [x for x in first.get("link") or () if isinstance(x, dict)]
        merged["link"] = [x for x in links if x.get("relation") != "next"]
        if not merged["link"]:
            merged.pop("link")
        return merged

    def _get(self, url: httpx.URL, budget: int) -> tuple[JsonDict, int]:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _FetchError("time budget spent")
        host_header = url.netloc.decode("ascii")
        target = url.copy_with(host=self.address.split("%", 1)[0])
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        headers = {**self.headers, "Host": host_header}
        with self.http.stream(
            "GET", target, headers=headers, extensions=extensions, timeout=self.policy.timeout
        ) as response:
            if response.status_code != 200:
                raise _FetchError(f"HTTP {response.status_code}")
            encoding = response.headers.get("content-encoding", "identity").lower()
            if encoding != "identity":
                raise _FetchError(f"content-encoding {encoding} refused")
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > budget:
                raise _FetchError(f"content-length {declared} over the {budget} bytes left")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():  # identity only (checked above): raw size
                size += len(chunk)
                if size > budget:
                    raise _FetchError(f"body over the {budget} bytes left")
                if time.monotonic() > self.deadline:
                    raise _FetchError("time budget spent while reading")
                chunks.append(chunk)
        try:
            body = json.loads(b"".join(chunks))
        except ValueError as exc:
            raise _FetchError("not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
            raise _FetchError("not a FHIR resource")
        return body, size


def _next_link(bundle: Mapping[str, Any]) -> str | None:
    for link in bundle.get("link") or ():
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            return url if isinstance(url, str) else ""
    return None

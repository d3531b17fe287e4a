"""Prefetch: filling the service's FHIR queries from the request, or from the FHIR server.

CDS Hooks 2.0 rules (``current.md`` section Prefetch): a key the client chose not to satisfy is
*omitted*; a key whose query found nothing is ``null``. When data the service needs is missing
and the request carries no ``fhirServer`` (with ``fhirAuthorization``), the answer is 412.

Fetching uses httpx with strict timeouts (connect 1 s, read 2 s, 3 s for all queries together),
runs the queries in parallel, sends the access token only to ``fhirServer``, and follows no
redirects, so a token never leaves the server the EHR named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from ldnderm.interop.cdshooks.errors import PrefetchUnavailable
from ldnderm.interop.cdshooks.fhirjson import JsonDict
from ldnderm.interop.cdshooks.models import FhirAuthorization, HookRequest

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


@dataclass(frozen=True)
class Prefetched:
    """Resolved prefetch data: ``data`` by key (``None`` = no data), ``missing`` optional keys."""

    data: dict[str, JsonDict | None]
    missing: tuple[str, ...]
    fetched: tuple[str, ...]


class FhirFetcher(Protocol):
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


def resolve(
    request: HookRequest,
    templates: Mapping[str, str],
    required: Sequence[str],
    fetcher: FhirFetcher | None,
) -> Prefetched:
    """Prefetch data for every template key, fetching what the client left out.

    Raises
    ------
    PrefetchUnavailable
        When a ``required`` key is missing and cannot be fetched (no ``fhirServer``, a token
        that cannot be filled, or a failed fetch).
    """
    given = request.prefetch or {}
    data: dict[str, JsonDict | None] = {k: given[k] for k in templates if k in given}
    absent = [k for k in templates if k not in given]
    fetched: list[str] = []
    if absent and request.fhir_server and fetcher is not None:
        queries = {}
        for key in absent:
            query = render(templates[key], request.context)
            if query is not None:
                queries[key] = query
        if queries:
            try:
                results = fetcher(request.fhir_server, request.fhir_authorization, queries)
            except PrefetchUnavailable as exc:
                needed = [k for k in exc.keys if k in required]
                if needed:
                    raise PrefetchUnavailable(needed, exc.reason) from exc
                results = {}
            data.update(results)
            fetched = list(results)
    still = [k for k in templates if k not in data]
    needed = [k for k in still if k in required]
    if needed:
        reason = (
            "the request has no fhirServer to fetch them from"
            if not request.fhir_server
            else "they could not be fetched from fhirServer"
        )
        raise PrefetchUnavailable(needed, reason)
    return Prefetched(data=data, missing=tuple(still), fetched=tuple(fetched))


def http_fetcher(
    client: httpx.Client | None = None,
    total_seconds: float = TOTAL_SECONDS,
) -> FhirFetcher:
    """A :class:`FhirFetcher` over httpx (pass ``client`` to use a mock transport in tests)."""

    def fetch(
        base_url: str, auth: FhirAuthorization | None, queries: Mapping[str, str]
    ) -> dict[str, JsonDict | None]:
        owned = client is None
        http = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
        headers = {"Accept": "application/fhir+json"}
        if auth is not None:
            headers["Authorization"] = f"Bearer {auth.access_token}"
        # Not a `with` block: leaving it would wait for stragglers past the total budget.
        pool = ThreadPoolExecutor(max_workers=min(8, len(queries)))
        failed: dict[str, str] = {}
        results: dict[str, JsonDict | None] = {}
        try:
            futures = {
                key: pool.submit(_get, http, f"{base_url}/{query.lstrip('/')}", headers)
                for key, query in queries.items()
            }
            done, _ = wait(futures.values(), timeout=total_seconds)
            for key, future in futures.items():
                if future not in done:
                    failed[key] = f"no answer within {total_seconds:g} s"
                    continue
                try:
                    results[key] = future.result()
                except _FetchError as exc:
                    failed[key] = str(exc)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            if owned:
                http.close()
        if failed:
            first = next(iter(failed.values()))
            raise PrefetchUnavailable(sorted(failed), f"fetch from fhirServer failed: {first}")
        return results

    return fetch


class _FetchError(Exception):
    pass


def _get(http: httpx.Client, url: str, headers: Mapping[str, str]) -> JsonDict | None:
    try:
        response = http.get(url, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise _FetchError(f"{type(exc).__name__} for {url}") from exc
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise _FetchError(f"HTTP {response.status_code} for {url}")
    if len(response.content) > MAX_BYTES:
        raise _FetchError(f"response over {MAX_BYTES} bytes for {url}")
    try:
        body = response.json()
    except ValueError as exc:
        raise _FetchError(f"not JSON: {url}") from exc
    if not isinstance(body, dict) or "resourceType" not in body:
        raise _FetchError(f"not a FHIR resource: {url}")
    if body.get("resourceType") == "Bundle" and not body.get("entry"):
        return None
    return body

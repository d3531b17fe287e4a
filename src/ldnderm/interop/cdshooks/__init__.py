"""A CDS Hooks 2.0 service for naltrexone orders, independent of any web framework.

    >>> from datetime import date
    >>> from ldnderm.interop import cdshooks
    >>> env = cdshooks.Environment(today=date.today())
    >>> response = cdshooks.run("naltrexone-order-sign", request_json, env)
    >>> cdshooks.dump(response)
    {'cards': [...]}

Modules: :mod:`.models` (typed documents), :mod:`.services` (the three services and ``run``),
:mod:`.naltrexone` (recognition in draft orders), :mod:`.patient` (prefetch -> screening input),
:mod:`.screening` (ports onto :mod:`ldnderm.safety` and :mod:`ldnderm.evidence`), :mod:`.cards`,
:mod:`.prefetch` (templates and the FHIR fetch), :mod:`.auth` (client JWT verification).
"""

from __future__ import annotations

from ldnderm.interop.cdshooks.auth import TrustedIssuer, Verifier, parse_issuers
from ldnderm.interop.cdshooks.errors import ClientAuthError, PrefetchUnavailable
from ldnderm.interop.cdshooks.models import CdsResponse, FeedbackRequest, dump, parse
from ldnderm.interop.cdshooks.prefetch import http_fetcher
from ldnderm.interop.cdshooks.services import (
    SERVICES,
    Environment,
    discovery,
    run,
    service,
    service_for_hook,
)

__all__ = [
    "SERVICES",
    "CdsResponse",
    "ClientAuthError",
    "Environment",
    "FeedbackRequest",
    "PrefetchUnavailable",
    "TrustedIssuer",
    "Verifier",
    "discovery",
    "dump",
    "http_fetcher",
    "parse",
    "parse_issuers",
    "run",
    "service",
    "service_for_hook",
]

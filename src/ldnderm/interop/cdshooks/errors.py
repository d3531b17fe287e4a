"""Errors of the CDS Hooks layer, all inside the domain tree of :mod:`ldnderm.kernel.errors`.

::

    LdnDermError
    ├── InvalidInput                       malformed hook request (HTTP 400 here)
    └── CdsHooksError
        ├── PrefetchUnavailable            needed data neither prefetched nor fetchable (412)
        └── ClientAuthError                the client JWT is missing or not trusted (401)
"""

from __future__ import annotations

from collections.abc import Sequence

from ldnderm.kernel.errors import LdnDermError


class CdsHooksError(LdnDermError):
    """Base of the errors that only a CDS Hooks door can raise."""


class PrefetchUnavailable(CdsHooksError):
    """Data the service needs was not prefetched and cannot be fetched (CDS Hooks: 412).

    ``keys`` names the prefetch keys that are missing; ``reason`` says why they could not be
    fetched (no ``fhirServer``, a timeout, an HTTP error...).
    """

    def __init__(self, keys: Sequence[str], reason: str) -> None:
        self.keys = list(keys)
        self.reason = reason
        super().__init__(f"prefetch missing for {', '.join(self.keys)}: {reason}")


class ClientAuthError(CdsHooksError):
    """The bearer JWT of the CDS client is absent, malformed or fails verification (401).

    ``reason`` is safe to show to the client: it never contains key material.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

"""The JWT ``jti`` replay store of the web door: a database table shared by every process.

Django's default cache is per-process local memory with a few hundred entries, so a replayed
token was accepted again after ~300 other calls, or when it reached another worker. Here each
accepted ``(issuer, jti)`` is a :class:`~ldnderm.web.cds.models.SeenJti` row with a unique
constraint, kept until the token expires (plus the verifier's leeway); expired rows are deleted
at most once a minute per process, and an expired row never blocks a new token.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from ldnderm.web.cds.models import SeenJti

CLEANUP_EVERY_SECONDS = 60.0
_MAX = 255


def _column(value: str) -> str:
    """``value`` as stored: over 255 characters, its SHA-256 (still unique per value)."""
    if len(value) <= _MAX:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


class DatabaseReplayStore:
    """:class:`ldnderm.interop.cdshooks.auth.ReplayStore` on the ``SeenJti`` table."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        cleanup_every_seconds: float = CLEANUP_EVERY_SECONDS,
    ) -> None:
        self._clock = clock
        self._every = cleanup_every_seconds
        self._last_cleanup = float("-inf")
        self._lock = threading.Lock()

    def add(self, issuer: str, jti: str, expires_at: float) -> bool:
        now = self._clock()
        self._maybe_cleanup(now)
        iss, key = _column(issuer), _column(jti)
        expiry = datetime.fromtimestamp(expires_at, tz=UTC)
        try:
            with transaction.atomic():
                SeenJti.objects.create(issuer=iss, jti=key, expires_at=expiry)
            return True
        except IntegrityError:
            pass
        # Seen before: accept only when that row has expired (then take it over, atomically).
        with transaction.atomic():
            taken = SeenJti.objects.filter(
                issuer=iss, jti=key, expires_at__lte=datetime.fromtimestamp(now, tz=UTC)
            ).update(expires_at=expiry)
        return taken == 1

    def cleanup(self, now: float | None = None) -> int:
        """Delete the rows whose token has expired; returns how many."""
        moment = datetime.fromtimestamp(self._clock() if now is None else now, tz=UTC)
        deleted, _ = SeenJti.objects.filter(expires_at__lte=moment).delete()
        return deleted

    def _maybe_cleanup(self, now: float) -> None:
        with self._lock:
            if now - self._last_cleanup < self._every:
                return
            self._last_cleanup = now
        self.cleanup(now)

"""Fixed-window rate limits counted in the database, so they hold across worker processes.

Each call of :func:`allow` counts one request for ``(scope, value)`` in the current window and
says whether the count is still within the limit. The counter row is incremented with
``UPDATE ... SET hits = hits + 1``, which the database serialises, and created once per window
(its unique key makes a concurrent creation fall back to the increment): two concurrent requests
never read the same count. The value itself is never stored, only a keyed hash of it.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ldnderm.web.accounts.models import RequestCounter

KEEP = dt.timedelta(days=1)
"""Windows older than this are deleted as new requests arrive."""


def _key(scope: str, value: str) -> str:
    return salted_hmac("ldnderm.throttle", f"{scope}\0{value}", algorithm="sha256").hexdigest()


def allow(
    scope: str, value: str, limit: int, window_seconds: int, now: dt.datetime | None = None
) -> bool:
    """Count one request for ``value`` under ``scope``; ``True`` while at most ``limit`` requests
    fell in the current ``window_seconds``-long window (``now`` defaults to the clock)."""
    now = now or timezone.now()
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % window_seconds, tz=dt.UTC)
    key = _key(scope, value)
    window = RequestCounter.objects.filter(scope=scope, key=key, window_start=start)
    # The transaction writes first: on SQLite it then takes the write lock at once (waiting out
    # a concurrent writer) instead of failing to upgrade a stale read snapshot.
    with transaction.atomic():
        if not window.update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RequestCounter.objects.create(scope=scope, key=key, window_start=start, hits=1)
            except IntegrityError:  # another request created this window's row first
                window.update(hits=F("hits") + 1)
        hits = window.values_list("hits", flat=True).get()
        oldest = now - max(KEEP, dt.timedelta(seconds=window_seconds))
        RequestCounter.objects.filter(window_start__lt=oldest).delete()
    return hits <= limit

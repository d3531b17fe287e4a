"""Audit events for API tokens: one ``create`` when a token is issued, one ``update`` (its
``revoked_at`` from null to the time) for each token revoked. The token itself never enters
the trail; the row id and the first 8 characters of its digest name it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from ldnderm.web.audit.hashing import timestamp
from ldnderm.web.audit.log import Action, Actor, record


def issued(actor: Actor, token: Any, **detail: Any) -> None:
    record(
        actor,
        Action.CREATE,
        "api_token",
        token.pk,
        None,
        holder_id=token.user_id,
        digest=token.digest[:8],
        expires_at=timestamp(token.expires_at),
        **detail,
    )


def revoke(tokens: models.QuerySet[Any], actor: Actor, reason: str) -> int:
    """Revoke the live tokens among ``tokens`` now, one audit event each; return how many."""
    with transaction.atomic():
        live = list(tokens.filter(revoked_at__isnull=True).select_for_update())
        now = timezone.now()
        tokens.model._default_manager.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
        for token in live:
            token.revoked_at = now
        revoked(actor, live, reason=reason)
    return len(live)


def revoked(actor: Actor, revoked_tokens: Iterable[Any], **detail: Any) -> None:
    for token in revoked_tokens:
        record(
            actor,
            Action.UPDATE,
            "api_token",
            token.pk,
            None,
            holder_id=token.user_id,
            digest=token.digest[:8],
            changes={"revoked_at": [None, timestamp(token.revoked_at)]},
            **detail,
        )

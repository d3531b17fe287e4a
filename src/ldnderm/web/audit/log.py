"""Writing audit events. Call :func:`record` inside the transaction of the change it records, so
that a rolled-back change leaves no audit row and a committed one always has one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from ldnderm.web.audit.hashing import client_ip
from ldnderm.web.audit.models import AuditEvent

Action = AuditEvent.Action


@dataclass(frozen=True)
class Actor:
    """Who acts, from where: the parts of a request the audit trail keeps. ``ip`` is the
    request's ``REMOTE_ADDR``, which the trusted-proxy middleware sets to the real client."""

    user_id: int | None
    username: str
    clinic_id: int | None
    request_id: str = ""
    path: str = ""
    ip: str = ""

    @classmethod
    def for_user(cls, request: HttpRequest | None, user: Any) -> Actor:
        """``user`` acting in ``request`` (which may not carry ``user`` yet, as in sign-in
        signals); ``user=None`` is an unknown person, e.g. a failed log-in."""
        return cls(
            user_id=user.pk if user is not None else None,
            username=user.get_username() if user is not None else "",
            clinic_id=getattr(user, "clinic_id", None),
            request_id=getattr(request, "request_id", "") if request is not None else "",
            path=request.path[:300] if request is not None else "",
            ip=_ip(request),
        )

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = request.user
        authenticated = bool(user.is_authenticated)
        return cls(
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            clinic_id=getattr(user, "clinic_id", None) if authenticated else None,
            request_id=getattr(request, "request_id", ""),
            path=request.path[:300],
            ip=_ip(request),
        )


def _ip(request: HttpRequest | None) -> str:
    return client_ip(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = "",
    patient_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one audit event."""
    event = unsaved(actor, action, object_type, object_id, patient_id, detail)
    event.save()
    return event


def record_many(
    actor: Actor, action: str, object_type: str, patient_ids: Iterable[int], **detail: Any
) -> None:
    """One event per patient returned by a list or search (IHE BALP PatientQuery), in one
    ``INSERT``: a list read is never silent, and never N queries."""
    bulk_record(actor, action, [(object_type, pid, pid) for pid in patient_ids], **detail)


def bulk_record(
    actor: Actor, action: str, rows: Iterable[tuple[str, object, int | None]], **detail: Any
) -> None:
    """Append one event per ``(object_type, object_id, patient_id)`` in one ``INSERT``."""
    AuditEvent.objects.bulk_create(
        unsaved(actor, action, object_type, object_id, patient_id, detail)
        for object_type, object_id, patient_id in rows
    )


def unsaved(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    patient_id: int | None,
    detail: dict[str, Any],
) -> AuditEvent:
    """An unsaved audit row: the one place an actor and an action become columns."""
    return AuditEvent(
        user_id=actor.user_id,
        username=actor.username,
        clinic_id=actor.clinic_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:40],
        patient_id=patient_id,
        request_id=actor.request_id,
        path=actor.path,
        ip=actor.ip,
        detail=detail,
    )

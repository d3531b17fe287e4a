"""AuditEvent: who did what to which record of which patient, when, in which request.

Rows are append-only. Three layers enforce it: the model refuses to save an existing row or to
delete one, its queryset refuses bulk ``update``/``delete``, and the database refuses ``UPDATE``
(SQLite and PostgreSQL), ``DELETE`` and ``TRUNCATE`` (PostgreSQL) through the triggers of
migration 0004. The one ``UPDATE`` they let through is the erasure tombstone
(:mod:`ldnderm.web.audit.erasure`). SQLite keeps no DELETE trigger because test-database
flushes there use ``DELETE FROM``; the hash chain (:mod:`ldnderm.web.audit.hashing`) shows any
deleted, changed or inserted row to ``ldnderm audit verify``.

The actor and patient are plain integers, not foreign keys: deleting a user or a patient must
never cascade into, or be blocked by, the record of what was done to them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models, router, transaction
from django.utils import timezone

from ldnderm.web.audit import chain


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an audit row."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        """Insert ``objs`` in one statement, each sealed into the hash chain in order."""
        events = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain.seal(events, self.db)
            return super().bulk_create(events, *args, **kwargs)

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One audited action. ``action`` follows FHIR AuditEvent (C/R/U/D/E) in words."""

    class Action(models.TextChoices):
        READ = "read", "read"
        LIST = "list", "list or search"
        CREATE = "create", "create"
        UPDATE = "update", "update"
        DELETE = "delete", "delete"
        EXPORT = "export", "export"
        DENIED = "denied", "denied (absent or another clinic)"
        LOGIN = "login", "log-in"
        LOGOUT = "logout", "log-out"
        LOGIN_FAILED = "login_fail", "failed log-in"
        ERASE = "erase", "erasure of a person's data"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.CharField("client IP", max_length=45, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    seq = models.BigIntegerField(unique=True, editable=False)
    """The row's place in the hash chain: 1, 2, 3, ... in the order of appending."""
    detail_hash = models.CharField(max_length=64, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=["patient_id", "at"], name="audit_patient_at"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            chain.seal([self], using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class ChainHead(models.Model):
    """The one row (``id`` 1) holding the chain's last ``seq`` and ``chain_hash``: the lock
    every append takes (see :mod:`ldnderm.web.audit.chain`). ``ldnderm audit verify`` checks it
    against the last audit row, so a tail cut off inside the database shows too."""

    seq = models.BigIntegerField(default=0)
    chain_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head {self.seq}"

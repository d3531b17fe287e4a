"""AuditEvent: who did what to which record of which patient, when, in which request.

Rows are append-only. Three layers enforce it: the model refuses to save an existing row or to
delete one, its queryset refuses bulk ``update``/``delete``, and the database refuses ``UPDATE``
(SQLite and PostgreSQL) and ``DELETE`` (PostgreSQL) through triggers installed by migration 0002.
SQLite keeps no DELETE trigger because test-database flushes there use ``DELETE FROM``.

The actor and patient are plain integers, not foreign keys: deleting a user or a patient must
never cascade into, or be blocked by, the record of what was done to them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an audit row."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
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
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=["patient_id", "at"], name="audit_patient_at"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

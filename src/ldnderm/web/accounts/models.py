"""Users, the clinics they work in, their roles, and API tokens.

A user belongs to at most one clinic; every query for patient data is scoped to it. The role is a
Django group (``clinician``, ``staff``, ``researcher``, ``admin``) so that permissions can be
inspected and changed in the admin without code.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

CLINICIAN, STAFF, RESEARCHER, ADMIN = "clinician", "staff", "researcher", "admin"
ROLES: tuple[str, ...] = (CLINICIAN, STAFF, RESEARCHER, ADMIN)
"""Role names, each a Django group created by migration ``accounts.0002``."""

PATIENT_ROLES: frozenset[str] = frozenset({CLINICIAN, STAFF, ADMIN})
"""Roles that may open identifiable patient records of their own clinic."""

PRESCRIBER_ROLES: frozenset[str] = frozenset({CLINICIAN, ADMIN})
"""Roles that may start or stop a treatment course or change a dose."""


class Clinic(models.Model):
    """A clinic (tenant). Patients, courses and audit events belong to exactly one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: clinician, staff, researcher or administrator."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def role(self) -> str | None:
        """The user's role: the first of :data:`ROLES` among their groups, else ``None``."""
        cached: str | bool | None = getattr(self, "_role_cache", False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        names = set(self.groups.values_list("name", flat=True))
        role = next((r for r in ROLES if r in names), None)
        self._role_cache = role
        return role


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests: a database leak does not leak usable tokens."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for scripts (``Authorization: Bearer <token>``); only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token of {self.user_id} from {self.created_at:%Y-%m-%d}"

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a token for ``user`` and return the raw value (shown once, never stored)."""
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=hash_token(raw))
        return raw

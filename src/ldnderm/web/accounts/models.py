"""Users, the clinics they work in, their roles, and API tokens.

A user belongs to at most one clinic; every query for patient data is scoped to it. The role is a
Django group (``clinician``, ``staff``, ``researcher``, ``admin``) so that permissions can be
inspected and changed in the admin without code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from ldnderm.web.accounts.clinic_time import default_time_zone, validate_time_zone
from ldnderm.web.audit import tokens
from ldnderm.web.audit.log import Actor

CLINICIAN, STAFF, RESEARCHER, ADMIN = "clinician", "staff", "researcher", "admin"
ROLES: tuple[str, ...] = (CLINICIAN, STAFF, RESEARCHER, ADMIN)
"""Role names, each a Django group created by migration ``accounts.0002``."""

PATIENT_ROLES: frozenset[str] = frozenset({CLINICIAN, STAFF, ADMIN})
"""Roles that may open identifiable patient records of their own clinic."""

PRESCRIBER_ROLES: frozenset[str] = frozenset({CLINICIAN, ADMIN})
"""Roles that may start or stop a treatment course or change a dose."""

CORRECTOR_ROLES: frozenset[str] = frozenset({CLINICIAN, ADMIN})
"""Roles that may delete a clinical record (with a reason) or lower an adverse event's grade;
staff may record and add, not take away."""


class Clinic(models.Model):
    """A clinic (tenant). Patients, courses and audit events belong to exactly one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    mrn_systems = models.JSONField(
        "MRN identifier systems",
        default=list,
        blank=True,
        help_text=(
            "FHIR Identifier.system URIs under which an identifier value IS this clinic's MRN "
            '(a JSON list, e.g. ["urn:oid:1.2.3.4"]). Empty: an EHR identifier is matched to a '
            "registry patient only through an earlier FHIR import of that exact (system, value)."
        ),
    )
    """Identifier systems whose values are this clinic's registry MRN (see
    :func:`ldnderm.web.fhir.identity.mrn_systems`); set in the admin or with
    ``ldnderm fhir mrn-systems``."""
    demo = models.BooleanField(
        default=False,
        editable=False,
        help_text="A demonstration clinic of invented patients, made by `ldnderm demo` only.",
    )
    """Only ``ldnderm demo`` makes demo clinics; a clinic created otherwise holds real
    patients. Every page of a demo clinic says so, and its patients carry ``demo``."""
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text='IANA time zone of the clinic, e.g. "Europe/London": its "today" and dates.',
    )
    """See :mod:`ldnderm.web.accounts.clinic_time`; the default is
    ``LDNDERM_DEFAULT_TIME_ZONE``."""

    class Meta:
        ordering = ("name",)
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(time_zone=""), name="clinic_time_zone_named"
            ),
        )

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: clinician, staff, researcher or administrator."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = (
            # One account per email address (any case): a set-password link or password reset
            # sent to an address reaches exactly one account. Empty means no address.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        )

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password revokes the user's API tokens (ASVS 7.4.3): whoever held one under the
        # old password must sign in again.
        password_changed = self.pk is not None and getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.revoke_all(self)


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests: a database leak does not leak usable tokens."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_lifetime() -> dt.timedelta:
    """How long an API token is valid: ``settings.API_TOKEN_LIFETIME`` (default 30 days)."""
    lifetime = getattr(settings, "API_TOKEN_LIFETIME", dt.timedelta(days=30))
    assert isinstance(lifetime, dt.timedelta)
    return lifetime


def token_expiry() -> dt.datetime:
    return timezone.now() + token_lifetime()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that authenticate now: not expired, not revoked, of an active user."""
        return self.filter(
            expires_at__gt=timezone.now(), revoked_at__isnull=True, user__is_active=True
        )


class ApiToken(models.Model):
    """A bearer token for scripts (``Authorization: Bearer <token>``); only its hash is kept.

    A token expires (:func:`token_lifetime` after issue) and can be revoked: by its holder
    (``DELETE /api/v1/auth/token``), by an administrator in the admin, and for all of a user's
    tokens when the user's password changes. A deactivated user's tokens stop working at once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=token_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"token of {self.user_id} from {self.created_at:%Y-%m-%d}"

    @classmethod
    def issue(cls, user: User, lifetime: dt.timedelta | None = None) -> tuple[str, ApiToken]:
        """Create a token for ``user``, valid for ``lifetime`` (default :func:`token_lifetime`);
        return the raw value (shown once, never stored) and the row."""
        raw = secrets.token_urlsafe(32)
        expires_at = timezone.now() + (lifetime if lifetime is not None else token_lifetime())
        row = cls.objects.create(user=user, digest=hash_token(raw), expires_at=expires_at)
        return raw, row

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        """The usable token whose digest matches ``raw``, with its user."""
        return cls.objects.usable().select_related("user").filter(digest=hash_token(raw)).first()

    @classmethod
    def revoke_all(
        cls, user: User, actor: Actor | None = None, reason: str = "password changed"
    ) -> int:
        """Revoke every live token of ``user`` (audited, one event each, as ``actor``: by default
        the user); return how many."""
        if actor is None:
            actor = Actor(user_id=user.pk, username=user.get_username(), clinic_id=user.clinic_id)
        return tokens.revoke(cls.objects.filter(user=user), actor, reason)


class RequestCounter(models.Model):
    """Requests counted per key in fixed time windows, for rate limits that hold across worker
    processes (Django's default cache is per process). ``key`` is a keyed hash of what is counted
    (a client address, an email address), never the value itself; see
    :mod:`ldnderm.web.accounts.throttle`."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="request_counter_one_per_window"
            ),
        )
        indexes = (models.Index(fields=["window_start"], name="request_counter_window"),)

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"

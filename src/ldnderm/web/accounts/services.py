"""Account use cases shared by the CLI and the clinic administrator's pages.

Each function validates its input (raising :class:`~ldnderm.kernel.errors.InvalidInput` naming
the field), changes the database in one transaction
and appends an audit event in that same transaction. Uniqueness (clinic id and name, username,
email address) is enforced by the database; the checks here only turn a duplicate into a clear
message before the constraint would refuse it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.clinic_time import default_time_zone, validate_time_zone
from ldnderm.web.accounts.models import ADMIN, ROLES, ApiToken, Clinic, User
from ldnderm.web.audit.log import Action, Actor, record

CLI_ACTOR = Actor(user_id=None, username="system:cli", clinic_id=None)
"""Who acts when an account is changed from the command line (the host's operator)."""

AUDIT_PERMISSION = "view_auditevent"
"""A clinic administrator reads the clinic's audit trail in the admin (ldnderm.web.audit.admin)."""

ROLE_LIST = ", ".join(ROLES)


def in_clinic(actor: Actor, clinic_id: int | None) -> Actor:
    """The CLI acts for no clinic; its events are filed under the clinic it changed, so that
    clinic's administrator sees them in the audit trail."""
    return actor if actor.clinic_id is not None else dataclasses.replace(actor, clinic_id=clinic_id)


def _problem(error: ValidationError) -> str:
    return " ".join(str(m).rstrip(".") + "." for m in error.messages).rstrip(".")


# --- clinics -----------------------------------------------------------------------------------


def _check_time_zone(zone: str) -> None:
    """The model field's own validator, as an error naming ``time_zone``."""
    try:
        validate_time_zone(zone)
    except ValidationError as exc:
        raise InvalidInput("time_zone", _problem(exc)) from None


def add_clinic(actor: Actor, slug: str, name: str, time_zone: str | None = None) -> Clinic:
    """Create a clinic with the id ``slug`` (letters, digits, ``-`` and ``_``), ``name`` and the
    IANA ``time_zone`` (default ``LDNDERM_DEFAULT_TIME_ZONE``)."""
    slug, name = slug.strip(), name.strip()
    zone = default_time_zone() if time_zone is None else time_zone
    try:
        validate_slug(slug)
    except ValidationError:
        raise InvalidInput(
            "id", f"{slug!r} is not a clinic id", "letters, digits, - and _"
        ) from None
    if len(slug) > 60:
        raise InvalidInput("id", "is longer than 60 characters")
    if not name or len(name) > 200:
        raise InvalidInput("name", "must be 1 to 200 characters")
    _check_time_zone(zone)
    if Clinic.objects.filter(slug=slug).exists():
        raise InvalidInput("id", f"a clinic {slug!r} already exists")
    if Clinic.objects.filter(name=name).exists():
        raise InvalidInput("name", f"a clinic named {name!r} already exists")
    try:
        with transaction.atomic():
            clinic = Clinic.objects.create(slug=slug, name=name, time_zone=zone)
            record(
                in_clinic(actor, clinic.pk),
                Action.CREATE,
                "clinic",
                clinic.pk,
                slug=slug,
                time_zone=zone,
            )
    except IntegrityError:  # created concurrently between the check and the insert
        raise InvalidInput("id", f"a clinic {slug!r} or named {name!r} already exists") from None
    return clinic


def set_time_zone(actor: Actor, clinic: Clinic, time_zone: str) -> None:
    """Change the clinic's IANA time zone: its "today" and the dates its pages show."""
    _check_time_zone(time_zone)
    with transaction.atomic():
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        old = locked.time_zone
        if old != time_zone:
            Clinic.objects.filter(pk=clinic.pk).update(time_zone=time_zone)
            record(
                in_clinic(actor, clinic.pk),
                Action.UPDATE,
                "clinic",
                clinic.pk,
                time_zone=[old, time_zone],
            )
    clinic.time_zone = time_zone


def clinic_by_id(slug: str) -> Clinic:
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        known = ", ".join(Clinic.objects.values_list("slug", flat=True)[:20]) or "none yet"
        raise InvalidInput("clinic", f"no clinic {slug!r}", f"an existing clinic id: {known}")
    return clinic


# --- users -------------------------------------------------------------------------------------


def user_by_username(username: str) -> User:
    user = User.objects.filter(username=username).select_related("clinic").first()
    if user is None:
        raise InvalidInput("username", f"no user {username!r}")
    return user


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput("role", f"{role!r} is not a role", ROLE_LIST)


def _check_new_user(username: str, email: str) -> None:
    try:
        User.username_validator(username)
    except ValidationError:
        raise InvalidInput(
            "username", f"{username!r} is not a username", "letters, digits and @ . + - _"
        ) from None
    if not username or len(username) > 150:
        raise InvalidInput("username", "must be 1 to 150 characters")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("email", f"{email!r} is not an email address") from None
    if User.objects.filter(username=username).exists():
        raise InvalidInput("username", f"{username!r} is already taken")
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput("email", f"{email!r} is already used by another account")


def assign_role(user: User, role: str) -> None:
    """Give ``user`` exactly one role. An administrator also gets into the admin site, where
    they may read their own clinic's audit trail and nothing else."""
    _check_role(role)
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    audit = Permission.objects.get(content_type__app_label="audit", codename=AUDIT_PERMISSION)
    if role == ADMIN:
        user.user_permissions.add(audit)
    else:
        user.user_permissions.remove(audit)
    if user.is_staff != (role == ADMIN) and not user.is_superuser:
        user.is_staff = role == ADMIN
        user.save(update_fields=["is_staff"])
    user._role_cache = role


def add_user(
    actor: Actor, username: str, clinic: Clinic, role: str, email: str, password: str | None
) -> User:
    """Create an active user of ``clinic`` with ``role``. Without ``password`` the account has
    no usable password until its owner sets one through a set-password link
    (:mod:`ldnderm.web.accounts.links`)."""
    username, email = username.strip(), email.strip()
    _check_role(role)
    _check_new_user(username, email)
    user = User(username=username, email=email, clinic=clinic)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput("password", _problem(exc)) from None
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            assign_role(user, role)
            record(
                in_clinic(actor, clinic.pk),
                Action.CREATE,
                "user",
                user.pk,
                username=username,
                role=role,
                password_set=password is not None,
            )
    except IntegrityError:  # the same username or address, created concurrently
        raise InvalidInput("username", f"{username!r} or {email!r} is already taken") from None
    return user


def change_role(actor: Actor, user: User, role: str) -> None:
    _check_role(role)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = locked.role
        assign_role(locked, role)
        record(in_clinic(actor, user.clinic_id), Action.UPDATE, "user", user.pk, role=[old, role])
    user._role_cache = role


def set_active(actor: Actor, user: User, active: bool) -> None:
    """Deactivate (or reactivate) ``user``. A deactivated user cannot sign in, their sessions and
    API tokens stop working at once (Django's backend and ApiToken.usable check ``is_active``),
    and their live tokens are revoked so that reactivating does not revive them."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        who = in_clinic(actor, user.clinic_id)
        revoked = 0 if active else ApiToken.revoke_all(user, who, "user deactivated")
        record(
            in_clinic(actor, user.clinic_id),
            Action.UPDATE,
            "user",
            user.pk,
            is_active=active,
            tokens_revoked=revoked,
        )
    user.is_active = active


def failure_limit() -> int:
    return int(getattr(settings, "AXES_FAILURE_LIMIT", 5))


def lockouts(usernames: list[str]) -> dict[str, int]:
    """The most failed log-ins django-axes holds for each username from any one address (it locks
    a username and address pair at :func:`failure_limit`)."""
    counts: dict[str, int] = {}
    for name, failures in AccessAttempt.objects.filter(username__in=usernames).values_list(
        "username", "failures_since_start"
    ):
        counts[name] = max(counts.get(name, 0), failures)
    return counts


def unlock(actor: Actor, user: User) -> int:
    """Clear django-axes' failed log-ins for ``user`` (every address); return how many records."""
    with transaction.atomic():
        cleared = int(axes_reset(username=user.get_username()))
        record(in_clinic(actor, user.clinic_id), Action.UPDATE, "user", user.pk, unlocked=cleared)
    return cleared


def issue_token(actor: Actor, user: User, days: int | None) -> tuple[str, ApiToken]:
    """An API token for ``user`` (valid ``days``, else the default lifetime)."""
    if not user.is_active:
        raise InvalidInput("username", f"{user.get_username()!r} is deactivated")
    if days is not None and not 1 <= days <= 365:
        raise InvalidInput("days", f"{days} is out of range", "1-365")
    lifetime = dt.timedelta(days=days) if days is not None else None
    with transaction.atomic():
        raw, row = ApiToken.issue(user, lifetime)
        record(
            in_clinic(actor, user.clinic_id),
            Action.CREATE,
            "api_token",
            row.pk,
            user=user.get_username(),
            expires_at=row.expires_at.isoformat(),
        )
    return raw, row

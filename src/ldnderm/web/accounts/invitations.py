"""Inviting a user: the account is created without a password and its owner is mailed a
set-password link (:mod:`ldnderm.web.accounts.links`). ``ldnderm user add`` without
``--password-stdin`` and the clinic administrator's invite page both come here."""

from __future__ import annotations

from django.db import transaction

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts import links, services
from ldnderm.web.accounts.models import Clinic, User
from ldnderm.web.audit.log import Action, Actor, record


def send_link(actor: Actor, user: User, base_url: str, invited_by: str = "") -> str:
    """Mail ``user`` a fresh set-password link (audited) and return it."""
    if not user.is_active:
        raise InvalidInput("user", f"{user.get_username()!r} is deactivated")
    if not user.email:
        raise InvalidInput("email", f"{user.get_username()!r} has no email address")
    url = links.set_password_url(user, base_url)
    links.send_set_password_email(user, url, invited_by)
    record(services.in_clinic(actor, user.clinic_id), Action.CREATE, "set_password_link", user.pk)
    return url


def invite(
    actor: Actor,
    clinic: Clinic,
    username: str,
    role: str,
    email: str,
    base_url: str,
    invited_by: str = "",
) -> tuple[User, str]:
    """Create the account and mail its link, in one transaction: when the mail cannot be sent,
    no half-made account is left behind (and the invitation can simply be repeated)."""
    with transaction.atomic():
        user = services.add_user(actor, username, clinic, role, email, password=None)
        url = send_link(actor, user, base_url, invited_by)
    return user, url

"""Set-password links: one mechanism for invitations, ``ldnderm user add`` and password resets.

A link carries the user's id and a Django password-reset token
(:data:`django.contrib.auth.tokens.default_token_generator`). The token is a keyed hash of the
user's password hash, last log-in and email, so it stops working once a password is set (single
use) and after ``PASSWORD_RESET_TIMEOUT`` seconds (expiry). It is checked by the set-password page
(:class:`ldnderm.web.accounts.password_views.SetPasswordView`), which also refuses inactive users.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ldnderm.web.accounts.models import User


def link_lifetime() -> dt.timedelta:
    """How long a set-password link stays valid (``PASSWORD_RESET_TIMEOUT``)."""
    return dt.timedelta(seconds=int(settings.PASSWORD_RESET_TIMEOUT))


def set_password_path(user: User) -> str:
    """The site-relative path of a fresh set-password link for ``user``."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def set_password_url(user: User, base_url: str) -> str:
    """``base_url`` (scheme and host, e.g. ``https://ldnderm.example.org``) plus the path."""
    return base_url.rstrip("/") + set_password_path(user)


def send_set_password_email(user: User, url: str, invited_by: str = "") -> None:
    """Mail ``url`` to ``user`` through the configured email backend."""
    hours = int(link_lifetime().total_seconds() // 3600)
    context = {
        "user": user,
        "url": url,
        "hours": hours,
        "clinic": user.clinic.name if user.clinic else "",
        "invited_by": invited_by,
    }
    subject = render_to_string("accounts/email/set_password_subject.txt", context).strip()
    body = render_to_string("accounts/email/set_password.txt", context)
    send_mail(subject, body, None, [user.email])

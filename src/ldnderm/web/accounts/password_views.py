"""Password reset by email and the set-password page, on Django's own views.

The reset form answers the same page whether or not the address belongs to an account (no
account enumeration); mail goes only to an active account with that address. Requests are
limited per client address and per email address (``PASSWORD_RESET_LIMITS``, counted in the
database by :mod:`ldnderm.web.accounts.throttle`); over a limit the answer is 429 with
``Retry-After``, whatever the address, so the limit reveals nothing either.

The set-password page is the one target of every set-password link (invitations,
``ldnderm user add``, resets). Setting a password there is audited and clears the account's
django-axes lockouts: whoever controls the mailbox has proved more than a password would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import (
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from ldnderm.web.accounts import throttle
from ldnderm.web.accounts.models import User
from ldnderm.web.audit.log import Action, Actor, record


def client_ip(request: HttpRequest) -> str:
    """The client's address as django-axes resolves it (its proxy settings apply)."""
    return str(get_client_ip_address(request) or request.META.get("REMOTE_ADDR", ""))


def too_many(request: HttpRequest, window_seconds: int) -> HttpResponse:
    response = render(
        request,
        "accounts/password_reset_throttled.html",
        {"minutes": max(1, window_seconds // 60)},
        status=429,
    )
    response["Retry-After"] = str(window_seconds)
    return response


class ActiveAccountResetForm(PasswordResetForm):
    """Django's reset form, reaching every active account with the address (case-insensitive),
    including one whose owner never set a password (an invitation that expired)."""

    def get_users(self, email: str) -> Iterator[User]:
        yield from User.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        record(Actor.for_user(None, user), Action.CREATE, "set_password_link", user.pk)
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )


class ThrottledPasswordResetView(PasswordResetView):
    form_class = ActiveAccountResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit, window = settings.PASSWORD_RESET_LIMITS["ip"]
        if not throttle.allow("reset-ip", client_ip(request), limit, window):
            return too_many(request, window)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        limit, window = settings.PASSWORD_RESET_LIMITS["email"]
        email = str(form.cleaned_data["email"]).strip().lower()
        if not throttle.allow("reset-email", email, limit, window):
            return too_many(self.request, window)
        return super().form_valid(form)


class ResetSentView(PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class SetPasswordView(PasswordResetConfirmView):
    """Django's confirm view: the link's token is checked, moved into the session and the page
    redirects to a URL without it. Deactivated accounts get the "invalid link" page."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        user = form.user
        with transaction.atomic():
            response = super().form_valid(form)
            cleared = axes_reset(username=user.get_username())
            record(
                Actor.for_user(self.request, user),
                Action.UPDATE,
                "user",
                user.pk,
                password_set=True,
                unlocked=cleared,
            )
        return response


class PasswordSetView(PasswordResetCompleteView):
    template_name = "accounts/password_set.html"

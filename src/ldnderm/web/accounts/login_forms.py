"""Log-in doors that refuse an over-long username as a bad request naming the field.

Django's ``AuthenticationForm`` sets the username field's ``max_length`` after the field is
built, so no length validator runs: a username of any length reached ``authenticate()``, and
django-axes, recording the failure, wrote it to a ``varchar(255)`` column (a 500 on PostgreSQL).
Here the username is validated against the user model's own limit before anything is
authenticated, on the site's log-in page, the admin's and (by its schema) ``/api/v1/auth/token``;
the page answers 400 with the form error on the username field (the password-reset page
likewise for an address longer than any it takes). :func:`axes_username` also keeps
whatever django-axes stores within its column, whichever door a username comes through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponseBase

from ldnderm.web.accounts.models import User

MAX_USERNAME = User._meta.get_field("username").max_length or 150
"""The longest username an account can have (150, Django's default)."""
MAX_EMAIL = 254
"""The longest address Django's password-reset form takes (RFC 5321's path limit)."""
AXES_USERNAME_MAX = 255
"""The width of django-axes' username columns."""


class _UsernameLimit:
    """Mixed into Django's authentication forms: the username's length is validated."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(MAX_USERNAME))


class LoginForm(_UsernameLimit, AuthenticationForm):
    """The site's log-in form."""


class AdminLoginForm(_UsernameLimit, AdminAuthenticationForm):
    """The admin's log-in form."""


def too_long(request: HttpRequest, field: str, limit: int) -> bool:
    return request.method == "POST" and len(request.POST.get(field, "")) > limit


def bad_request_when_too_long(
    view: Callable[..., HttpResponseBase], field: str = "username", limit: int = MAX_USERNAME
) -> Callable[..., HttpResponseBase]:
    """``view`` (a page with a form), answering 400 instead of 200 when it re-shows its form
    because the posted ``field`` is longer than ``limit`` (the form names the field)."""

    @functools.wraps(view)
    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and too_long(request, field, limit):
            response.status_code = 400
        return response

    return run


def bad_request_on_long_username(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """``view`` (a log-in page), answering 400 when the posted username is longer than any
    account's."""
    return bad_request_when_too_long(view, "username", MAX_USERNAME)


login = bad_request_on_long_username(LoginView.as_view(authentication_form=LoginForm))
"""The site's log-in page."""


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """django-axes' ``AXES_USERNAME_CALLABLE``: the username tried, cut to axes' column width
    (a longer one is refused at every door before this, but axes must never fail a request)."""
    raw = credentials.get("username") if credentials else request.POST.get("username")
    return None if raw is None else str(raw)[:AXES_USERNAME_MAX]

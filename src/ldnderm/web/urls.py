"""URL map of the site."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ldnderm.web.accounts import login_forms
from ldnderm.web.accounts import password_views as passwords
from ldnderm.web.api.main import api
from ldnderm.web.core import views as core

# The admin's log-in validates the username's length too, and answers 400 for an over-long one.
admin.site.login_form = login_forms.AdminLoginForm
admin.site.login = login_forms.bad_request_on_long_username(  # type: ignore[method-assign,assignment]
    admin.site.login
)

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("livez", core.livez, name="livez"),
    path("favicon.ico", core.favicon),
    path("accounts/login/", login_forms.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        login_forms.bad_request_when_too_long(
            passwords.ThrottledPasswordResetView.as_view(), "email", login_forms.MAX_EMAIL
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        passwords.ResetSentView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/set-password/done/",
        passwords.PasswordSetView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        passwords.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path("clinic/", include("ldnderm.web.accounts.urls")),
    path("accounts/mfa/", include("ldnderm.web.mfa.urls")),
    path("admin/login/", core.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("conditions/", include("ldnderm.web.evidence.urls")),
    path("registry/", include("ldnderm.web.registry.urls")),
    path("screening/", include("ldnderm.web.screening.urls")),
    path("", include("ldnderm.web.cds.urls")),
]

handler404 = core.not_found
handler500 = core.server_error

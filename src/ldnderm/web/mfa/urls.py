"""Second-factor pages, mounted at ``/accounts/mfa/``."""

from __future__ import annotations

from django.urls import path

from ldnderm.web.mfa import views

app_name = "mfa"

urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
]

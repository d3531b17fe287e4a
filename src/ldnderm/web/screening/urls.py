"""URLs of the screening page."""

from __future__ import annotations

from django.urls import path

from ldnderm.web.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screening, name="form"),
    path("medicines/", views.medicines, name="medicines"),
]

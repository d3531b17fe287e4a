"""``/cds-services``: discovery, the services and their feedback endpoints (CDS Hooks 2.0)."""

from __future__ import annotations

from django.urls import path

from ldnderm.web.cds import views

app_name = "cds"

urlpatterns = [
    path("cds-services", views.discovery, name="discovery"),
    path("cds-services/<str:service_id>", views.service, name="service"),
    path("cds-services/<str:service_id>/feedback", views.feedback, name="feedback"),
]

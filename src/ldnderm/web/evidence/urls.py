"""``/conditions/``, ``/conditions/<id>/`` and ``/conditions/<id>/patient``."""

from __future__ import annotations

from django.urls import path

from ldnderm.web.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.condition_index, name="conditions"),
    path("<str:condition_id>/", views.condition_page, name="condition"),
    path("<str:condition_id>/patient", views.patient_page, name="patient"),
]

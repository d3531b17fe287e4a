"""Registry pages, mounted at ``/registry/``."""

from __future__ import annotations

from django.urls import path

from ldnderm.web.registry.views import (
    courses,
    dashboard,
    patients,
    records,
    responsible,
    visits,
)

app_name = "registry"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/new/", patients.patient_new, name="patient-new"),
    path("patients/export.csv", patients.patient_export, name="patient-export"),
    path("patients/<int:patient_id>/", patients.patient_detail, name="patient"),
    path(
        "patients/<int:patient_id>/responsible/", responsible.reassign, name="patient-responsible"
    ),
    path("patients/<int:patient_id>/courses/new/", courses.course_start, name="course-start"),
    path("patients/<int:patient_id>/visits/new/", visits.visit_new, name="visit-new"),
    path(
        "patients/<int:patient_id>/adverse-events/new/",
        visits.adverse_event_new,
        name="ae-new",
    ),
    path("courses/<int:course_id>/stop/", courses.course_stop, name="course-stop"),
    path("courses/<int:course_id>/dose/", courses.dose_change, name="dose-change"),
    path("courses/<int:course_id>/order/", courses.course_order, name="course-order"),
    path("measures/<slug:measure_id>/form/", visits.measure_form, name="measure-form"),
]
urlpatterns += records.urlpatterns()

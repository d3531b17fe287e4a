"""The clinic administrator's pages, mounted at ``/clinic/``."""

from __future__ import annotations

from django.urls import path

from ldnderm.web.accounts import clinic_admin as views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:user_id>/role/", views.change_role, name="role"),
    path("users/<int:user_id>/deactivate/", views.deactivate, name="deactivate"),
    path("users/<int:user_id>/reactivate/", views.reactivate, name="reactivate"),
    path("users/<int:user_id>/unlock/", views.unlock, name="unlock"),
    path("users/<int:user_id>/send-link/", views.send_link, name="send-link"),
    path("time-zone/", views.time_zone, name="time-zone"),
]

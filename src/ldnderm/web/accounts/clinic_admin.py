"""The clinic administrator's pages: the clinic's users, invitations, roles, deactivation and
unlocking, and the clinic's time zone. Mounted at ``/clinic/``; not Django's admin site.

Only a user whose role is ``admin`` in a clinic gets in (others: 403, audited), and only that
clinic's users are reachable: any other id answers 404, as if absent, with a ``denied`` audit
event. Every page view and change is audited. Changes are POST forms with Django's CSRF check.
An administrator cannot deactivate themselves or change their own role here, so a clinic is
never left without its administrator by a slip.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts import invitations, links, services
from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.forms import InviteForm, RoleForm, TimeZoneForm
from ldnderm.web.accounts.models import ADMIN, ROLES, Clinic, User
from ldnderm.web.audit.log import Action, Actor, record
from ldnderm.web.mfa.policy import require_mfa_setting


@dataclass(frozen=True)
class ClinicAdmin:
    user: User
    clinic: Clinic
    actor: Actor

    def member(self, user_id: int) -> User:
        """A user of this clinic, else a ``denied`` audit event and 404."""
        found = User.objects.filter(clinic_id=self.clinic.pk, pk=user_id).first()
        if found is None:
            record(self.actor, Action.DENIED, "user", user_id, reason="absent or another clinic")
            raise Http404("not found")
        return found

    def not_self(self, user: User) -> None:
        if user.pk == self.user.pk:
            raise InvalidInput("user", "you cannot change your own account here")


AdminView = Callable[..., HttpResponse]


def clinic_admin_page(view: AdminView) -> AdminView:
    @functools.wraps(view)
    def run(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        actor = Actor.from_request(request)
        if user.clinic is None or user.role != ADMIN:
            record(actor, Action.DENIED, "function", request.path[:40], reason="not clinic admin")
            response = render(request, "accounts/denied.html", status=403)
        else:
            response = view(request, ClinicAdmin(user, user.clinic, actor), **kwargs)
        patch_cache_control(response, no_store=True)
        return response

    return run


def _done(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("accounts:users")


def _refused(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    messages.error(request, exc.problem)
    return redirect("accounts:users")


@clinic_admin_page
def user_list(request: HttpRequest, admin: ClinicAdmin) -> HttpResponse:
    users = list(
        User.objects.filter(clinic=admin.clinic).prefetch_related("groups").order_by("username")
    )
    failures = services.lockouts([u.username for u in users])
    limit = services.failure_limit()
    rows = []
    for u in users:
        role = next((r for r in ROLES if r in {g.name for g in u.groups.all()}), None)
        rows.append(
            {
                "user": u,
                "role": role,
                "failures": failures.get(u.username, 0),
                "locked": failures.get(u.username, 0) >= limit,
                "role_form": RoleForm(initial={"role": role}, auto_id=f"id_%s_{u.pk}"),
            }
        )
    record(admin.actor, Action.LIST, "user", "", count=len(rows))
    context = {
        "rows": rows,
        "clinic": admin.clinic,
        "today": clinic_today(admin.clinic),
        "link_hours": _link_hours(),
    }
    return render(request, "accounts/users.html", context)


@clinic_admin_page
def time_zone(request: HttpRequest, admin: ClinicAdmin) -> HttpResponse:
    """Show the clinic's time zone and today's date there; a POST changes the zone."""
    form = TimeZoneForm(request.POST or None, initial={"time_zone": admin.clinic.time_zone})
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["time_zone"]  # checked by the model's own validator
        services.set_time_zone(admin.actor, admin.clinic, zone)
        return _done(request, f"The clinic's time zone is now {zone}.")
    record(admin.actor, Action.READ, "clinic", admin.clinic.pk, view="time zone")
    context = {"form": form, "clinic": admin.clinic, "today": clinic_today(admin.clinic)}
    return render(request, "accounts/time_zone.html", context)


@clinic_admin_page
def invite(request: HttpRequest, admin: ClinicAdmin) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _ = invitations.invite(
                admin.actor,
                admin.clinic,
                data["username"],
                data["role"],
                data["email"],
                request.build_absolute_uri("/").rstrip("/"),
                invited_by=admin.user.get_full_name() or admin.user.get_username(),
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.problem)
        else:
            return _done(request, f"Invitation sent to {user.email}.")
    context = {
        "form": form,
        "clinic": admin.clinic,
        "link_hours": _link_hours(),
        "mfa_required": require_mfa_setting(),
    }
    return render(request, "accounts/invite.html", context)


def _link_hours() -> int:
    return int(links.link_lifetime().total_seconds() // 3600)


@require_POST
@clinic_admin_page
def change_role(request: HttpRequest, admin: ClinicAdmin, user_id: int) -> HttpResponse:
    user = admin.member(user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _refused(request, InvalidInput("role", "choose one of the roles"))
    try:
        admin.not_self(user)
        services.change_role(admin.actor, user, form.cleaned_data["role"])
    except InvalidInput as exc:
        return _refused(request, exc)
    return _done(request, f"{user.username} is now {form.cleaned_data['role']}.")


@require_POST
@clinic_admin_page
def deactivate(request: HttpRequest, admin: ClinicAdmin, user_id: int) -> HttpResponse:
    user = admin.member(user_id)
    try:
        admin.not_self(user)
    except InvalidInput as exc:
        return _refused(request, exc)
    services.set_active(admin.actor, user, active=False)
    return _done(request, f"{user.username} is deactivated.")


@require_POST
@clinic_admin_page
def reactivate(request: HttpRequest, admin: ClinicAdmin, user_id: int) -> HttpResponse:
    user = admin.member(user_id)
    services.set_active(admin.actor, user, active=True)
    return _done(request, f"{user.username} is active again.")


@require_POST
@clinic_admin_page
def unlock(request: HttpRequest, admin: ClinicAdmin, user_id: int) -> HttpResponse:
    user = admin.member(user_id)
    cleared = services.unlock(admin.actor, user)
    return _done(request, f"{user.username} is unlocked ({cleared} record(s) cleared).")


@require_POST
@clinic_admin_page
def send_link(request: HttpRequest, admin: ClinicAdmin, user_id: int) -> HttpResponse:
    user = admin.member(user_id)
    try:
        invitations.send_link(
            admin.actor,
            user,
            request.build_absolute_uri("/").rstrip("/"),
            invited_by=admin.user.get_full_name() or admin.user.get_username(),
        )
    except InvalidInput as exc:
        return _refused(request, exc)
    return _done(request, f"A set-password link was sent to {user.email}.")

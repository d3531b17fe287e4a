"""The enrolment and verification pages (``/accounts/mfa/enrol/`` and ``/accounts/mfa/verify/``).

Both are for the signed-in user's own second factor and show no patient data. Neither page is
cached (``no-store``): one shows the secret, the other the one-time recovery codes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ldnderm.web.accounts.lockout import lockout_response
from ldnderm.web.accounts.models import User
from ldnderm.web.audit.log import Action, Actor, record
from ldnderm.web.mfa import devices, session
from ldnderm.web.mfa.forms import CodeForm
from ldnderm.web.mfa.policy import has_device
from ldnderm.web.mfa.qr import qr_svg
from ldnderm.web.mfa.throttle import count_failure, locked_out

WRONG_CODE = (
    "That code is not right, or it was already used. Enter the code your authenticator app "
    "shows now, or an unused recovery code."
)
WRONG_ENROLMENT_CODE = "That code does not match. Enter the code your authenticator app shows now."


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: a ``next`` on this site, else the log-in landing page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": next_url}))


def _refusal(check: devices.Check, wrong: str) -> str:
    if check.wait_seconds is not None:
        return f"Too many wrong codes: wait {check.wait_text} and try again."
    return wrong


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Show the QR code and the secret of a new TOTP device; confirm it with a current code,
    then show the recovery codes once."""
    user, next_url = _user(request), _next(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    try:
        if form.is_valid():
            result = devices.confirm_enrolment(user, form.cleaned_data["code"])
            if isinstance(result, devices.Check):
                form.add_error("code", _refusal(result, WRONG_ENROLMENT_CODE))
            else:
                device, codes = result
                session.mark_verified(request, device)
                record(Actor.from_request(request), Action.CREATE, "mfa_device", device.pk)
                shown = {"codes": codes, "next": next_url}
                return render(request, "mfa/recovery_codes.html", shown)
        device = devices.pending_device(user)
    except devices.AlreadyEnrolled:
        if session.state_of(request) == session.PENDING:
            return _to("mfa:verify", next_url)
        messages.info(request, "This account already has an authenticator app.")
        return HttpResponseRedirect(next_url)
    context: dict[str, object] = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device.config_url),
        "secret": devices.secret_of(device),
        "second_factor_pending": session.state_of(request) == session.PENDING,
    }
    return render(request, "mfa/enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator app (or a recovery code) to complete the log-in."""
    user, next_url = _user(request), _next(request)
    if session.state_of(request) != session.PENDING:
        return HttpResponseRedirect(next_url)
    if not has_device(user):
        return _to("mfa:enrol", next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if locked_out(request, user.get_username()):
            return lockout_response(request)
        check = devices.check_code(user, form.cleaned_data["code"])
        if check.ok:
            session.mark_verified(request, check.device)
            actor = Actor.from_request(request)
            record(actor, Action.LOGIN, "mfa", user.pk, factor=check.factor)
            if check.factor == "recovery":
                left = devices.recovery_codes_left(user)
                messages.warning(request, f"You used a recovery code: {left} left.")
            return HttpResponseRedirect(next_url)
        count_failure(request, user.get_username())
        form.add_error("code", _refusal(check, WRONG_CODE))
    context = {"form": form, "next": next_url, "second_factor_pending": True}
    return render(request, "mfa/verify.html", context)

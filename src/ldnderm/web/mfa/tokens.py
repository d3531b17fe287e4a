"""The second factor on ``POST /api/v1/auth/token``.

An account that needs one (:func:`ldnderm.web.mfa.policy.second_factor_needed`) gets a token only
with a current code in the ``totp`` field (a recovery code is accepted too), or when the request
comes from this user's own session that has already passed the second factor, with its CSRF token.
A missing or wrong code is a 401 whose message names ``totp``, and counts as a failed log-in.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.utils import check_csrf

from ldnderm.web.accounts.models import User
from ldnderm.web.mfa import devices
from ldnderm.web.mfa.policy import second_factor_needed
from ldnderm.web.mfa.session import is_verified_as
from ldnderm.web.mfa.throttle import count_failure

MISSING = (
    "totp: this account uses a second factor; send the current code from its authenticator app "
    "(or an unused recovery code) in the totp field"
)
WRONG = "totp: the code is wrong or was already used"


def refusal(request: HttpRequest, user: User, code: str | None) -> str | None:
    """Why ``user`` may not have a token yet (a message naming ``totp``), or ``None``.

    A refusal is counted as a failed log-in (django-axes and the audit trail).
    """
    if not second_factor_needed(user):
        return None
    if is_verified_as(request, user) and check_csrf(request) is None:
        return None
    if not code:
        reason = MISSING
    else:
        check = devices.check_code(user, code)
        if check.ok:
            return None
        reason = WRONG
        if check.wait_seconds is not None:
            reason = f"totp: too many wrong codes; try again in {check.wait_text}"
    count_failure(request, user.get_username())
    return reason

"""Who runs a command-line change, for the audit trail.

A command that writes or exports patient data (``fhir import``, ``fhir export``,
``patient erase``) takes ``--user USERNAME``: the registry user in whose name it acts, recorded
as the actor (the operating-system account is recorded beside it, in ``path``). ``--user`` is
required as soon as the registry has any user; only a registry without users (a fresh install,
before ``createsuperuser`` or ``demo``) records the operating-system account alone, as
``os:<name>``. The user must be active, and belong to the clinic acted on unless a superuser.
"""

from __future__ import annotations

import getpass

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.accounts.models import User
from ldnderm.web.audit.log import Actor


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (some containers)
        return "unknown"


def cli_actor(username: str | None, command: str, clinic_id: int | None = None) -> Actor:
    """The actor of a CLI ``command``; InvalidInput naming ``--user`` when it cannot be."""
    path = f"cli:{command} (os user {os_user()})"[:300]
    if username is None:
        if User.objects.exists():
            raise InvalidInput(
                "--user",
                "is required: name the registry user running this command "
                "(the audit trail records them)",
            )
        return Actor(user_id=None, username=f"os:{os_user()}"[:150], clinic_id=None, path=path)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput("--user", f"{username!r} is not an active user")
    if clinic_id is not None and not user.is_superuser and user.clinic_id != clinic_id:
        raise InvalidInput("--user", f"{username!r} does not belong to this clinic")
    return Actor(user_id=user.pk, username=user.get_username(), clinic_id=user.clinic_id, path=path)

"""Account commands for the CLI (``ldnderm clinic``, ``user`` and ``token``). The CLI imports this
module on use; it sets Django up itself. Every change is audited as ``system:cli``."""

from __future__ import annotations

from dataclasses import dataclass

from ldnderm.web import runtime


@dataclass(frozen=True)
class NewUser:
    username: str
    clinic: str
    role: str
    email: str
    set_password_url: str | None
    link_hours: int | None


def add_clinic(slug: str, name: str, time_zone: str | None) -> tuple[str, str, str]:
    """Create the clinic; return its id, name and time zone. A bad zone names ``--time-zone``."""
    runtime.setup()
    from ldnderm.kernel.errors import InvalidInput
    from ldnderm.web.accounts import services

    try:
        clinic = services.add_clinic(services.CLI_ACTOR, slug, name, time_zone)
    except InvalidInput as exc:
        if exc.field != "time_zone":
            raise
        raise InvalidInput("--time-zone", exc.problem, exc.allowed) from None
    return clinic.slug, clinic.name, clinic.time_zone


def add_user(
    username: str, clinic: str, role: str, email: str, password: str | None, site_url: str | None
) -> NewUser:
    """Create the user; without ``password``, mail them a set-password link and return it."""
    runtime.setup()
    from django.conf import settings

    from ldnderm.web.accounts import invitations, links, services

    actor = services.CLI_ACTOR
    target = services.clinic_by_id(clinic)
    url = hours = None
    if password is None:
        base = site_url or settings.LDNDERM_SITE_URL
        user, url = invitations.invite(actor, target, username, role, email, base)
        hours = int(links.link_lifetime().total_seconds() // 3600)
    else:
        user = services.add_user(actor, username, target, role, email, password)
    return NewUser(user.get_username(), target.slug, role, user.email, url, hours)


def unlock(username: str) -> int:
    runtime.setup()
    from ldnderm.web.accounts import services

    return services.unlock(services.CLI_ACTOR, services.user_by_username(username))


def deactivate(username: str) -> None:
    runtime.setup()
    from ldnderm.web.accounts import services

    services.set_active(services.CLI_ACTOR, services.user_by_username(username), active=False)


def create_token(username: str, days: int | None) -> tuple[str, str]:
    """A new API token for ``username``: the raw value and its expiry (ISO 8601)."""
    runtime.setup()
    from ldnderm.web.accounts import services

    raw, row = services.issue_token(services.CLI_ACTOR, services.user_by_username(username), days)
    return raw, row.expires_at.isoformat(timespec="seconds")

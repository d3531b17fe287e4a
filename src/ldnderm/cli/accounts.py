"""``ldnderm clinic``, ``ldnderm user`` and ``ldnderm token``: set up clinics, staff and API tokens.

They reach Django only through ``ldnderm.web.accounts.commands`` (imported on use). Bad input
(an unknown clinic or user, a duplicate, a bad role or email address, a weak password) exits 2
with one line naming the field.
"""

from __future__ import annotations

import json
import sys

import typer

from ldnderm.kernel.errors import InvalidInput

clinic_app = typer.Typer(help="Clinics (tenants).", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(clinic_app, name="clinic")
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    clinic_app.command("add")(clinic_add)
    user_app.command("add")(user_add)
    user_app.command("unlock")(user_unlock)
    user_app.command("deactivate")(user_deactivate)
    token_app.command("create")(token_create)


def clinic_add(
    clinic_id: str = typer.Argument(..., metavar="ID", help="Short id, e.g. westfield."),
    name: str = typer.Option(..., "--name", help="The clinic's full name."),
    time_zone: str | None = typer.Option(
        None,
        "--time-zone",
        help="IANA time zone, e.g. Europe/London (default LDNDERM_DEFAULT_TIME_ZONE).",
    ),
) -> None:
    """Create a clinic. Its time zone gives its "today" and the dates its pages show."""
    from ldnderm.web.accounts import commands

    slug, full_name, zone = commands.add_clinic(clinic_id, name, time_zone)
    typer.echo(f"Clinic {slug} created: {full_name} (time zone {zone})")


def _password_from_stdin() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InvalidInput("password", "nothing was read from stdin")
    return line


def user_add(
    username: str = typer.Argument(..., help="The log-in name."),
    clinic: str = typer.Option(..., "--clinic", help="The clinic's id."),
    role: str = typer.Option(..., "--role", help="clinician, staff, researcher or admin."),
    email: str = typer.Option(..., "--email", help="Where the set-password link is sent."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
    site_url: str = typer.Option(
        "", "--site-url", help="The site's address for the link (default LDNDERM_SITE_URL)."
    ),
) -> None:
    """Create a user of a clinic with a role.

    With --password-stdin the password is read from stdin. Otherwise the account has no
    password yet: a one-time set-password link is printed and emailed to the user.
    """
    from ldnderm.web.accounts import commands

    password = _password_from_stdin() if password_stdin else None
    new = commands.add_user(username, clinic, role, email, password, site_url or None)
    typer.echo(f"User {new.username} created in clinic {new.clinic} (role {new.role})")
    if new.set_password_url is not None:
        typer.echo(
            f"Set-password link (works once, expires in {new.link_hours} hours), "
            f"emailed to {new.email}:\n{new.set_password_url}"
        )


def user_unlock(username: str = typer.Argument(..., help="The log-in name.")) -> None:
    """Clear the failed log-ins that locked the user out (from every address)."""
    from ldnderm.web.accounts import commands

    cleared = commands.unlock(username)
    typer.echo(f"User {username} unlocked ({cleared} lockout record(s) cleared)")


def user_deactivate(username: str = typer.Argument(..., help="The log-in name.")) -> None:
    """Stop a user from signing in; their sessions and API tokens stop working at once."""
    from ldnderm.web.accounts import commands

    commands.deactivate(username)
    typer.echo(f"User {username} deactivated")


def token_create(
    username: str = typer.Argument(..., help="Whose token."),
    days: int | None = typer.Option(None, "--days", help="Valid for N days (1-365; default 30)."),
    as_json: bool = typer.Option(False, "--json", help="Print the token and its expiry as JSON."),
) -> None:
    """Create an API token and print it (shown once: only its hash is stored).

    Use it as ``Authorization: Bearer <token>``.
    """
    from ldnderm.web.accounts import commands

    raw, expires_at = commands.create_token(username, days)
    if as_json:
        typer.echo(json.dumps({"username": username, "token": raw, "expires_at": expires_at}))
    else:
        typer.echo(raw)

"""``ldnderm demo``, ``ldnderm registry rescore`` and ``ldnderm registry rescreen``: the clinic
registry from the command line.

Both reach Django only through ``ldnderm.web.registry.commands`` (imported on use).
"""

from __future__ import annotations

import json

import typer

from ldnderm.cli.errors import EXIT_INVALID

registry_app = typer.Typer(help="The clinic registry.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.add_typer(registry_app, name="registry")
    registry_app.command("rescore")(rescore)
    registry_app.command("rescreen")(rescreen)


LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"


RESET_HINT = "ldnderm demo --reset-passwords"


def demo(
    as_json: bool = typer.Option(False, "--json", help="Print the accounts as JSON."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the registry already holds patients."
    ),
    reset_passwords: bool = typer.Option(
        False,
        "--reset-passwords",
        help="Give the existing demo accounts new passwords (and print them).",
    ),
    login_url: str = typer.Option(
        LOGIN_URL, "--login-url", help="Where the site's log-in page is (printed as a hint)."
    ),
) -> None:
    """Load synthetic demo data: two demo clinics, a user of each role in each, ~50 patients.

    Safe to run again: nothing is duplicated and no existing password changes. Passwords are
    printed only for the accounts this run creates; they are never stored in clear, so to get
    the log-ins back run `ldnderm demo --reset-passwords`, which gives the demo accounts new
    ones. A clinic or user of a demo name that is not a demo clinic's is never touched (exit 2).
    """
    from ldnderm.web.registry import commands

    users = commands.demo(if_empty=if_empty, reset_passwords=reset_passwords)
    if users is None:
        if as_json:
            skipped = {"users": [], "skipped": "registry not empty", "login_url": login_url}
            typer.echo(json.dumps(skipped))
        else:
            typer.echo("Demo data not loaded: the registry already holds patients.")
            typer.echo(f"Sign in at {login_url}")
            if commands.has_demo_clinics():
                typer.echo(
                    f"Demo log-ins lost? `{RESET_HINT}` gives the demo accounts new passwords "
                    "and prints them."
                )
        return
    if as_json:
        typer.echo(json.dumps({"users": users, "login_url": login_url}, indent=2))
        return
    with_password = [u for u in users if u["password"]]
    kept = [u for u in users if not u["password"]]
    typer.echo("Demo data ready (synthetic demo clinics: they describe no real person).")
    if with_password:
        typer.echo(f"Sign in at {login_url} with one of these accounts:")
        typer.echo(f"  {'clinic':<10} {'role':<11} {'username':<22} password")
        for u in with_password:
            typer.echo(f"  {u['clinic']:<10} {u['role']:<11} {u['username']:<22} {u['password']}")
        typer.echo("The passwords are not stored in clear: keep them now.")
    if kept:
        names = ", ".join(str(u["username"]) for u in kept)
        typer.echo(f"Existing accounts kept their passwords: {names}")
        typer.echo(f"Sign in at {login_url}; `{RESET_HINT}` gives them new passwords.")


def rescore(
    measure: str = typer.Option("", "--measure", help="Only this measure id (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Recompute every stored assessment from its raw responses with the current measures.

    A row that cannot be scored (for example a count above the measure's bound, saved before
    the bound existed) is reported with its id and reason and left unchanged; the others are
    rescored all the same. The exit code is then 2.
    """
    from ldnderm.web.registry import commands

    seen, changed, failed = commands.rescore(measure or None)
    if as_json:
        rows = [{"id": pk, "reason": reason} for pk, reason in failed]
        typer.echo(json.dumps({"assessments": seen, "changed": changed, "failed": rows}))
    else:
        typer.echo(f"rescored {seen} assessments; {changed} changed; {len(failed)} failed")
    for pk, reason in failed:
        typer.echo(f"ldnderm: assessment {pk} cannot be scored: {reason}", err=True)
    if failed:
        raise typer.Exit(EXIT_INVALID)


def rescreen(
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """Re-screen every active course's stored profile under the current knowledge base and list
    the courses whose verdict got worse (old and new verdict and knowledge versions).

    The stored facts and date are screened again unchanged, so only the knowledge differs. Stores
    nothing (there is no flag that does): the screening snapshot stays the record of the start.
    Exit 0 whatever is found.
    """
    from ldnderm.web.registry import commands

    seen, rows = commands.rescreen()
    if as_json:
        typer.echo(json.dumps({"rescreened": seen, "worse": rows}, indent=2))
        return
    typer.echo(f"re-screened {seen} active courses; {len(rows)} got worse")
    for r in rows:
        typer.echo(
            f"  course {r['course_id']} (patient {r['patient_id']}, clinic {r['clinic_id']}, "
            f"{r['condition_id']}, started {r['started_on']}): {r['old_verdict']} -> "
            f"{r['new_verdict']} (knowledge {r['old_knowledge_version']} -> "
            f"{r['new_knowledge_version'] or 'n/a'})"
        )
        for f in r["new_findings"]:  # type: ignore[attr-defined]
            typer.echo(f"    new: {f['severity']} {f['rule']}: {f['title']}")
        if r["error"]:
            typer.echo(f"    stored profile does not read: {r['error']}")

"""``ldnderm clinic add``, ``user add|unlock|deactivate`` and ``token create``: what an operator
types to set up a clinic, and the one-line exit-2 answers to bad input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from ldnderm.cli.app import main
from ldnderm.web.accounts.models import ApiToken, Clinic, User
from ldnderm.web.audit.models import AuditEvent

pytestmark = pytest.mark.db

PASSWORD = "a long passphrase for dana"


@dataclass(frozen=True)
class Done:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def ldnderm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    def run(*args: str, stdin: str = "") -> Done:
        monkeypatch.setattr("sys.argv", ["ldnderm", *args])
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(stdin))
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main()
        out = capsys.readouterr()
        return Done(int(exited.value.code or 0), out.out, out.err)

    return run


@pytest.fixture
def westfield(ldnderm: Any) -> Clinic:
    done = ldnderm("clinic", "add", "westfield", "--name", "Westfield Dermatology")
    assert done.code == 0, done.stderr
    assert done.stdout == (
        "Clinic westfield created: Westfield Dermatology (time zone Europe/London)\n"
    )
    return Clinic.objects.get(slug="westfield")


def add_dana(ldnderm: Any, *extra: str) -> Done:
    done: Done = ldnderm(
        "user", "add", "dana", "--clinic", "westfield", "--role", "clinician",
        "--email", "dana@example.org", *extra, stdin=PASSWORD + "\n",
    )  # fmt: skip
    return done


class TestClinicAdd:
    def test_it_creates_a_clinic_and_audits_it(self, westfield: Clinic) -> None:
        assert westfield.name == "Westfield Dermatology"
        event = AuditEvent.objects.get(object_type="clinic")
        assert (event.username, event.action, event.clinic_id) == (
            "system:cli",
            "create",
            westfield.pk,
        )

    def test_it_takes_an_iana_time_zone_and_audits_it(self, ldnderm: Any) -> None:
        done = ldnderm("clinic", "add", "tokyo", "--name", "Tokyo", "--time-zone", "Asia/Tokyo")
        assert (done.code, done.stdout) == (
            0,
            "Clinic tokyo created: Tokyo (time zone Asia/Tokyo)\n",
        )
        assert Clinic.objects.get(slug="tokyo").time_zone == "Asia/Tokyo"
        event = AuditEvent.objects.get(object_type="clinic")
        assert event.detail == {"slug": "tokyo", "time_zone": "Asia/Tokyo"}

    def test_without_a_time_zone_it_takes_the_configured_default(
        self, ldnderm: Any, settings: Any
    ) -> None:
        settings.LDNDERM_DEFAULT_TIME_ZONE = "America/Chicago"
        assert ldnderm("clinic", "add", "chi", "--name", "Chicago").code == 0
        assert Clinic.objects.get(slug="chi").time_zone == "America/Chicago"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["westfield", "--name", "Other"], "ldnderm: id: a clinic 'westfield' already exists"),
            (["other", "--name", "Westfield Dermatology"], "ldnderm: name: a clinic named"),
            (["bad id", "--name", "X"], "ldnderm: id: 'bad id' is not a clinic id"),
            (["ok", "--name", " "], "ldnderm: name: must be 1 to 200 characters"),
            (
                ["ok", "--name", "OK", "--time-zone", "Mars/Olympus_Mons"],
                "ldnderm: --time-zone: 'Mars/Olympus_Mons' is not an IANA time zone name",
            ),
            (["ok", "--name", "OK", "--time-zone", ""], "ldnderm: --time-zone: '' is not"),
        ],
    )
    def test_bad_input_exits_2_naming_the_field(
        self, ldnderm: Any, westfield: Clinic, args: list[str], message: str
    ) -> None:
        done = ldnderm("clinic", "add", *args)
        assert done.code == 2
        assert done.stderr.startswith(message) and done.stderr.count("\n") == 1
        assert Clinic.objects.count() == 1


class TestUserAdd:
    def test_with_a_password_from_stdin_the_user_can_log_in(
        self, ldnderm: Any, westfield: Clinic
    ) -> None:
        done = add_dana(ldnderm, "--password-stdin")
        assert done.code == 0, done.stderr
        assert done.stdout == "User dana created in clinic westfield (role clinician)\n"
        dana = User.objects.get(username="dana")
        assert (dana.clinic, dana.role, dana.email) == (westfield, "clinician", "dana@example.org")
        assert dana.check_password(PASSWORD) and not dana.is_staff
        assert mail.outbox == []
        signed_in = Client().post("/accounts/login/", {"username": "dana", "password": PASSWORD})
        assert signed_in.status_code == 302
        event = AuditEvent.objects.get(object_type="user", action="create")
        assert event.detail == {"username": "dana", "role": "clinician", "password_set": True}

    def test_without_a_password_it_prints_and_mails_the_same_one_time_link(
        self, ldnderm: Any, westfield: Clinic
    ) -> None:
        done = add_dana(ldnderm, "--site-url", "https://derm.example.org")
        assert done.code == 0, done.stderr
        (url,) = re.findall(
            r"^https://derm\.example\.org/accounts/set-password/\S+$", done.stdout, re.M
        )
        assert "expires in 72 hours" in done.stdout
        (message,) = mail.outbox
        assert message.to == ["dana@example.org"] and url in message.body
        assert not User.objects.get(username="dana").has_usable_password()
        path = url.removeprefix("https://derm.example.org")
        client = Client()
        form = client.get(path, follow=True)
        assert form.context["validlink"]
        new = "another long passphrase 42"
        set_url = form.redirect_chain[-1][0]
        client.post(set_url, {"new_password1": new, "new_password2": new})
        assert User.objects.get(username="dana").check_password(new)
        assert not Client().get(path, follow=True).context["validlink"]  # single use

    def test_an_admin_may_read_the_audit_trail_in_the_admin(
        self, ldnderm: Any, westfield: Clinic
    ) -> None:
        done = ldnderm(
            "user", "add", "ada", "--clinic", "westfield", "--role", "admin",
            "--email", "ada@example.org", "--password-stdin", stdin=PASSWORD,
        )  # fmt: skip
        assert done.code == 0, done.stderr
        ada = User.objects.get(username="ada")
        assert ada.is_staff and ada.has_perm("audit.view_auditevent")
        assert not ada.has_perm("accounts.view_user")

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"--clinic": "nowhere"}, "ldnderm: clinic: no clinic 'nowhere'"),
            ({"--role": "boss"}, "ldnderm: role: 'boss' is not a role (allowed: clinician, staff"),
            ({"--email": "not-mail"}, "ldnderm: email: 'not-mail' is not an email address"),
            ({"--email": "DANA@example.org", "username": "dan"}, "ldnderm: email: 'DANA@exam"),
            ({}, "ldnderm: username: 'dana' is already taken"),
            ({"username": "no spaces"}, "ldnderm: username: 'no spaces' is not a username"),
        ],
    )
    def test_bad_input_exits_2_naming_the_field(
        self, ldnderm: Any, westfield: Clinic, change: dict[str, str], message: str
    ) -> None:
        assert add_dana(ldnderm, "--password-stdin").code == 0
        options = {"--clinic": "westfield", "--role": "staff", "--email": "x@example.org"}
        options.update({k: v for k, v in change.items() if k.startswith("--")})
        if "--email" not in change:
            options["--email"] = "x@example.org" if change else "other@example.org"
        args = [a for kv in options.items() for a in kv]
        done = ldnderm(
            "user", "add", change.get("username", "dana"), *args, "--password-stdin", stdin=PASSWORD
        )
        assert done.code == 2, done
        assert done.stderr.startswith(message) and done.stderr.count("\n") == 1
        assert User.objects.count() == 1

    @pytest.mark.parametrize(
        ("stdin", "message"),
        [
            ("short\n", "ldnderm: password: This password is too short"),
            ("\n", "ldnderm: password: nothing was read from stdin"),
        ],
    )
    def test_a_weak_or_missing_password_exits_2(
        self, ldnderm: Any, westfield: Clinic, stdin: str, message: str
    ) -> None:
        done = ldnderm(
            "user", "add", "fred", "--clinic", "westfield", "--role", "staff",
            "--email", "f@example.org", "--password-stdin", stdin=stdin,
        )  # fmt: skip
        assert (done.code, done.stderr.startswith(message)) == (2, True), done
        assert not User.objects.filter(username="fred").exists()


class TestUnlockDeactivateToken:
    def test_unlock_clears_axes_lockouts(self, ldnderm: Any, westfield: Clinic) -> None:
        add_dana(ldnderm, "--password-stdin")
        client = Client(REMOTE_ADDR="127.0.0.9")
        for _ in range(5):
            client.post("/accounts/login/", {"username": "dana", "password": "wrong"})
        locked = client.post("/accounts/login/", {"username": "dana", "password": PASSWORD})
        assert locked.status_code == 429
        done = ldnderm("user", "unlock", "dana")
        assert (
            done.code == 0 and done.stdout == "User dana unlocked (1 lockout record(s) cleared)\n"
        )
        assert not AccessAttempt.objects.filter(username="dana").exists()
        again = client.post("/accounts/login/", {"username": "dana", "password": PASSWORD})
        assert again.status_code == 302

    def test_token_create_prints_a_working_token_and_deactivate_stops_it(
        self, ldnderm: Any, westfield: Clinic
    ) -> None:
        add_dana(ldnderm, "--password-stdin")
        done = ldnderm("token", "create", "dana", "--days", "2")
        assert done.code == 0, done.stderr
        token = done.stdout.strip()
        row = ApiToken.objects.get()
        assert 47 * 3600 < (row.expires_at - row.created_at).total_seconds() <= 48 * 3600
        auth = {"Authorization": f"Bearer {token}"}
        assert Client().get("/api/v1/patients", headers=auth).status_code == 200
        assert ldnderm("user", "deactivate", "dana").stdout == "User dana deactivated\n"
        assert Client().get("/api/v1/patients", headers=auth).status_code == 401
        assert ApiToken.objects.get().revoked_at is not None
        refused = ldnderm("token", "create", "dana")
        assert (refused.code, refused.stderr) == (2, "ldnderm: username: 'dana' is deactivated\n")

    def test_token_json_names_the_expiry(self, ldnderm: Any, westfield: Clinic) -> None:
        add_dana(ldnderm, "--password-stdin")
        done = ldnderm("token", "create", "dana", "--json")
        body = __import__("json").loads(done.stdout)
        assert body["username"] == "dana" and body["expires_at"].startswith("20")
        assert ApiToken.find(body["token"]) is not None

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["user", "unlock", "nobody"], "ldnderm: username: no user 'nobody'\n"),
            (["user", "deactivate", "nobody"], "ldnderm: username: no user 'nobody'\n"),
            (["token", "create", "nobody"], "ldnderm: username: no user 'nobody'\n"),
            (
                ["token", "create", "dana", "--days", "0"],
                "ldnderm: days: 0 is out of range (allowed: 1-365)\n",
            ),
        ],
    )
    def test_unknown_users_and_bad_days_exit_2(
        self, ldnderm: Any, westfield: Clinic, args: list[str], message: str
    ) -> None:
        add_dana(ldnderm, "--password-stdin")
        done = ldnderm(*args)
        assert (done.code, done.stderr) == (2, message)

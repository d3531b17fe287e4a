"""The console entry point: ``--version`` without Typer, and pydantic's plugin scan off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldnderm import __version__
from ldnderm.cli.entry import main


def _run(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )


def test_version_is_answered_without_importing_typer_or_pydantic() -> None:
    done = _run(
        "import sys\n"
        "from ldnderm.cli.entry import main\n"
        "try:\n    main(['--version'])\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "print(code, 'typer' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ldnderm {__version__}\n0 False False\n"


def test_python_dash_m_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ldnderm", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"ldnderm {__version__}\n", "")


def test_other_commands_run_with_pydantic_plugins_disabled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["ldnderm"])  # main() puts its arguments there
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    responses = tmp_path / "itch.json"
    responses.write_text('{"score": 6}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["score", "itch-nrs", str(responses), "--json"])
    assert exit_.value.code == 0
    assert '"total": 6' in capsys.readouterr().out
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"


def test_a_users_own_plugin_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["ldnderm"])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"


def test_version_among_other_arguments_still_goes_through_typer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["ldnderm"])
    with pytest.raises(SystemExit) as exit_:
        main(["--version", "score"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"ldnderm {__version__}\n"

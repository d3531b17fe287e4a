"""Every ```console block in README.md runs as written and prints what it shows.

The convention, for whoever edits the README:

- A block fenced as ```console is run; ```sh and ```bash blocks (``make`` targets, ``ldnderm
  serve``, synopses with placeholders) are not, and must not use ``$ `` prompts.
- A block fenced as ```console server talks to a running site: ``tests/test_readme_server.py``
  starts ``ldnderm serve`` on a free loopback port, sets ``LDNDERM_URL`` to it, and runs the block
  with the same rules (one database for the server and the block; loopback only).
- Each line starting with ``$ `` is one command, run by ``bash -c`` from the repository root.
  Commands run in order, and the blocks run independently of each other.
- The lines under a command, up to the next ``$ `` line or the end of the block, are its output:
  stdout and stderr together, as a terminal shows them. They must match the output line for line
  (trailing spaces and trailing blank lines aside). A line that is exactly ``...`` stands for any
  number of lines, none included, so a block can show the start, the end or pieces of a long
  output. A command shown with no output must print nothing.
- A command must exit 0, unless the last line under it is ``[exit N]``: then it must exit ``N``.
- Each block gets a fresh, empty SQLite database (``DATABASE_URL``) and var directory in a
  temporary directory, so a block that needs the registry starts with
  ``$ .venv/bin/ldnderm migrate``. Nothing touches ``./var``.
- Nothing may use the network. Where unprivileged user namespaces are available (most Linux
  machines), each command runs in an empty network namespace (``unshare -rn``), so any
  connection fails; elsewhere, proxy variables point HTTP clients at a closed local port.

This test starts subprocesses against its own database file, so it needs no Django test
database and is not marked ``db``. The blocks run in parallel to keep it to a few seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ELLIPSIS = "..."
EXIT_LINE = re.compile(r"\[exit (\d+)\]")
TIMEOUT_S = 60
TEST_SECRET = "test-only-secret-key-not-for-production-0123456789"


@dataclass(frozen=True)
class Command:
    line: int  # 1-based line of the ``$ `` prompt in README.md
    text: str
    expected: tuple[str, ...]
    exit_code: int


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the opening fence
    commands: tuple[Command, ...]


@dataclass(frozen=True)
class Ran:
    command: Command
    exit_code: int
    output: str


CONSOLE, SERVER = "console", "console server"
"""The info strings of the blocks that are run (offline, and against a running site)."""


def parse_blocks(markdown: str, fence: str = CONSOLE) -> list[Block]:
    """The blocks fenced as ```{fence} in ``markdown``, each split into commands and expected
    output."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```" + fence:
            i += 1
            continue
        start = i + 1
        body: list[tuple[int, str]] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append((i + 1, lines[i]))
            i += 1
        if i == len(lines):
            raise ValueError(f"README.md:{start}: {fence} block is not closed")
        blocks.append(Block(start, tuple(_commands(start, body))))
        i += 1
    return blocks


def _commands(start: int, body: list[tuple[int, str]]) -> Iterator[Command]:
    current: tuple[int, str] | None = None
    shown: list[str] = []
    count = 0
    for number, text in [*body, (0, "$ ")]:  # a sentinel prompt closes the last command
        if not text.startswith("$ "):
            if current is None:
                raise ValueError(f"README.md:{number}: output before the first `$ ` command")
            shown.append(text.rstrip())
            continue
        if current is not None:
            while shown and not shown[-1]:
                shown.pop()
            code = 0
            if shown and (found := EXIT_LINE.fullmatch(shown[-1])):
                code = int(found.group(1))
                shown.pop()
            yield Command(current[0], current[1], tuple(shown), code)
            count += 1
        current, shown = (number, text[2:].strip()), []
    if count == 0:
        raise ValueError(f"README.md:{start}: console block without a command")


def output_matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """``actual`` line for line, where an ``...`` line in ``expected`` matches any run of lines."""
    e = a = 0
    star_e, star_a = -1, 0
    while a < len(actual):
        if e < len(expected) and expected[e] == ELLIPSIS:
            star_e, star_a = e, a
            e += 1
        elif e < len(expected) and expected[e] == actual[a]:
            e += 1
            a += 1
        elif star_e >= 0:  # backtrack: let the last ``...`` swallow one more line
            star_a += 1
            e, a = star_e + 1, star_a
        else:
            return False
    return all(line == ELLIPSIS for line in expected[e:])


def output_lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@cache
def _no_network_prefix() -> tuple[str, ...]:
    """``unshare -rn`` when this machine allows it: the command then has no network at all."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    probe = subprocess.run(
        [unshare, "-rn", "true"], capture_output=True, timeout=TIMEOUT_S, check=False
    )
    return (unshare, "-rn") if probe.returncode == 0 else ()


def environment(workdir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LDNDERM_") and k not in {"DATABASE_URL", "PYTHONSTARTUP"}
    }
    closed = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused
    env.update(
        DJANGO_SETTINGS_MODULE="ldnderm.web.settings",
        LDNDERM_SECRET_KEY=TEST_SECRET,
        LDNDERM_VAR_DIR=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir / 'readme.sqlite3'}",
        PYTHONIOENCODING="utf-8",
        http_proxy=closed,
        https_proxy=closed,
        HTTP_PROXY=closed,
        HTTPS_PROXY=closed,
        no_proxy="",
        NO_PROXY="",
    )
    return env


def run_block(block: Block, env: Mapping[str, str] | None = None) -> list[Ran]:
    """Run the commands of ``block`` in order, each in bash, with a fresh database; or, given
    ``env`` (a running site's), with that environment and the network namespace kept, so that
    the commands reach the site on loopback."""
    done: list[Ran] = []
    with tempfile.TemporaryDirectory(prefix="ldnderm-readme-") as tmp:
        prefix = _no_network_prefix() if env is None else ()
        env = environment(Path(tmp)) if env is None else env
        for command in block.commands:
            proc = subprocess.run(
                [*prefix, "bash", "-c", command.text],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT_S,
                check=False,
            )
            done.append(Ran(command, proc.returncode, proc.stdout.decode("utf-8", "replace")))
    return done


def failures(ran: Sequence[Ran]) -> list[str]:
    problems = []
    for r in ran:
        c = r.command
        actual = output_lines(r.output)
        if r.exit_code == c.exit_code and output_matches(c.expected, actual):
            continue
        shown = "\n".join(f"    {line}" for line in c.expected) or "    (nothing)"
        got = "\n".join(f"    {line}" for line in actual[:80]) or "    (nothing)"
        problems.append(
            f"README.md:{c.line}: $ {c.text}\n"
            f"  exit code {r.exit_code} (README expects {c.exit_code})\n"
            f"  README shows:\n{shown}\n  the command printed:\n{got}"
        )
    return problems


BLOCKS = parse_blocks(README.read_text(encoding="utf-8"))
SERVER_BLOCKS = parse_blocks(README.read_text(encoding="utf-8"), SERVER)


@pytest.fixture(scope="module")
def results() -> Mapping[int, list[Ran]]:
    """All blocks, run in parallel (each block's commands in order), keyed by opening line."""
    if not (ROOT / ".venv" / "bin" / "ldnderm").exists():
        pytest.fail(".venv/bin/ldnderm is missing: run `make install-dev` first")
    with ThreadPoolExecutor(max_workers=min(len(BLOCKS), 8) or 1) as pool:
        return dict(zip((b.line for b in BLOCKS), pool.map(run_block, BLOCKS), strict=True))


@pytest.mark.parametrize("block", BLOCKS, ids=[f"README.md:{b.line}" for b in BLOCKS])
def test_console_block_runs_as_written(block: Block, results: Mapping[int, list[Ran]]) -> None:
    problems = failures(results[block.line])
    assert not problems, "\n\n".join(problems)


class TestTheReadme:
    def test_has_console_examples_for_every_door_of_the_cli(self) -> None:
        commands = " ; ".join(c.text for b in BLOCKS for c in b.commands)
        for needed in ("score", "screen", "cds card", "fhir import", "migrate"):
            assert f"ldnderm {needed}" in commands, needed
        for name in ("dlqi.json", "profile.json", "cds-order-sign.json", "fhir-bundle.json"):
            assert f"examples/{name}" in commands, name
            assert (ROOT / "examples" / name).is_file(), name

    def test_console_commands_call_the_venv_and_never_block(self) -> None:
        for block in [*BLOCKS, *SERVER_BLOCKS]:
            for c in block.commands:
                where = f"README.md:{c.line}: {c.text}"
                # ``ldnderm.web.settings`` is a module name, not the command
                assert re.search(r"(?<![\w./-])ldnderm\b(?!\.)", c.text) is None, (
                    f"{where}: call .venv/bin/ldnderm"
                )
                assert not re.match(r"make\b", c.text), f"{where}: make targets go in ```sh"
                assert ".venv/bin/ldnderm serve" not in c.text, f"{where}: serve never returns"

    def test_other_blocks_hold_no_prompts(self) -> None:
        fence = ""
        for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                fence = "" if fence else (line[3:].strip() or "text")
            elif fence and fence not in {CONSOLE, SERVER}:
                assert not line.startswith("$ "), f"README.md:{number}: a prompt in ```{fence}"


class TestTheConvention:
    """The parser and the matcher, on small README fragments."""

    def test_commands_output_and_exit_codes(self) -> None:
        text = "x\n```console\n$ a\none\n\n$ b --bad\nerr\n[exit 2]\n$ c\n```\n"
        (block,) = parse_blocks(text)
        assert block.line == 2
        assert block.commands == (
            Command(3, "a", ("one",), 0),
            Command(6, "b --bad", ("err",), 2),
            Command(9, "c", (), 0),
        )

    def test_other_fences_are_not_run(self) -> None:
        assert parse_blocks("```sh\n$ make test\n```\n```bash\nmake run\n```\n") == []

    def test_server_blocks_are_told_apart(self) -> None:
        text = "```console server\n$ curl x\n201\n```\n```console\n$ a\n```\n"
        assert [b.line for b in parse_blocks(text)] == [5]
        (server,) = parse_blocks(text, SERVER)
        assert server.commands == (Command(2, "curl x", ("201",), 0),)

    def test_output_before_a_command_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="before the first"):
            parse_blocks("```console\noops\n$ a\n```\n")

    @pytest.mark.parametrize(
        ("expected", "actual"),
        [
            ([], []),
            (["a", "b"], ["a", "b"]),
            (["..."], ["a", "b"]),
            (["..."], []),
            (["a", "..."], ["a", "b", "c"]),
            (["...", "c"], ["a", "b", "c"]),
            (["a", "...", "c"], ["a", "c"]),
            (["a", "...", "c", "...", "e"], ["a", "b", "c", "c", "d", "e"]),
        ],
    )
    def test_matches(self, expected: list[str], actual: list[str]) -> None:
        assert output_matches(expected, actual)

    @pytest.mark.parametrize(
        ("expected", "actual"),
        [
            ([], ["a"]),
            (["a"], []),
            (["a"], ["a", "b"]),
            (["b"], ["a", "b"]),
            (["a", "b"], ["b", "a"]),
            (["a", "...", "c"], ["a", "b"]),
            (["a", "c"], ["a", "b", "c"]),
        ],
    )
    def test_mismatches(self, expected: list[str], actual: list[str]) -> None:
        assert not output_matches(expected, actual)

    def test_a_wrong_exit_code_or_output_is_reported(self) -> None:
        command = Command(7, "true", ("ok",), 0)
        assert failures([Ran(command, 0, "ok\n  \n")]) == []
        (wrong_code,) = failures([Ran(command, 1, "ok\n")])
        assert "README.md:7: $ true" in wrong_code and "exit code 1" in wrong_code
        assert failures([Ran(command, 0, "not ok\n")])

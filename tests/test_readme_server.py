"""The README's ```console server blocks, run against a real ``ldnderm serve``.

The site is started on a free loopback port with its own temporary database, ``LDNDERM_URL``
points the block at it, and the block's commands run exactly as written (the rules are those of
``tests/test_readme.py``). HTTP clients reach only loopback: the proxy variables still point at a
closed port, with 127.0.0.1 and localhost exempted.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_readme import ROOT, SERVER_BLOCKS, Block, environment, failures, run_block

START_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_live(url: str, server: subprocess.Popen[bytes]) -> None:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"ldnderm serve exited with {server.returncode}")
        try:
            with direct.open(url + "/livez", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"ldnderm serve did not answer on {url} within {START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running site and the environment of the block's commands (same database)."""
    if not (ROOT / ".venv" / "bin" / "ldnderm").exists():
        pytest.fail(".venv/bin/ldnderm is missing: run `make install-dev` first")
    workdir: Path = tmp_path_factory.mktemp("readme-server")
    port = _free_port()
    env = environment(workdir)
    env.update(LDNDERM_URL=f"http://127.0.0.1:{port}", no_proxy="127.0.0.1,localhost", NO_PROXY="")
    env["NO_PROXY"] = env["no_proxy"]
    log = (workdir / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "ldnderm"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_live(env["LDNDERM_URL"], server)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_the_readme_has_a_server_block() -> None:
    assert SERVER_BLOCKS, "README.md lost its ```console server block"
    commands = " ; ".join(c.text for b in SERVER_BLOCKS for c in b.commands)
    for needed in ("clinic add", "user add", "token create", "/api/v1/patients"):
        assert needed in commands, needed


@pytest.mark.parametrize("block", SERVER_BLOCKS, ids=[f"README.md:{b.line}" for b in SERVER_BLOCKS])
def test_server_block_runs_as_written(block: Block, site: dict[str, str]) -> None:
    problems = failures(run_block(block, site))
    assert not problems, "\n\n".join(problems)

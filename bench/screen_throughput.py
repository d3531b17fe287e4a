"""In-process cost of one safety screen and one order-sign hook call, as a ratio to a baseline.

The patient is the one of ``bench/cds_latency.py``: 40 medications, 20 conditions and a
naltrexone draft order. Measured in one process, interleaved, each the median of ROUNDS rounds:

- ``json.dumps`` of the hook request (baseline: the cheapest thing any call must do);
- ``safety.screen`` of the equivalent JSON profile (already read into a ``Profile``);
- ``safety.screen_document`` of the JSON profile (reading and screening);
- ``cdshooks.services.run`` for ``naltrexone-order-select`` and ``naltrexone-order-sign``
  (request parsing, the lean strict read of each resource, screening, cards): the CPU work of
  one HTTP hook call without the web layer (no JWT, no database).

Ratios, not milliseconds, are what compare across machines. The last line gives the hook call
as a ratio to ``screen_document`` on the same patient (issue 11 target: at most 3x).

    .venv/bin/python bench/screen_throughput.py [--rounds 15] [--min-seconds 0.2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from cds_latency import CONDITIONS, MEDICINES, hook_request

from ldnderm import safety
from ldnderm.interop.cdshooks import services

AS_OF = date(2026, 3, 1)


def profile_document() -> dict[str, Any]:
    """The JSON profile equivalent to the hook request's prefetch (same medicines, conditions)."""
    conditions: list[Any] = [
        c.removeprefix("text: ") if c.startswith("text: ") else {"code": c, "system": "icd10cm"}
        for c in CONDITIONS
    ]
    return {
        "as_of": AS_OF.isoformat(),
        "birth_date": "1970-01-01",
        "sex": "female",
        "conditions": conditions,
        "medications": [{"name": f"{m} tablet", "start": "2024-01-01"} for m in MEDICINES],
        "planned_dose_mg": 4.5,
    }


def per_call(fn: Callable[[], object], min_seconds: float) -> float:
    """Seconds per call: the loop count doubles until one timed loop lasts ``min_seconds``."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / n
        n *= 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--min-seconds", type=float, default=0.2)
    args = parser.parse_args()

    request = hook_request()
    selecting = hook_request("order-select")
    document = profile_document()
    profile = safety.read_profile(document)
    env = services.Environment(today=AS_OF)
    cases: dict[str, Callable[[], object]] = {
        "json.dumps(hook request) (baseline)": lambda: json.dumps(request),
        "safety.screen(profile)": lambda: safety.screen(profile),
        "safety.screen_document(JSON profile)": lambda: safety.screen_document(document),
        "cdshooks run naltrexone-order-select": lambda: services.run(
            "naltrexone-order-select", selecting, env
        ),
        "cdshooks run naltrexone-order-sign": lambda: services.run(
            "naltrexone-order-sign", request, env
        ),
    }
    for service_id, body in (("naltrexone-order-select", selecting),
                             ("naltrexone-order-sign", request)):  # fmt: skip
        assert services.run(service_id, body, env).cards, f"{service_id} should produce cards"
    for fn in cases.values():  # warm-up: knowledge base load, caches, imports
        per_call(fn, 0.05)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, fn in cases.items():
            samples[name].append(per_call(fn, args.min_seconds))

    baseline = statistics.median(samples["json.dumps(hook request) (baseline)"])
    size = len(json.dumps(request)) / 1024
    print(f"in-process, 40 medications and 20 conditions (request {size:.0f} KiB);")
    print(f"median of {args.rounds} interleaved rounds, each at least {args.min_seconds:g} s")
    print(f"{'call':<40} {'us/call':>10} {'ratio':>8}")
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"{name:<40} {med * 1e6:>10.1f} {med / baseline:>7.1f}x")
    screen = statistics.median(samples["safety.screen_document(JSON profile)"])
    for hook in ("order-select", "order-sign"):
        ratio = statistics.median(samples[f"cdshooks run naltrexone-{hook}"]) / screen
        print(f"{hook} hook / screen_document, same patient: {ratio:.1f}x (target: at most 3x)")


if __name__ == "__main__":
    main()

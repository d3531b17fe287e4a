"""Latency of CDS Hooks calls under load, as ratios to a no-op JSON endpoint, in one run.

Starts ``ldnderm serve --host 127.0.0.1 --port P`` (whatever server that command runs; nothing
else is assumed) on a free loopback port, with a throwaway SQLite database and a trusted test
issuer whose ES384 key is made here. The load comes from this script's process: the server is
a separate process and shares no interpreter, GIL or memory with the load generator. Tokens
are signed before the clock starts.

At each concurrency (1, 8 and 32 clients by default) it runs interleaved phases:

- ``GET /livez`` (baseline: a no-op JSON answer, no database);
- ``GET /cds-services`` (discovery: JWT verification, replay check, a small JSON document);
- ``POST /cds-services/naltrexone-order-select`` and ``.../naltrexone-order-sign`` with a
  realistic patient: 40 medications, 20 conditions, a naltrexone draft order, all data
  prefetched (no FHIR server call on the hot path).

It reports p50, p95 and p99 per endpoint and concurrency, each as a ratio to ``/livez`` at the
same concurrency. Loopback only; bounded by ``--requests`` per phase and a hard deadline.

    .venv/bin/python bench/cds_latency.py [--clients 1,8,32] [--requests 320] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

ISS = "https://bench.ldnderm.invalid"
DEADLINE_SECONDS = 600
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
# Non-opioid medicines by name only (no codes, so nothing is guessed); a realistic long list.
MEDICINES = [
    "metformin", "lisinopril", "atorvastatin", "levothyroxine", "amlodipine", "omeprazole",
    "metoprolol", "sertraline", "losartan", "gabapentin", "hydrochlorothiazide", "furosemide",
    "pantoprazole", "escitalopram", "montelukast", "rosuvastatin", "bupropion", "tamsulosin",
    "carvedilol", "meloxicam", "clopidogrel", "prednisone", "citalopram", "allopurinol",
    "glipizide", "venlafaxine", "spironolactone", "warfarin", "fluoxetine", "duloxetine",
    "cetirizine", "loratadine", "famotidine", "trazodone", "topiramate", "doxycycline",
    "minocycline", "isotretinoin", "methotrexate", "folic acid",
]  # fmt: skip
# ICD-10-CM codes from ecosystem.md 2.2 (checked there with simple-icd-10-cm), then text only.
CONDITIONS = [
    "Q82.8", "L66.10", "L73.2", "L50.1", "L40.0", "L28.1", "L29.9", "L20.9", "L63.9",
    "L43.9", "M34.9", "L94.0",
] + [f"text: chronic problem {i}" for i in range(8)]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hook_request(hook: str = "order-sign") -> dict[str, Any]:
    """The bench patient's hook request; ``order-select`` selects the naltrexone draft."""
    pid = "bench-patient"

    def statement(i: int, name: str) -> dict[str, Any]:
        return {
            "resourceType": "MedicationStatement",
            "id": f"ms-{i}",
            "status": "active",
            "medicationCodeableConcept": {"text": f"{name} tablet"},
            "subject": {"reference": f"Patient/{pid}"},
            "effectivePeriod": {"start": "2024-01-01"},
        }

    def condition(i: int, code: str) -> dict[str, Any]:
        concept: dict[str, Any] = (
            {"text": code.removeprefix("text: ")}
            if code.startswith("text: ")
            else {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]}
        )
        return {
            "resourceType": "Condition",
            "id": f"c-{i}",
            "code": concept,
            "subject": {"reference": f"Patient/{pid}"},
        }

    def searchset(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in items],
        }

    order = {
        "resourceType": "MedicationRequest",
        "id": "draft-ldn",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "text": "naltrexone 4.5 mg capsule",
            "coding": [{"system": RXNORM, "code": "7243"}],
        },
        "subject": {"reference": f"Patient/{pid}"},
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 4.5, "unit": "mg", "code": "mg"}}],
            }
        ],
    }
    context: dict[str, Any] = {
        "userId": "Practitioner/bench",
        "patientId": pid,
        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                        "entry": [{"resource": order}]},
    }  # fmt: skip
    if hook == "order-select":
        context["selections"] = ["MedicationRequest/draft-ldn"]
    return {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": context,
        "prefetch": {
            "patient": {"resourceType": "Patient", "id": pid, "gender": "female",
                        "birthDate": "1970-01-01"},
            "medicationRequests": None,
            "medicationStatements": searchset([statement(i, m) for i, m in enumerate(MEDICINES)]),
            "conditions": searchset([condition(i, c) for i, c in enumerate(CONDITIONS)]),
            "allergies": None,
            "pregnancy": None,
            "plannedProcedures": None,
        },
    }  # fmt: skip


class Phase:
    def __init__(self, name: str, method: str, path: str, body: bytes | None, signed: bool):
        self.name, self.method, self.path, self.body, self.signed = (
            name,
            method,
            path,
            body,
            signed,
        )
        self.samples: list[float] = []
        self.errors = 0


def run_phase(
    phase: Phase,
    base: str,
    clients: int,
    requests: int,
    sign: Callable[[str], str],
) -> None:
    per_client = max(1, requests // clients)
    tokens = [
        [sign(base + phase.path) if phase.signed else "" for _ in range(per_client)]
        for _ in range(clients)
    ]
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(mine: list[str]) -> None:
        times: list[float] = []
        errors = 0
        with httpx.Client(base_url=base, timeout=30.0) as http:
            barrier.wait()
            for token in mine:
                headers = {"Content-Type": "application/json"}
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                start = time.perf_counter()
                response = http.request(phase.method, phase.path, content=phase.body,
                                        headers=headers)  # fmt: skip
                times.append(time.perf_counter() - start)
                if response.status_code != 200:
                    errors += 1
        with lock:
            phase.samples.extend(times)
            phase.errors += errors

    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary_rows(phases: list[Phase]) -> list[str]:
    """One line per phase: n, errors, p50/p95/p99 in ms and as ratios to ``phases[0]``."""
    b50, b95, b99 = (pct(phases[0].samples, q) for q in (50, 95, 99))
    rows = []
    for phase in phases:
        s = phase.samples
        p50, p95, p99 = (pct(s, q) for q in (50, 95, 99))
        rows.append(
            f"{phase.name:<34} {len(s):>5} {phase.errors:>4} {p50 * 1e3:>8.1f} {p95 * 1e3:>8.1f}"
            f" {p99 * 1e3:>8.1f} {p50 / b50:>6.1f} {p95 / b95:>6.1f} {p99 / b99:>6.1f}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="1,8,32", help="concurrencies, comma-separated")
    parser.add_argument("--requests", type=int, default=320, help="per phase, round, concurrency")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]

    key = ec.generate_private_key(ec.SECP384R1())
    jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="bench-1", alg="ES384")

    def sign(aud: str) -> str:
        now = int(time.time())
        claims = {"iss": ISS, "aud": aud, "iat": now, "exp": now + 600, "jti": str(uuid.uuid4())}
        return jwt.encode(claims, key, "ES384", headers={"kid": "bench-1"})

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results: dict[int, list[Phase]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.update(
            LDNDERM_VAR_DIR=tmp,
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            LDNDERM_DEBUG="false",
            LDNDERM_CDS_ISSUERS=json.dumps([{"iss": ISS, "jwks": {"keys": [jwk]}}]),
            LDNDERM_CDS_BASE_URL=base,
        )
        ldnderm = [sys.executable, "-m", "ldnderm"]
        subprocess.run([*ldnderm, "migrate", "-q"], env=env, check=True, timeout=300)
        server = subprocess.Popen(
            [*ldnderm, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                raise SystemExit("the server did not start within 60 s")
            hooks = ("order-select", "order-sign")
            bodies = {h: json.dumps(hook_request(h)).encode() for h in hooks}

            def phases() -> list[Phase]:
                return [
                    Phase("GET /livez (baseline)", "GET", "/livez", None, signed=False),
                    Phase("GET /cds-services (JWT)", "GET", "/cds-services", None, signed=True),
                    *(
                        Phase(f"POST naltrexone-{h}", "POST", f"/cds-services/naltrexone-{h}",
                              body, signed=True)
                        for h, body in bodies.items()
                    ),
                ]  # fmt: skip

            for phase in phases():  # warm-up: imports, KB load, caches
                run_phase(phase, base, min(4, max(levels)), 8, sign)
            started = time.monotonic()
            for clients in levels:
                results[clients] = phases()
                for _ in range(args.rounds):
                    for phase in results[clients]:
                        if time.monotonic() - started > DEADLINE_SECONDS:
                            raise SystemExit("deadline reached")
                        run_phase(phase, base, clients, args.requests, sign)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    size = len(bodies["order-sign"])
    print("CDS Hooks latency: `ldnderm serve` in its own process, load from this process;")
    print(
        f"hook request {size / 1024:.0f} KiB (40 medications, 20 conditions), {args.rounds} "
        "interleaved rounds, loopback; ratios to /livez at the same concurrency"
    )
    header = (
        f"{'endpoint':<34} {'n':>5} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'x p50':>6} {'x p95':>6} {'x p99':>6}"
    )
    for clients, measured in results.items():
        print(f"\n{clients} concurrent client{'s' if clients != 1 else ''}")
        print(header)
        for row in summary_rows(measured):
            print(row)
    summary = []
    for clients, measured in results.items():
        livez = pct(measured[0].samples, 50)
        for phase in measured[2:]:
            hook = phase.name.removeprefix("POST naltrexone-")
            p50 = pct(phase.samples, 50)
            summary.append(f"{hook} at {clients}: p50 {p50 * 1e3:.1f} ms ({p50 / livez:.1f}x)")
    print("\nhook p50 (x /livez): " + "; ".join(summary) + "; spec target: about 500 ms")
    if any(p.errors for measured in results.values() for p in measured):
        raise SystemExit("some requests failed (non-200)")


if __name__ == "__main__":
    main()

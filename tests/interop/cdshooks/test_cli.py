"""``ldnderm cds card``: offline, no JWT, the same JSON as the HTTP service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ldnderm.interop import cdshooks
from tests.fixtures.cli import ldnderm
from tests.interop.cdshooks import fixtures as f


def write(tmp_path: Path, payload: Any) -> str:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(payload))
    return str(path)


def test_card_prints_exactly_what_the_service_answers(tmp_path: Path) -> None:
    body = f.order_request(prefetch_data=f.prefetch(statements=[f.statement("oxycodone", "7804")]))
    result = ldnderm("cds", "card", write(tmp_path, body), "--json", "--today", "2026-03-02")
    assert result.returncode == 0, result.stderr
    expected = cdshooks.run("naltrexone-order-select", body, cdshooks.Environment(today=f.TODAY))
    assert json.loads(result.stdout) == cdshooks.dump(expected)


def test_card_reads_stdin_and_prints_text(tmp_path: Path) -> None:
    body = f.order_request("order-sign", prefetch_data=f.prefetch(procedures=[f.surgery(2)]))
    result = ldnderm("cds", "card", "-", "--today", "2026-03-02", stdin=json.dumps(body))
    assert result.returncode == 0, result.stderr
    assert "[warning] Hold naltrexone" in result.stdout


def test_no_naltrexone_prints_empty_cards(tmp_path: Path) -> None:
    body = f.order_request(orders=[f.other_order()])
    result = ldnderm("cds", "card", write(tmp_path, body), "--json")
    assert json.loads(result.stdout) == {"cards": []}


def test_a_malformed_request_exits_2_naming_the_field(tmp_path: Path) -> None:
    body = f.order_request()
    del body["hookInstance"]
    result = ldnderm("cds", "card", write(tmp_path, body), "--json")
    assert result.returncode == 2
    assert "hookInstance" in result.stderr


def test_missing_prefetch_exits_2(tmp_path: Path) -> None:
    body = f.order_request()
    body.pop("prefetch")
    result = ldnderm("cds", "card", write(tmp_path, body))
    assert result.returncode == 2
    assert "prefetch" in result.stderr


def test_an_operation_outcome_in_a_required_key_exits_2_naming_the_key(tmp_path: Path) -> None:
    data = f.prefetch()
    data["medicationRequests"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "not-found"}],
    }
    result = ldnderm("cds", "card", write(tmp_path, f.order_request(prefetch_data=data)))
    assert result.returncode == 2
    assert "medicationRequests" in result.stderr and "no contraindication" not in result.stdout


def test_an_unknown_hook_exits_2(tmp_path: Path) -> None:
    result = ldnderm("cds", "card", write(tmp_path, {"hook": "encounter-start"}))
    assert result.returncode == 2
    assert "hook" in result.stderr


def test_an_operation_outcome_in_medication_statements_exits_2_naming_it(tmp_path: Path) -> None:
    data = f.prefetch()
    data["medicationStatements"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "exception", "diagnostics": "timed out"}],
    }
    result = ldnderm("cds", "card", write(tmp_path, f.order_request(prefetch_data=data)))
    assert result.returncode == 2
    assert "medicationStatements" in result.stderr and "OperationOutcome" in result.stderr

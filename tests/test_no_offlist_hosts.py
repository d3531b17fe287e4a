"""One walker over everything the toolkit ships or prints: no host off the allow-list, no QA, dev,
cache, proxy, bare-IP, mirror or AI host, and no internal path. The walker is tested to fail."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from ldnderm.cli.app import app
from ldnderm.evidence import base
from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import DATA_DIR

URL = re.compile(r"https?://([^/\s\"'<>:;,)\]}]+)", re.IGNORECASE)
BARE_IP = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?\b")
NEVER = re.compile(
    r"(?<![\w-])(?:qa\d*\.|[\w-]*-dev\.|[\w-]*-cache\.|staging\.|proxy\.weglot|[\w-]+\.netlify\.app"
    r"|[\w-]+\.pages\.dev|droracle\.ai|icd11codes\.ai|mediated\.wiki|pubcompare\.ai|wilddata\.cn"
    r"|researchgate\.net|researcher\.life|docslib\.org|vdocuments\.\w+|scribd\.com|coek\.info"
    r"|togows\.dbcls|booksci\.cn|ouci\.dntb|iiab\.me|bibliotheek\.ehb\.be)",
    re.IGNORECASE,
)
INTERNAL = re.compile(r"shared/research/|evidence\.md|ecosystem\.md|instruments\.md")


def problems(text: str, where: str) -> list[str]:
    """Every off-list URL host, never-link host, bare IP and internal path in ``text``."""
    allowed = registry().hosts
    found = [f"{where}: host {h}" for h in URL.findall(text) if h.lower() not in allowed]
    found += [f"{where}: never-link host {m}" for m in NEVER.findall(text)]
    found += [f"{where}: bare IP {m}" for m in BARE_IP.findall(text) if not _is_oid_part(text, m)]
    found += [f"{where}: internal path {m}" for m in INTERNAL.findall(text)]
    return found


def _is_oid_part(text: str, match: str) -> bool:
    """OIDs such as 2.16.840.1.113762.1.4.1200.14 contain dotted quads; they are not hosts."""
    return bool(re.search(rf"\d\.{re.escape(match)}|{re.escape(match)}\.\d", text))


def walk(items: Iterable[tuple[str, str]]) -> list[str]:
    return [p for where, text in items for p in problems(text, where)]


def test_the_walker_fails_on_a_bad_host_and_an_internal_path() -> None:
    found = walk(
        [
            ("a", "see https://mdedge-cache.qa01.mdedge.com/x and http://47.251.13.51:8081/y"),
            ("b", "row H1 of shared/research/evidence.md"),
            ("c", "https://suppr.wilddata.cn/browses/detail/pubmed/1"),
            ("d", "fine: https://doi.org/10.1000/x and OID 2.16.840.1.113762.1.4.1200.14"),
        ]
    )
    assert any("a: host" in f for f in found) and any("bare IP" in f for f in found)
    assert any("internal path" in f for f in found)
    assert any(f.startswith("c: ") for f in found)
    assert not any(f.startswith("d: ") for f in found)


def test_data_files_raw_text_including_comments() -> None:
    files = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix == ".yaml")
    items = [(str(p.relative_to(DATA_DIR)), p.read_text(encoding="utf-8")) for p in files]
    items = [(w, t) for w, t in items if w != "hosts.yaml"]  # the allow-list names what it bans
    assert walk(items) == []


runner = CliRunner()


def cli_outputs() -> Iterable[tuple[str, str]]:
    commands = [["evidence", "--json"], ["measures", "list", "--json"]]
    commands += [["evidence", cid, "--json"] for cid in base().conditions]
    commands += [
        ["plan", "--condition", c, "--start", "2026-10-25", "--json"]
        for c in ("psoriasis", "prurigo-nodularis", "hailey-hailey-disease")
    ]
    commands += [["compound", "--dose-mg", "4.5", "--days", "30", "--json"]]
    examples = Path(__file__).resolve().parents[1] / "examples"
    commands += [["score", "dlqi", str(examples / "dlqi.json"), "--json"]]
    commands += [
        ["cds", "card", str(examples / "cds-order-sign.json"), "--today", "2026-03-02", "--json"]
    ]
    for args in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        yield " ".join(args), result.output


def test_every_json_cli_output(tmp_path: Path) -> None:
    profile = {
        "as_of": "2026-03-01",
        "planned_dose_mg": 4.5,
        "medications": [{"name": "tramadol"}, {"name": "loperamide"}, {"name": "Suboxone"}],
        "conditions": ["hepatitis"],
        "planned_procedures": [{"date": "2026-03-02"}],
        "pregnant": True,
    }
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    screened = runner.invoke(app, ["screen", str(path), "--json"])
    assert screened.exit_code in (0, 1), screened.output
    assert "sources" in screened.output
    assert walk([*cli_outputs(), ("screen", screened.output)]) == []


@pytest.mark.db
def test_every_condition_page_and_data_api_get(client: Client) -> None:
    kb = base()
    urls = ["/conditions/", "/api/v1/conditions", "/api/v1/measures", "/api/v1/knowledge/version"]
    for cid in kb.conditions:
        urls += [f"/conditions/{cid}/", f"/conditions/{cid}/patient", f"/api/v1/conditions/{cid}"]
    urls += [f"/api/v1/studies/{sid}" for sid in kb.studies]
    from ldnderm.measures.registry import MEASURES

    urls += [f"/api/v1/measures/{mid}" for mid in MEASURES]
    items = []
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        items.append((url, response.content.decode()))
    assert walk(items) == []


@pytest.mark.db
def test_condition_pages_label_each_source_with_its_tier(client: Client) -> None:
    html = client.get("/conditions/hailey-hailey-disease/").content.decode()
    assert 'class="tier tier-primary"' in html
    patient = client.get("/conditions/hailey-hailey-disease/patient").content.decode()
    assert 'class="tier tier-secondary"' in patient or 'class="tier tier-primary"' in patient

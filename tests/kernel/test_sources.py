"""The source registry and host allow-list: what fails loading, and the shipped data obeys it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ldnderm.evidence.loader import build
from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.sources import build_registry, registry
from ldnderm.kernel.version import DATA_DIR
from tests.evidence.conftest import (
    GUIDANCE,
    MECHANISMS,
    condition_doc,
    crafted_registry,
    study_doc,
)

HOSTS: dict[str, Any] = {
    "hosts": [
        {"host": "doi.org", "category": "resolver", "reason": "DOI resolver."},
        {"host": "example.org", "category": "other", "reason": "Test host."},
    ]
}


def entry(sid: str, **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": sid,
        "kind": "study",
        "tier": "primary",
        "citation": f"Citation {sid}.",
        "verification": "verified",
        "url": f"https://example.org/{sid}",
    }
    doc.update(over)
    return doc


def load(*entries: dict[str, Any], hosts: dict[str, Any] = HOSTS) -> Any:
    return build_registry({"sources": list(entries)}, hosts)


class TestRegistryChecks:
    def test_a_clean_registry_loads_and_links_by_preference(self) -> None:
        reg = load(entry("a", doi="10.1000/x1", pmid="123"), entry("b", pmid="456", url=None))
        assert reg.get("a").link == "https://doi.org/10.1000/x1"
        assert reg.get("b").link == "https://pubmed.ncbi.nlm.nih.gov/456/"

    def test_duplicate_id_or_alias(self) -> None:
        with pytest.raises(KnowledgeDataError, match="used twice"):
            load(entry("a"), entry("b", aliases=["a"]))

    def test_duplicate_doi(self) -> None:
        with pytest.raises(KnowledgeDataError, match=r"doi 10\.1000/X in two entries"):
            load(entry("a", doi="10.1000/x"), entry("b", doi="10.1000/X"))

    def test_duplicate_pmid(self) -> None:
        with pytest.raises(KnowledgeDataError, match="pmid 42 in two entries"):
            load(entry("a", pmid="42"), entry("b", pmid="42"))

    def test_duplicate_url(self) -> None:
        with pytest.raises(KnowledgeDataError, match=r"url .* in two entries"):
            load(entry("a", url="https://example.org/p"), entry("b", url="https://example.org/p"))

    def test_no_locator_unless_unverified(self) -> None:
        with pytest.raises(KnowledgeDataError, match="no locator"):
            load(entry("a", url=None))
        assert "a" in load(entry("a", url=None, verification="unverified"))

    def test_off_list_host(self) -> None:
        with pytest.raises(KnowledgeDataError, match="not on the host allow-list"):
            load(entry("a", url="https://mdedge-cache.qa01.example.com/x"))

    def test_allow_list_entry_needs_a_reason(self) -> None:
        hosts = {"hosts": [{"host": "example.org", "category": "other", "reason": ""}]}
        with pytest.raises(KnowledgeDataError, match="hosts"):
            load(entry("a"), hosts=hosts)


class TestLoadersUseTheRegistry:
    def _build(self, condition: dict[str, Any]) -> Any:
        studies = [("s.yaml", {"studies": [study_doc()]})]
        return build([("c1.yaml", condition)], studies, MECHANISMS, GUIDANCE, crafted_registry())

    def test_unknown_source_id(self) -> None:
        doc = condition_doc(about={"text": "x", "sources": ["no-such-source"]})
        with pytest.raises(KnowledgeDataError, match="unknown source 'no-such-source'"):
            self._build(doc)

    def test_weak_only_claim_is_rejected(self) -> None:
        doc = condition_doc(about={"text": "x", "sources": ["weak-src"]})
        with pytest.raises(KnowledgeDataError, match="no primary or secondary source"):
            self._build(doc)

    def test_weak_only_statement_may_be_kept_as_unverified(self) -> None:
        doc = condition_doc(
            about={"text": "x", "sources": ["weak-src"], "verification": "unverified"}
        )
        kb = self._build(doc)
        assert not kb.conditions["c1"].about.claim


def data_files() -> list[Path]:
    return sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix == ".yaml")


LOCATORS = {
    "doi": re.compile(r"(?<![\w/.])(10\.\d{4,9}/[^\s\"',\]}]+)"),
    "pmid": re.compile(r"\bpmid: ['\"]?(\d+)"),
    "url": re.compile(r"https?://[^\s\"'\]},]+"),
}


def test_every_doi_pmid_and_url_appears_once_across_all_data_files() -> None:
    seen: dict[tuple[str, str], str] = {}
    for path in data_files():
        text = path.read_text(encoding="utf-8")
        for kind, pattern in LOCATORS.items():
            for match in pattern.finditer(text):
                value = match.group(1 if kind != "url" else 0).lower().rstrip("/.")
                if kind == "url" and path.name != "sources.yaml":
                    continue  # code-system URIs and the allow-list are identifiers, not citations
                key = (kind, value)
                assert key not in seen, f"{kind} {value} in {seen[key]} and {path.name}"
                seen[key] = path.name


def test_the_shipped_registry_loads_and_every_url_host_is_allowed() -> None:
    reg = registry()
    assert len(reg) > 200
    for source in reg.sources.values():
        assert source.has_locator or source.verification == "unverified", source.id
    assert all(h.reason for h in reg.hosts.values())

"""Builders for crafted knowledge-base documents (plain dicts, as YAML would parse them)."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.evidence import base
from ldnderm.evidence.store import KnowledgeBase
from ldnderm.kernel.sources import Source, SourceRegistry, registry


def crafted_source(sid: str, tier: str = "primary", kind: str = "study") -> Source:
    return Source.model_validate(
        {
            "id": sid,
            "kind": kind,
            "tier": tier,
            "citation": f"Citation of {sid}.",
            "url": f"https://example.org/{sid}",
            "verification": "verified",
        }
    )


def crafted_registry() -> SourceRegistry:
    """The shipped registry plus crafted entries: studies s1-s9 (primary), about-src
    (secondary web page) and weak-src (weak web page)."""
    shipped = registry()
    extra = {f"s{i}": crafted_source(f"s{i}") for i in range(1, 10)}
    extra["ghost-free"] = crafted_source("ghost-free")
    extra["about-src"] = crafted_source("about-src", "secondary", "web_page")
    extra["weak-src"] = crafted_source("weak-src", "weak", "web_page")
    return SourceRegistry({**shipped.sources, **extra}, shipped.hosts)


@pytest.fixture(autouse=True)
def _crafted_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Crafted documents cite crafted registry ids; the loader sees them beside the shipped ones."""
    crafted = crafted_registry()
    monkeypatch.setattr("ldnderm.evidence.loader.registry", lambda: crafted)


def study_doc(sid: str = "s1", **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": sid,
        "evidence_ref": "X1",
        "label": f"Study {sid}",
        "design": "case_series",
        "n": 3,
        "dose_band": "low",
        "outcome": "All 3 improved.",
        "direction": "positive",
        "verification": "verified",
    }
    doc.update(over)
    return doc


def condition_doc(cid: str = "c1", **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": cid,
        "name": f"Condition {cid}",
        "icd10cm": [{"code": "L99.9", "label": "x", "source": "about-src"}],
        "about": {"text": "What it is.", "sources": ["about-src"]},
        "clinician_summary": {"text": "Summary.", "sources": ["s1"]},
        "patient_summary": {"text": "Plain summary.", "sources": ["s1"]},
        "recommended_measures": ["dlqi"],
        "regimens": [{"id": f"{cid}-r", "label": "3 mg", "dose": "3 mg", "studies": ["s1"]}],
        "studies": ["s1"],
        "certainty": {"question": "LDN for it", "key_outcome": "itch", "studies": ["s1"]},
    }
    doc.update(over)
    return doc


MECHANISMS: tuple[str, Any] = ("mechanisms.yaml", {"mechanisms": []})
GUIDANCE: tuple[str, Any] = ("patient-guidance.yaml", {"questions": ["Q?"], "safety": []})


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return base()

"""Builders for crafted knowledge-base documents (plain dicts, as YAML would parse them)."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.evidence import base
from ldnderm.evidence.store import KnowledgeBase


def study_doc(sid: str = "s1", **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": sid,
        "evidence_ref": "X1",
        "label": f"Study {sid}",
        "title": "A title",
        "journal": "J Test",
        "year": 2020,
        "urls": ["https://example.org/s"],
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
        "icd10cm": [{"code": "L99.9", "label": "x", "url": "https://example.org/icd"}],
        "about": {"text": "What it is.", "urls": ["https://example.org/about"]},
        "clinician_summary": {"text": "Summary.", "studies": ["s1"]},
        "patient_summary": {"text": "Plain summary.", "studies": ["s1"]},
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

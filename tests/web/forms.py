"""Form answers shared by the page tests: every required screening fact answered, nothing of note
(medicines none, allergies none, liver and kidneys normal, no procedures, no opioid use disorder,
not pregnant, not breastfeeding). The planned dose is left to each test."""

from __future__ import annotations

ANSWERED_FACTS = {
    "medications_status": "none",
    "allergies_status": "none",
    "hepatic": "normal",
    "renal": "normal",
    "procedures_status": "none",
    "opioid_use_disorder_history": "no",
    "pregnant": "no",
    "breastfeeding": "no",
}

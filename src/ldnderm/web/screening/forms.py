"""The screening form and its translation into the domain's JSON documents.

Free-text lists use one entry per line with ``|`` between parts, so a clinician can type
without a JSON editor; the domain readers then validate everything, and their errors are shown
on the form field they name.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms

UNKNOWN_YES_NO = [("", "unknown"), ("yes", "yes"), ("no", "no")]
HEPATIC = ["normal", "mild", "moderate", "severe", "acute_hepatitis", "liver_failure"]
RENAL = ["normal", "mild", "moderate", "severe", "dialysis"]
LIST_FIELDS = {"conditions", "medications", "allergies", "planned_procedures"}


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in values]


class ScreeningForm(forms.Form):
    document = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Or paste a JSON profile or FHIR R4 Bundle (replaces the fields below)",
    )
    as_of = forms.DateField(
        required=False,
        label="Evaluation date (default today)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    age = forms.IntegerField(required=False, min_value=0, max_value=130, label="Age (years)")
    birth_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sex = forms.ChoiceField(choices=_choices(["unknown", "female", "male", "other"]))
    pregnant = forms.ChoiceField(choices=UNKNOWN_YES_NO, required=False)
    breastfeeding = forms.ChoiceField(choices=UNKNOWN_YES_NO, required=False)
    hepatic = forms.ChoiceField(choices=_choices(HEPATIC), label="Liver")
    renal = forms.ChoiceField(choices=_choices(RENAL), label="Kidney")
    opioid_use_disorder_history = forms.BooleanField(
        required=False, label="History of opioid use disorder"
    )
    planned_dose_mg = forms.CharField(required=False, label="Planned naltrexone dose (mg/day)")
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: a name or id, or icd10cm:E03.9 / snomed:12345",
    )
    medications = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: name | RxNorm | ATC | start | end | prn (parts optional)",
    )
    allergies = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line"
    )
    planned_procedures = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: YYYY-MM-DD | description | opioids yes/no",
    )
    urine_opioid_screen = forms.ChoiceField(
        choices=_choices(["", "negative", "positive"]), required=False
    )
    naloxone_challenge = forms.ChoiceField(
        choices=_choices(["", "passed", "failed"]), required=False
    )
    condition = forms.CharField(required=False, label="Plan: condition (id or name)")
    start = forms.DateField(
        required=False,
        label="Plan: first dose",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    protocol = forms.CharField(required=False, label="Plan: protocol (default per condition)")
    target_mg = forms.CharField(required=False, label="Plan: target dose (mg/day)")
    supply_days = forms.IntegerField(
        required=False, min_value=1, max_value=365, label="Compounding: days of supply"
    )
    dosage_form = forms.ChoiceField(choices=_choices(["liquid", "capsule"]), label="Form")
    concentration_mg_ml = forms.CharField(required=False, label="Liquid strength (mg/mL)")

    PLAN = (
        "condition",
        "start",
        "protocol",
        "target_mg",
        "supply_days",
        "dosage_form",
        "concentration_mg_ml",
    )

    def patient_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.PLAN]

    def plan_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PLAN]

    def profile_document(self) -> Any:
        """The JSON profile (or Bundle) this form describes."""
        data = self.cleaned_data
        if data.get("document", "").strip():
            try:
                return json.loads(data["document"])
            except json.JSONDecodeError as exc:
                self.add_error("document", f"not valid JSON (line {exc.lineno})")
                return None
        doc: dict[str, Any] = {
            "sex": data["sex"],
            "hepatic": data["hepatic"],
            "renal": data["renal"],
        }
        for key in ("age", "birth_date", "as_of"):
            if data.get(key) is not None:
                doc[key] = data[key].isoformat() if key != "age" else data[key]
        for key in ("pregnant", "breastfeeding"):
            if data.get(key):
                doc[key] = data[key] == "yes"
        if data.get("opioid_use_disorder_history"):
            doc["opioid_use_disorder_history"] = True
        if data.get("planned_dose_mg"):
            doc["planned_dose_mg"] = data["planned_dose_mg"]
        labs = {k: data[k] for k in ("urine_opioid_screen", "naloxone_challenge") if data.get(k)}
        if labs:
            doc["labs"] = labs
        doc["conditions"] = [_condition(x) for x in _lines(data.get("conditions"))]
        doc["medications"] = [_medication(x) for x in _lines(data.get("medications"))]
        doc["allergies"] = _lines(data.get("allergies"))
        doc["planned_procedures"] = [_procedure(x) for x in _lines(data.get("planned_procedures"))]
        return doc


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _parts(line: str) -> list[str]:
    return [p.strip() for p in line.split("|")]


def _condition(line: str) -> Any:
    system, _, code = line.partition(":")
    if system.strip().lower() in ("icd10cm", "snomed") and code.strip():
        return {"system": system.strip().lower(), "code": code.strip()}
    return line


def _medication(line: str) -> dict[str, Any]:
    keys = ("name", "rxnorm", "atc", "start", "end")
    parts = _parts(line)
    med: dict[str, Any] = {k: v for k, v in zip(keys, parts, strict=False) if v}
    if len(parts) > 5 and parts[5].lower() in ("prn", "yes", "true"):
        med["prn"] = True
    return med


def _procedure(line: str) -> dict[str, Any]:
    parts = [*_parts(line), "", ""]
    proc: dict[str, Any] = {"date": parts[0]}
    if parts[1]:
        proc["description"] = parts[1]
    if parts[2]:
        proc["opioid_analgesia_expected"] = parts[2].lower() not in ("no", "false", "n")
    return proc

"""The screening form and its translation into the domain's JSON documents.

Every required fact is asked explicitly, "not known" by default, and only answered facts go into
the profile document (an absent key is unknown to ``ldnderm.safety``). Medicines are structured
rows (:class:`MedicationRow`, a formset with prefix ``med``); conditions, allergies and planned
procedures stay one entry per line (procedures: ``date | description | opioids yes/no``). The
domain readers validate everything, and their errors are shown on the field they name.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import reverse_lazy

from ldnderm.web.core.validators import year_in_range
from ldnderm.web.screening import facts

LIST_FIELDS = {"conditions", "medications", "allergies", "planned_procedures"}
MED_PREFIX = "med"
MED_ROWS = 3
"""Empty medicine rows shown on a new form ("Add a medicine row" adds one more)."""
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LOOKUP = {
    "autocomplete": "off",
    "hx-get": reverse_lazy("screening:medicines"),
    "hx-trigger": "input changed delay:250ms",
    "hx-target": "next .med-suggest",
    "hx-select": ".med-box",
    "hx-swap": "innerHTML",
    "hx-sync": "this:replace",
}
"""A medicine field that looks names up in the safety vocabulary as it is typed (HTMX); the
suggestions land in the ``.med-suggest`` element after it (``screening/medicines.js`` fills
the pick in)."""


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in values]


class MedicationRow(forms.Form):
    """One medicine: a name or a code is enough; dates and "as needed" are optional."""

    name = forms.CharField(
        required=False, max_length=200, label="Medicine", widget=forms.TextInput(attrs=LOOKUP)
    )
    rxnorm = forms.CharField(required=False, max_length=12, label="RxNorm (optional)")
    atc = forms.CharField(required=False, max_length=7, label="ATC (optional)")
    start = forms.DateField(
        required=False, widget=DATE, label="Started", validators=[year_in_range]
    )
    end = forms.DateField(
        required=False, widget=DATE, label="Last taken", validators=[year_in_range]
    )
    prn = forms.BooleanField(required=False, label="As needed")

    def entry(self) -> dict[str, Any] | None:
        """The medication object of the profile, or None for a blank row."""
        data = getattr(self, "cleaned_data", {})
        med: dict[str, Any] = {}
        for key in ("name", "rxnorm", "atc"):
            if (data.get(key) or "").strip():
                med[key] = data[key].strip()
        for key in ("start", "end"):
            if data.get(key):
                med[key] = data[key].isoformat()
        if not med:
            return None
        if data.get("prn"):
            med["prn"] = True
        return med


MedicationRows = forms.formset_factory(MedicationRow, extra=MED_ROWS, max_num=60, absolute_max=60)


def medication_rows(data: Any = None, add: int = 0) -> forms.BaseFormSet[MedicationRow]:
    """The medicine rows of a form (``data`` bound, or empty rows); ``add`` appends blank rows.

    Bound data without the management form (a client posting plain fields) counts as no rows.
    """
    if data is not None and (add or f"{MED_PREFIX}-TOTAL_FORMS" not in data):
        data = data.copy()
        total = _int(data.get(f"{MED_PREFIX}-TOTAL_FORMS"))
        data[f"{MED_PREFIX}-TOTAL_FORMS"] = str(min(total + add, 60))
        data.setdefault(f"{MED_PREFIX}-INITIAL_FORMS", "0")
    return MedicationRows(data, prefix=MED_PREFIX)


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


class ScreeningForm(forms.Form):
    document = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Or paste a JSON profile or FHIR R4 Bundle (replaces the fields below)",
    )
    as_of = forms.DateField(
        required=False,
        label="Evaluation date (default today)",
        widget=DATE,
        validators=[year_in_range],
    )
    age = forms.IntegerField(required=False, min_value=0, max_value=130, label="Age (years)")
    birth_date = forms.DateField(required=False, widget=DATE, validators=[year_in_range])
    sex = forms.ChoiceField(choices=_choices(["unknown", "female", "male", "other"]))
    medications_status = facts.radio("Current or recent medicines", facts.MEDICATIONS)
    allergies_status = facts.radio("Allergies", facts.ALLERGIES)
    allergies = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Allergies (one per line)",
    )
    hepatic = forms.ChoiceField(choices=facts.HEPATIC, required=False, label="Liver")
    renal = forms.ChoiceField(choices=facts.RENAL, required=False, label="Kidney")
    procedures_status = facts.radio("Planned procedures", facts.PROCEDURES)
    planned_procedures = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Planned procedures (one per line)",
        help_text="YYYY-MM-DD | description | opioids yes/no",
    )
    opioid_use_disorder_history = facts.radio(
        "History of opioid use disorder", facts.YES_NO_UNKNOWN
    )
    pregnant = facts.radio("Pregnant", facts.YES_NO_UNKNOWN)
    breastfeeding = facts.radio("Breastfeeding", facts.YES_NO_UNKNOWN)
    planned_dose_mg = forms.CharField(
        required=False,
        label="Planned naltrexone dose (mg/day)",
        help_text="Left empty: not known",
    )
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: a name or id, or icd10cm:E03.9 / snomed:12345",
    )
    urine_opioid_screen = forms.ChoiceField(
        choices=_choices(["", "negative", "positive"]), required=False
    )
    naloxone_challenge = forms.ChoiceField(
        choices=_choices(["", "passed", "failed"]), required=False
    )
    condition = forms.CharField(required=False, label="Plan: condition (id or name)")
    start = forms.DateField(
        required=False, label="Plan: first dose", widget=DATE, validators=[year_in_range]
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
    FACTS = (
        "medications_status",
        "allergies_status",
        "allergies",
        "hepatic",
        "renal",
        "procedures_status",
        "planned_procedures",
        "opioid_use_disorder_history",
        "pregnant",
        "breastfeeding",
        "planned_dose_mg",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add = 1 if self.is_bound and "add_medication" in self.data else 0
        self.medications = medication_rows(self.data if self.is_bound else None, add)
        self.medication_rows_used: list[int] = []
        """Row index of each medication in the document (blank rows are skipped)."""

    def patient_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n not in self.PLAN and n not in self.FACTS]

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.FACTS]

    def plan_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PLAN]

    def is_valid(self) -> bool:
        own = super().is_valid()
        rows = self.medications.is_valid()
        return own and rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for status, text in (
            ("allergies_status", "allergies"),
            ("procedures_status", "planned_procedures"),
        ):
            listed = bool(_lines(data.get(text)))
            if data.get(status) == "listed" and not listed:
                self.add_error(text, "list at least one, or choose another answer")
            elif data.get(status) != "listed" and listed:
                self.add_error(status, "choose the listed answer, or clear the list")
        return data

    def profile_document(self) -> Any:
        """The JSON profile (or Bundle) this form describes; None after an error."""
        data = self.cleaned_data
        if data.get("document", "").strip():
            try:
                return json.loads(data["document"])
            except json.JSONDecodeError as exc:
                self.add_error("document", f"not valid JSON (line {exc.lineno})")
                return None
            except RecursionError:
                self.add_error("document", "nested too deeply to read")
                return None
            except ValueError:  # an integer of more digits than Python converts
                self.add_error("document", "holds a number too long to read")
                return None
        meds = self._medications()
        if meds is None:
            return None
        doc: dict[str, Any] = {"sex": data["sex"]}
        for key in ("age", "birth_date", "as_of"):
            if data.get(key) is not None:
                doc[key] = data[key].isoformat() if key != "age" else data[key]
        if meds is not False:
            doc["medications"] = meds
        if data.get("allergies_status") == "none":
            doc["allergies"] = []
        elif data.get("allergies_status") == "listed":
            doc["allergies"] = _lines(data.get("allergies"))
        for key in ("hepatic", "renal"):
            if data.get(key):
                doc[key] = data[key]
        if data.get("procedures_status") == "none":
            doc["planned_procedures"] = []
        elif data.get("procedures_status") == "listed":
            doc["planned_procedures"] = [
                _procedure(x) for x in _lines(data.get("planned_procedures"))
            ]
        for key in ("opioid_use_disorder_history", "pregnant", "breastfeeding"):
            answer = facts.tristate(data.get(key))
            if answer is not None:
                doc[key] = answer
        if data.get("planned_dose_mg", "").strip():
            doc["planned_dose_mg"] = data["planned_dose_mg"].strip()
        labs = {k: data[k] for k in ("urine_opioid_screen", "naloxone_challenge") if data.get(k)}
        if labs:
            doc["labs"] = labs
        conditions = [_condition(x) for x in _lines(data.get("conditions"))]
        if conditions:
            doc["conditions"] = conditions
        return doc

    def _medications(self) -> list[dict[str, Any]] | bool | None:
        """The medication list; False when not known; None after an error (shown on the form).

        Rows filled in mean the medicines listed, whatever the answer left at "not known".
        """
        status = self.cleaned_data.get("medications_status")
        entries: list[dict[str, Any]] = []
        self.medication_rows_used = []
        for i, row in enumerate(self.medications.forms):
            entry = row.entry()
            if entry is not None:
                entries.append(entry)
                self.medication_rows_used.append(i)
        if status == "none" and entries:
            self.add_error("medications_status", "'takes no medicines', yet rows are filled in")
            return None
        if status == "listed" and not entries:
            self.add_error("medications_status", "no medicine is listed in the rows below")
            return None
        if entries:
            return entries
        return [] if status == "none" else False

    def medication_row_error(self, index: int, key: str | None, message: str) -> None:
        """Show a domain error about ``medications[index]`` on its row."""
        row_index = (
            self.medication_rows_used[index] if index < len(self.medication_rows_used) else 0
        )
        row = self.medications.forms[row_index]
        row.add_error(key if key in row.fields else None, message)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _parts(line: str) -> list[str]:
    return [p.strip() for p in line.split("|")]


def _condition(line: str) -> Any:
    system, _, code = line.partition(":")
    if system.strip().lower() in ("icd10cm", "snomed") and code.strip():
        return {"system": system.strip().lower(), "code": code.strip()}
    return line


def _procedure(line: str) -> dict[str, Any]:
    parts = [*_parts(line), "", ""]
    proc: dict[str, Any] = {"date": parts[0]}
    if parts[1]:
        proc["description"] = parts[1]
    if parts[2]:
        proc["opioid_analgesia_expected"] = parts[2].lower() not in ("no", "false", "n")
    return proc

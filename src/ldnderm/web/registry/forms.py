"""HTML forms of the pages. They render inputs and coerce types; the services' pydantic inputs
(``inputs.py``) and database constraints remain the validation that counts."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from ldnderm.web.core.validators import year_in_range
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse
from ldnderm.web.screening import facts
from ldnderm.web.screening.forms import LOOKUP

# HTML date inputs take ISO dates only; the en-gb default (dd/mm/yyyy) would show blank.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Dated(forms.Form):
    """A form whose date starts at ``today``: the clinic's date (``Scope.today``), not the
    server's."""

    date_field: ClassVar[str]

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.date_field].initial = today


class PatientForm(forms.Form):
    mrn = forms.CharField(label="MRN", max_length=40)
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    sex = forms.ChoiceField(choices=Patient.Sex.choices, initial=Patient.Sex.UNKNOWN)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CourseForm(Dated):
    """Start a course: the condition, the start date and the facts the screening asks for, each
    answered explicitly ("not known" by default; an unanswered fact is left out of the profile,
    so the screen reads it as unknown, never as "no")."""

    condition_id = forms.ChoiceField(label="Condition")
    protocol_id = forms.ChoiceField(label="Dosing protocol", required=False)
    date_field = "started_on"
    started_on = forms.DateField(widget=DATE, validators=[year_in_range])
    medications_status = facts.radio("Current or recent medicines", facts.MEDICATIONS)
    medications = forms.CharField(
        label="Medicines (one per line)",
        help_text="Type a name to pick it from the safety vocabulary; other names are screened "
        "as unrecognised medicines (a hold).",
        widget=forms.Textarea(attrs={"rows": 3, **LOOKUP}),
        required=False,
        max_length=2000,
    )
    allergies_status = facts.radio("Allergies", facts.ALLERGIES)
    allergies = forms.CharField(
        label="Allergies (one per line)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    hepatic = forms.ChoiceField(label="Liver", choices=facts.HEPATIC, required=False)
    renal = forms.ChoiceField(label="Kidney", choices=facts.RENAL, required=False)
    procedures_status = facts.radio("Planned procedures", facts.PROCEDURES)
    planned_procedures = forms.CharField(
        label="Planned procedures (one per line)",
        help_text="YYYY-MM-DD | description | opioids yes/no",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    opioid_use_disorder_history = facts.radio(
        "History of opioid use disorder", facts.YES_NO_UNKNOWN
    )
    pregnant = facts.radio("Pregnant", facts.YES_NO_UNKNOWN)
    breastfeeding = facts.radio("Breastfeeding", facts.YES_NO_UNKNOWN)

    LISTS = (
        ("medications_status", "medications"),
        ("allergies_status", "allergies"),
        ("procedures_status", "planned_procedures"),
    )

    def __init__(
        self,
        *args: Any,
        conditions: list[tuple[str, str]],
        protocols: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["condition_id"].choices = conditions  # type: ignore[attr-defined]
        protocol_choices = [("", "the condition's default"), *protocols]
        self.fields["protocol_id"].choices = protocol_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for status, text in self.LISTS:
            listed = bool(_lines(data.get(text)))
            if data.get(status) == "listed" and not listed:
                self.add_error(text, "list at least one, or choose another answer")
            elif data.get(status) != "listed" and listed:
                self.add_error(status, "choose the listed answer, or clear the list")
        return data

    def profile(self, patient: Patient) -> dict[str, Any]:
        """The screening profile document (as ``ldnderm.safety`` reads it): answered facts only.
        The planned dose is the plan's target (set by the service)."""
        c = self.cleaned_data
        doc: dict[str, Any] = {"sex": patient.sex}
        if patient.birth_year:
            doc["age"] = max(0, c["started_on"].year - patient.birth_year)
        if c.get("medications_status"):
            names = _lines(c.get("medications"))
            doc["medications"] = [{"name": n[:120]} for n in names[:50]]
        if c.get("allergies_status"):
            doc["allergies"] = [a[:120] for a in _lines(c.get("allergies"))[:50]]
        if c.get("procedures_status"):
            doc["planned_procedures"] = [
                _procedure(line) for line in _lines(c.get("planned_procedures"))[:20]
            ]
        for key in ("hepatic", "renal"):
            if c.get(key):
                doc[key] = c[key]
        for key in ("opioid_use_disorder_history", "pregnant", "breastfeeding"):
            answer = facts.tristate(c.get(key))
            if answer is not None:
                doc[key] = answer
        return doc


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _procedure(line: str) -> dict[str, Any]:
    parts = [*(p.strip() for p in line.split("|")), "", ""]
    proc: dict[str, Any] = {"date": parts[0]}
    if parts[1]:
        proc["description"] = parts[1][:200]
    if parts[2]:
        proc["opioid_analgesia_expected"] = parts[2].lower() not in ("no", "false", "n")
    return proc


class StopForm(Dated):
    date_field = "stopped_on"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    stopped_on = forms.DateField(widget=DATE, validators=[year_in_range])
    stop_reason = forms.ChoiceField(choices=TreatmentCourse.StopReason.choices)
    stop_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DoseForm(Dated):
    date_field = "changed_on"
    changed_on = forms.DateField(widget=DATE, validators=[year_in_range])
    mg_per_day = forms.DecimalField(
        label="Dose (mg a day)", min_value=0, max_value=50, max_digits=5, decimal_places=2
    )
    formulation = forms.CharField(max_length=80, required=False)
    note = forms.CharField(max_length=200, required=False)


class VisitForm(Dated):
    date_field = "visit_date"
    visit_date = forms.DateField(widget=DATE, validators=[year_in_range])
    course_id = forms.TypedChoiceField(label="Course", coerce=int, required=False, empty_value=None)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_id"].choices = [("", "none"), *courses]  # type: ignore[attr-defined]


class AdverseEventForm(Dated):
    term = forms.CharField(max_length=120)
    grade = forms.TypedChoiceField(
        coerce=int, choices=[(g, str(g)) for g in range(1, 6)], help_text="CTCAE grade 1-5"
    )
    date_field = "onset_on"
    onset_on = forms.DateField(widget=DATE, validators=[year_in_range])
    resolved_on = forms.DateField(widget=DATE, required=False, validators=[year_in_range])
    relatedness = forms.ChoiceField(choices=AdverseEvent.Relatedness.choices)
    action = forms.ChoiceField(choices=AdverseEvent.ActionTaken.choices)
    course_id = forms.TypedChoiceField(label="Course", coerce=int, required=False, empty_value=None)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_id"].choices = [("", "none"), *courses]  # type: ignore[attr-defined]


# -- correcting and deleting records (every form names the version it was made on) -------------


class Versioned(forms.Form):
    """A change to an existing record: ``version`` is the version shown when the form opened,
    so a save over someone else's change is refused (409) instead of silently undoing it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class PatientEditForm(Versioned):
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    sex = forms.ChoiceField(choices=Patient.Sex.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CourseEditForm(Versioned):
    started_on = forms.DateField(widget=DATE)
    stopped_on = forms.DateField(widget=DATE, required=False)
    stop_reason = forms.ChoiceField(
        choices=[("", "not stopped"), *TreatmentCourse.StopReason.choices], required=False
    )
    stop_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DoseEditForm(Versioned):
    changed_on = forms.DateField(widget=DATE)
    mg_per_day = forms.DecimalField(min_value=0, max_value=50, max_digits=5, decimal_places=2)
    formulation = forms.CharField(max_length=80, required=False)
    note = forms.CharField(max_length=200, required=False)


class VisitEditForm(Versioned):
    visit_date = forms.DateField(widget=DATE)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AssessmentEditForm(Versioned):
    responses = forms.JSONField(
        label="Responses (JSON, as recorded)", widget=forms.Textarea(attrs={"rows": 6})
    )


class AdverseEventEditForm(Versioned):
    term = forms.CharField(max_length=120)
    grade = forms.TypedChoiceField(
        coerce=int, choices=[(g, str(g)) for g in range(1, 6)], help_text="CTCAE grade 1-5"
    )
    resolved_on = forms.DateField(widget=DATE, required=False)
    relatedness = forms.ChoiceField(choices=AdverseEvent.Relatedness.choices)
    action = forms.ChoiceField(choices=AdverseEvent.ActionTaken.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeleteForm(Versioned):
    reason = forms.CharField(
        label="Why is this record deleted?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text="Kept in the audit trail.",
    )

"""HTML forms of the pages. They render inputs and coerce types; the services' pydantic inputs
(``inputs.py``) and database constraints remain the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse

# HTML date inputs take ISO dates only; the en-gb default (dd/mm/yyyy) would show blank.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(forms.Form):
    mrn = forms.CharField(label="MRN", max_length=40)
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    sex = forms.ChoiceField(choices=Patient.Sex.choices, initial=Patient.Sex.UNKNOWN)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


HEPATIC = [(v, v.replace("_", " ")) for v in ("normal", "mild", "moderate", "severe")]
RENAL = [(v, v) for v in ("normal", "mild", "moderate", "severe", "dialysis")]
TRISTATE = [("", "unknown"), ("no", "no"), ("yes", "yes")]


class CourseForm(forms.Form):
    """Start a course: the condition, the start date and the facts the screening asks for."""

    condition_id = forms.ChoiceField(label="Condition")
    protocol_id = forms.ChoiceField(label="Dosing protocol", required=False)
    started_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    pregnant = forms.ChoiceField(choices=TRISTATE, required=False)
    breastfeeding = forms.ChoiceField(choices=TRISTATE, required=False)
    hepatic = forms.ChoiceField(label="Liver function", choices=HEPATIC, initial="normal")
    renal = forms.ChoiceField(label="Kidney function", choices=RENAL, initial="normal")
    opioid_use_disorder_history = forms.BooleanField(
        label="History of opioid use disorder", required=False
    )
    medications = forms.CharField(
        label="Current medicines (one per line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
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

    def profile(self, patient: Patient) -> dict[str, Any]:
        """The screening profile document (as ``ldnderm.safety`` reads it)."""
        c = self.cleaned_data
        doc: dict[str, Any] = {"sex": patient.sex, "hepatic": c["hepatic"], "renal": c["renal"]}
        if patient.birth_year:
            doc["age"] = max(0, c["started_on"].year - patient.birth_year)
        for flag in ("pregnant", "breastfeeding"):
            if c[flag]:
                doc[flag] = c[flag] == "yes"
        doc["opioid_use_disorder_history"] = bool(c["opioid_use_disorder_history"])
        names = [line.strip() for line in c["medications"].splitlines() if line.strip()]
        doc["medications"] = [{"name": n[:120]} for n in names[:50]]
        return doc


class StopForm(forms.Form):
    stopped_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    stop_reason = forms.ChoiceField(choices=TreatmentCourse.StopReason.choices)
    stop_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DoseForm(forms.Form):
    changed_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    mg_per_day = forms.DecimalField(min_value=0, max_value=50, max_digits=5, decimal_places=2)
    formulation = forms.CharField(max_length=80, required=False)
    note = forms.CharField(max_length=200, required=False)


class VisitForm(forms.Form):
    visit_date = forms.DateField(widget=DATE, initial=timezone.localdate)
    course_id = forms.TypedChoiceField(label="Course", coerce=int, required=False, empty_value=None)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_id"].choices = [("", "none"), *courses]  # type: ignore[attr-defined]


class AdverseEventForm(forms.Form):
    term = forms.CharField(max_length=120)
    grade = forms.TypedChoiceField(
        coerce=int, choices=[(g, str(g)) for g in range(1, 6)], help_text="CTCAE grade 1-5"
    )
    onset_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    resolved_on = forms.DateField(widget=DATE, required=False)
    relatedness = forms.ChoiceField(choices=AdverseEvent.Relatedness.choices)
    action = forms.ChoiceField(choices=AdverseEvent.ActionTaken.choices)
    course_id = forms.TypedChoiceField(label="Course", coerce=int, required=False, empty_value=None)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_id"].choices = [("", "none"), *courses]  # type: ignore[attr-defined]

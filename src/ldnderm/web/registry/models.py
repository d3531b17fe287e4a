"""Registry records. Invariants live in database constraints, not in pre-checks:
MRN unique per clinic, adverse-event grade 1-5, a course stops on or after its start, doses are
within 0 mg/day and the dose ceiling of ``ldnderm.dosing.data.max_daily_mg``. Patients are real,
except those of a demo clinic (``Clinic.demo``, made only by ``ldnderm demo``).

Clinical ids (conditions, protocols, measures) are the knowledge base's string ids, not foreign
keys: the knowledge base is versioned data, and a record keeps the id it was made with.
"""

from __future__ import annotations

import decimal
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ldnderm.dosing.data import max_daily_mg
from ldnderm.web.accounts.models import Clinic

MAX_DAILY_MG = max_daily_mg()
"""The dose ceiling (mg/day) the database enforces; a change in the dosing data needs a
migration, which ``makemigrations --check`` in ``make test`` demands."""


class Versioned(models.Model):
    """A mutable record: ``version`` is raised by one on every change, so a change made on a
    version read earlier can be refused as stale (``ldnderm.web.registry.versions``)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Patient(Versioned):
    """A person treated at one clinic. ``mrn`` is the clinic's own record number."""

    class Sex(models.TextChoices):
        FEMALE = "female", "female"
        MALE = "male", "male"
        OTHER = "other", "other"
        UNKNOWN = "unknown", "unknown"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=40)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for",
        verbose_name="responsible clinician",
    )
    """The clinician whose worklist shows this patient (a prescriber of the same clinic, set
    by :mod:`ldnderm.web.registry.services.responsible`); none: the clinic's list only."""

    class Meta:
        ordering = ("family_name", "given_name", "id")
        constraints = (
            models.UniqueConstraint(fields=["clinic", "mrn"], name="patient_mrn_unique_per_clinic"),
        )

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} ({self.mrn})"

    @property
    def demo(self) -> bool:
        """An invented patient of a demo clinic (select_related("clinic") when listing)."""
        return self.clinic.demo


class TreatmentCourse(Versioned):
    """One course of naltrexone for one condition, from start to stop."""

    class StopReason(models.TextChoices):
        RESPONSE = "response", "goal reached"
        NO_RESPONSE = "no_response", "insufficient response"
        ADVERSE_EVENT = "adverse_event", "adverse event"
        PATIENT_CHOICE = "patient_choice", "patient choice"
        OTHER = "other", "other"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="courses")
    condition_id = models.CharField(max_length=80)
    protocol_id = models.CharField(max_length=80, blank=True)
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True)
    stop_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-started_on", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="course_stops_after_start",
            ),
        )

    def __str__(self) -> str:
        return f"course {self.pk}: {self.condition_id} from {self.started_on}"

    @property
    def active(self) -> bool:
        return self.stopped_on is None


class ScreeningSnapshot(models.Model):
    """The safety screening and proposed plan as they stood when the course started: the
    profile screened, the verdict, every finding, the plan, and the knowledge version used."""

    course = models.OneToOneField(
        TreatmentCourse, on_delete=models.CASCADE, related_name="screening"
    )
    taken_at = models.DateTimeField(auto_now_add=True)
    profile = models.JSONField(default=dict)
    verdict = models.CharField(max_length=40)
    findings = models.JSONField(default=list)
    plan = models.JSONField(default=dict)
    knowledge_version = models.CharField(max_length=80)
    not_checked = models.JSONField(default=list, blank=True)
    """The required facts the screen could not check (unknown at the start)."""
    hold_resolutions = models.JSONField(default=list, blank=True)
    """``[{rule, reason, resolved_by, resolved_at}]``: the clinician's recorded reason for each
    hold finding the course started despite (also in the audit trail)."""

    def __str__(self) -> str:
        return f"screening of course {self.course_id}: {self.verdict}"


class DoseChange(Versioned):
    """A dose in effect from ``changed_on`` until the next change (mg per day)."""

    course = models.ForeignKey(TreatmentCourse, on_delete=models.CASCADE, related_name="doses")
    changed_on = models.DateField()
    mg_per_day = models.DecimalField(max_digits=5, decimal_places=2)
    formulation = models.CharField(max_length=80, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("changed_on", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(mg_per_day__gte=0) & Q(mg_per_day__lte=MAX_DAILY_MG),
                name="dose_mg_within_ceiling",
            ),
        )

    def __str__(self) -> str:
        return f"{self.mg_per_day} mg/day from {self.changed_on}"


class Visit(Versioned):
    """A clinic contact at which measures are taken."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="visits")
    course = models.ForeignKey(
        TreatmentCourse, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visit_date = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("visit_date", "id")

    def __str__(self) -> str:
        return f"visit {self.pk} on {self.visit_date}"


class ScoreTotalField(models.DecimalField):  # type: ignore[type-arg]
    """A score total column that always reads back.

    SQLite does not enforce ``max_digits``, and Django's SQLite converter rounds what it reads in
    a decimal context of ``max_digits`` digits, so a value stored too large (an IHS4 of
    1,000,000 saved before counts were bounded) raised ``decimal.InvalidOperation`` on every
    read of the row. This field reads in a context wide enough for any value SQLite holds; the
    measures' input bounds keep new totals within ``max_digits`` (PostgreSQL's ``numeric``
    enforces it too), and :mod:`ldnderm.web.registry.scoring` shows a stored row that no longer
    scores as "cannot be scored".
    """

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=max(self.max_digits or 0, 40), Emax=decimal.MAX_EMAX)


class Assessment(Versioned):
    """One outcome measure taken at a visit. ``responses`` holds the raw item answers so the
    score can be recomputed when the measure's version changes (``ldnderm registry rescore``);
    ``result`` is the :class:`ldnderm.measures.ScoreResult` as JSON and ``total`` its number."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assessments")
    measure_id = models.CharField(max_length=40)
    measure_version = models.CharField(max_length=120)
    responses = models.JSONField()
    result = models.JSONField()
    total = ScoreTotalField(max_digits=8, decimal_places=2, null=True, blank=True)
    knowledge_version = models.CharField(max_length=80)

    class Meta:
        ordering = ("measure_id", "id")
        constraints = (
            models.UniqueConstraint(fields=["visit", "measure_id"], name="one_measure_per_visit"),
        )

    def __str__(self) -> str:
        return f"{self.measure_id} at visit {self.visit_id}"


class AdverseEvent(Versioned):
    """An adverse event, graded 1 (mild) to 5 (death) as in CTCAE."""

    class Relatedness(models.TextChoices):
        UNRELATED = "unrelated", "unrelated"
        UNLIKELY = "unlikely", "unlikely"
        POSSIBLE = "possible", "possible"
        PROBABLE = "probable", "probable"
        DEFINITE = "definite", "definite"

    class ActionTaken(models.TextChoices):
        NONE = "none", "none"
        DOSE_REDUCED = "dose_reduced", "dose reduced"
        INTERRUPTED = "interrupted", "interrupted"
        WITHDRAWN = "withdrawn", "withdrawn"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="adverse_events")
    course = models.ForeignKey(
        TreatmentCourse,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adverse_events",
    )
    term = models.CharField(max_length=120)
    grade = models.PositiveSmallIntegerField()
    onset_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    relatedness = models.CharField(max_length=10, choices=Relatedness.choices)
    action = models.CharField(max_length=15, choices=ActionTaken.choices, default="none")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("onset_on", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(grade__gte=1) & Q(grade__lte=5), name="ae_grade_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("onset_on")),
                name="ae_resolves_after_onset",
            ),
        )

    def __str__(self) -> str:
        return f"adverse event {self.pk}: grade {self.grade}"

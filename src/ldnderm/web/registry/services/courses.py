"""Treatment courses: screen and propose, start (with the screening snapshot), dose, stop.

Starting a course is one transaction: the course, its screening snapshot (which keeps the whole
proposed titration plan), the first dose of the plan and the audit event are saved together or
not at all. Later steps are not recorded as doses in advance: a DoseChange records a dose the
patient was actually put on. :func:`planned_steps` sets the plan beside the recorded doses (the
patient page shows it, and the dose form proposes the next step). Screening and the plan come
from the domain (:mod:`ldnderm.web.registry.clinical` wraps ``ldnderm.safety`` and
``ldnderm.dosing``).

The verdict gates the plan, in the pages and the API alike (:class:`Proposal`):

* ``contraindicated`` blocks the start and cannot be overridden: a resolution naming a
  contraindicated finding is refused (``hold_resolutions[i].rule``). It clears only when the facts
  change and a new screen passes.
* ``hold`` blocks the start unless the clinician resolves every hold finding with a recorded
  reason (``hold_resolutions``); the reasons, who gave them and when are stored on the screening
  snapshot and written to the audit trail with the start.
* ``caution`` and ``ok`` let the plan through (the findings are shown above it).

Unless the profile states ``planned_dose_mg``, the start is screened for the plan's target dose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.log import Action
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import (
    HOLD_REASON_MIN,
    CourseIn,
    CoursePatch,
    CourseStopIn,
    DoseIn,
    DosePatch,
    HoldResolution,
)
from ldnderm.web.registry.models import DoseChange, Patient, ScreeningSnapshot, TreatmentCourse
from ldnderm.web.registry.services import plausible
from ldnderm.web.registry.services.common import (
    audit,
    changes_of,
    delete_record,
    update_record,
)
from ldnderm.web.registry.versions import Expected, locked


@dataclass(frozen=True)
class Proposal:
    """What the clinician sees before confirming a start: the screening, and the dosing plan
    only when the verdict lets one follow (``plan`` is None otherwise)."""

    patient: Patient
    screening: clinical.Screening
    proposed: clinical.Plan
    resolutions: list[HoldResolution] = field(default_factory=list)

    @property
    def contraindications(self) -> list[dict[str, Any]]:
        return self.screening.with_severity("contraindicated")

    @property
    def holds(self) -> list[dict[str, Any]]:
        return self.screening.with_severity("hold")

    @property
    def unresolved_holds(self) -> list[dict[str, Any]]:
        resolved = {r.rule for r in self.resolutions}
        return [f for f in self.holds if f.get("rule") not in resolved]

    @property
    def blocked(self) -> bool:
        return bool(self.contraindications or self.unresolved_holds)

    @property
    def plan(self) -> clinical.Plan | None:
        return None if self.blocked else self.proposed

    @property
    def reasons(self) -> list[str]:
        """Why the plan is withheld: each blocking finding, most severe first."""
        out = [f"contraindicated: {f['title']} ({f['rule']})" for f in self.contraindications]
        out += [
            f"hold, no recorded reason: {f['title']} ({f['rule']})" for f in self.unresolved_holds
        ]
        return out


def propose(scope: Scope, data: CourseIn) -> Proposal:
    """Screen the profile and propose a plan; writes nothing but the audit of the read.

    Raises InvalidInput naming ``hold_resolutions[i].rule`` for a resolution of a
    contraindication (never allowed), of no hold finding, or of the same rule twice."""
    patient = scope.get(Patient, data.patient_id)
    plausible.after_birth("started_on", data.started_on, patient)
    plausible.course_start("started_on", data.started_on, scope.today())
    clinical.check_condition(data.condition_id)
    plan = clinical.plan(data.condition_id, data.protocol_id, data.started_on, data.profile)
    profile = dict(data.profile)
    target = clinical.target_mg(plan)
    if profile.get("planned_dose_mg") is None and target is not None:
        profile["planned_dose_mg"] = float(target)
    screening = clinical.screen(profile, data.started_on)
    _check_resolutions(screening, data.hold_resolutions)
    audit(scope, Action.READ, patient, view="course-proposal")
    return Proposal(patient, screening, plan, list(data.hold_resolutions))


def _check_resolutions(screening: clinical.Screening, resolutions: list[HoldResolution]) -> None:
    severities = {f.get("rule"): f.get("severity") for f in screening.findings}
    holds = sorted(r for r, s in severities.items() if s == "hold" and r)
    seen: set[str] = set()
    for i, item in enumerate(resolutions):
        where = f"hold_resolutions[{i}].rule"
        if severities.get(item.rule) == "contraindicated":
            raise InvalidInput(
                where,
                f"{item.rule} is a contraindication; a contraindication cannot be overridden "
                "(it clears only when the facts change and a new screen passes)",
            )
        if item.rule not in holds:
            raise InvalidInput(
                where,
                f"no hold finding {item.rule!r} in this screening",
                ", ".join(holds) or "none: nothing to resolve",
            )
        if item.rule in seen:
            raise InvalidInput(where, f"{item.rule} is resolved twice")
        seen.add(item.rule)


def start_course(scope: Scope, data: CourseIn) -> TreatmentCourse:
    scope.require_prescriber()
    proposal = propose(scope, data)
    if proposal.contraindications:
        raise InvalidInput(
            "profile",
            "screening found a contraindication; the course cannot start and this cannot be "
            "overridden: " + ", ".join(f["rule"] for f in proposal.contraindications),
        )
    if proposal.unresolved_holds:
        raise InvalidInput(
            "hold_resolutions",
            "screening found a hold; record a reason for each hold finding to start: "
            + ", ".join(f["rule"] for f in proposal.unresolved_holds),
            f"[{{rule, reason}}], reason at least {HOLD_REASON_MIN} characters",
        )
    plan = proposal.proposed
    resolved_at = timezone.now().isoformat()
    resolutions = [
        {
            "rule": r.rule,
            "reason": r.reason,
            "resolved_by": scope.user.get_username(),
            "resolved_at": resolved_at,
        }
        for r in proposal.resolutions
    ]
    with transaction.atomic():
        course = TreatmentCourse.objects.create(
            patient=proposal.patient,
            condition_id=data.condition_id,
            protocol_id=plan.protocol_id,
            started_on=data.started_on,
            created_by=scope.user,
        )
        ScreeningSnapshot.objects.create(
            course=course,
            profile=proposal.screening.profile,
            verdict=proposal.screening.verdict,
            findings=proposal.screening.findings,
            plan=plan.as_json(),
            knowledge_version=proposal.screening.knowledge_version,
            not_checked=proposal.screening.not_checked,
            hold_resolutions=resolutions,
        )
        first = plan.steps[0] if plan.steps else None
        if first is not None:
            DoseChange.objects.create(
                course=course,
                changed_on=first.starts_on,
                mg_per_day=first.mg_per_day,
                formulation=plan.formulation,
                note="first step of the proposed plan",
            )
        audit(
            scope,
            Action.CREATE,
            course,
            verdict=proposal.screening.verdict,
            hold_resolutions=[{"rule": r.rule, "reason": r.reason} for r in proposal.resolutions],
        )
    return course


def change_dose(scope: Scope, course: TreatmentCourse, data: DoseIn) -> DoseChange:
    scope.require_prescriber()
    plausible.event_date("changed_on", data.changed_on, course.patient, course, scope.today())
    with transaction.atomic():
        dose = DoseChange.objects.create(course=course, **data.model_dump())
        audit(scope, Action.CREATE, dose, mg_per_day=float(data.mg_per_day))
    return dose


def update_dose(
    scope: Scope, dose: DoseChange, data: DosePatch, expected: Expected | None
) -> DoseChange:
    """Correct a recorded dose (clinicians), on the version read."""
    scope.require_prescriber()
    today = scope.today()

    def check(current: DoseChange) -> None:
        course = current.course
        plausible.event_date("changed_on", current.changed_on, course.patient, course, today)

    return update_record(scope, dose, changes_of(data), expected, check)


def delete_dose(
    scope: Scope, dose: DoseChange, reason: str | None, expected: Expected | None
) -> None:
    delete_record(scope, dose, reason, expected)


def stop_course(
    scope: Scope, course: TreatmentCourse, data: CourseStopIn, expected: Expected | None
) -> TreatmentCourse:
    """Stop a running course, on the version read: of two concurrent stops one succeeds and
    the other is stale."""
    scope.require_prescriber()
    changes = changes_of(data)
    with transaction.atomic():
        current = locked(TreatmentCourse, course.pk, expected, changes)
        if current.stopped_on is not None:
            raise InvalidInput("stopped_on", "the course has already stopped")
        plausible.after_start("stopped_on", data.stopped_on, current)
        return update_record(scope, current, changes, expected)


def update_course(
    scope: Scope, course: TreatmentCourse, data: CoursePatch, expected: Expected | None
) -> TreatmentCourse:
    """Correct a course's start, or its stop date and reason (clinicians), on the version read.
    The start stays after the birth year, within the lead time and before anything recorded
    under the course; a stop stays after the start."""
    scope.require_prescriber()
    today = scope.today()

    def check(current: TreatmentCourse) -> None:
        plausible.after_birth("started_on", current.started_on, current.patient)
        if current.started_on != course.started_on:
            plausible.course_start("started_on", current.started_on, today)
        first = _first_recorded(current)
        if first is not None and first < current.started_on:
            raise InvalidInput(
                "started_on",
                f"{current.started_on} is after the course's first record ({first})",
                f"a date up to {first}",
            )
        if current.stopped_on is not None:
            plausible.after_start("stopped_on", current.stopped_on, current)
        elif current.stop_reason:
            raise InvalidInput("stop_reason", "a running course has no stop reason", "none")

    return update_record(scope, course, changes_of(data), expected, check)


def _first_recorded(course: TreatmentCourse) -> dt.date | None:
    days = [
        *course.doses.values_list("changed_on", flat=True),
        *course.visits.values_list("visit_date", flat=True),
        *course.adverse_events.values_list("onset_on", flat=True),
    ]
    return min(days) if days else None


def delete_course(
    scope: Scope, course: TreatmentCourse, reason: str | None, expected: Expected | None
) -> None:
    """Delete a course with its doses and screening snapshot (:func:`delete_record`)."""
    delete_record(scope, course, reason, expected)


@dataclass(frozen=True)
class PlannedStep:
    """One step of the plan saved at the start of a course, and whether it was recorded."""

    starts_on: dt.date
    mg_per_day: Decimal
    note: str
    recorded: bool
    """A dose of this amount was recorded on or after the step's date."""
    due: bool
    """Not recorded and its date has come (the next dose change to make or to skip)."""

    @property
    def mg_text(self) -> str:
        """The dose without trailing zeros: ``1.5``, ``3``, ``0.25``."""
        return f"{self.mg_per_day.normalize():f}"


def planned_steps(course: TreatmentCourse, today: dt.date) -> list[PlannedStep]:
    """The titration plan saved with ``course``'s screening snapshot, each step marked recorded
    or due by ``today``, the clinic's date (:meth:`Scope.today`). Uses ``course.screening`` and
    ``course.doses.all()`` (select/prefetch them)."""
    try:
        plan = course.screening.plan
    except ObjectDoesNotExist:
        return []
    doses = [(d.changed_on, d.mg_per_day) for d in course.doses.all()]
    steps = []
    for raw in plan.get("steps", []) if isinstance(plan, dict) else []:
        try:
            starts_on = dt.date.fromisoformat(str(raw["starts_on"]))
            mg = Decimal(str(raw["mg_per_day"]))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue
        recorded = any(day >= starts_on and dose == mg for day, dose in doses)
        due = not recorded and starts_on <= today and course.stopped_on is None
        steps.append(PlannedStep(starts_on, mg, str(raw.get("note", "")), recorded, due))
    return steps


def next_planned_step(course: TreatmentCourse, today: dt.date) -> PlannedStep | None:
    """The first step of the plan not yet recorded, if the course is still running."""
    if course.stopped_on is not None:
        return None
    return next((s for s in planned_steps(course, today) if not s.recorded), None)

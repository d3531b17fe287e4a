"""Visits and their assessments. Every score is computed by :mod:`ldnderm.measures`; the raw
responses are stored beside the result so :func:`rescore` can recompute them when a measure's
definition or version changes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.measures import ScoreResult
from ldnderm.web.audit.log import Action, Actor, unsaved
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry import scoring
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.inputs import AssessmentIn, VisitIn, VisitPatch
from ldnderm.web.registry.models import Assessment, Patient, TreatmentCourse, Visit
from ldnderm.web.registry.services import plausible
from ldnderm.web.registry.services.common import (
    audit,
    changes_of,
    delete_record,
    update_record,
)
from ldnderm.web.registry.versions import Expected


def score(measure_id: str, responses: Any, where: str | None = None) -> ScoreResult:
    """Score through the measures registry; InvalidInput names ``<where>.<field>``, where
    ``where`` defaults to ``assessments.<measure id>``."""
    try:
        return measures.get(measure_id).score(responses)
    except InvalidInput as exc:
        prefix = where or f"assessments.{measure_id}"
        field = prefix + (f".{exc.field}" if exc.field else "")
        raise InvalidInput(field, exc.problem, exc.allowed) from exc


def _fill(assessment: Assessment, result: ScoreResult) -> None:
    assessment.measure_version = result.version
    assessment.result = result.model_dump(mode="json")
    assessment.total = Decimal(str(result.total)) if result.total is not None else None
    assessment.knowledge_version = result.knowledge_version


def build_assessment(
    visit: Visit, measure_id: str, responses: Any, where: str | None = None
) -> Assessment:
    """An unsaved, scored assessment: the one way every door (pages, API, FHIR import) turns
    responses into a stored score, with the measure and knowledge versions it was scored under."""
    assessment = Assessment(visit=visit, measure_id=measure_id, responses=responses)
    _fill(assessment, score(measure_id, responses, where))
    return assessment


def record_visit(scope: Scope, data: VisitIn) -> Visit:
    """Create a visit with all its assessments at once: all are saved, or none."""
    patient = scope.get(Patient, data.patient_id)
    course = None
    if data.course_id is not None:
        course = scope.get(TreatmentCourse, data.course_id, patient.courses.all())
    plausible.event_date("visit_date", data.visit_date, patient, course, scope.today())
    # Score before writing anything: invalid responses leave the database untouched.
    scored = {mid: score(mid, responses) for mid, responses in data.assessments.items()}
    with transaction.atomic():
        visit = Visit.objects.create(
            patient=patient, course=course, visit_date=data.visit_date, notes=data.notes
        )
        rows = []
        for mid, result in scored.items():
            row = Assessment(visit=visit, measure_id=mid, responses=data.assessments[mid])
            _fill(row, result)
            rows.append(row)
        Assessment.objects.bulk_create(rows)
        audit(scope, Action.CREATE, visit, measures=sorted(scored))
    return visit


def update_visit(scope: Scope, visit: Visit, data: VisitPatch, expected: Expected | None) -> Visit:
    changes = changes_of(data)
    today = scope.today()

    def check(current: Visit) -> None:
        patient, course = current.patient, current.course
        plausible.event_date("visit_date", current.visit_date, patient, course, today)

    return update_record(scope, visit, changes, expected, check)


def delete_visit(scope: Scope, visit: Visit, reason: str | None, expected: Expected | None) -> None:
    """Delete a visit and its assessments (:func:`delete_record`: clinicians and administrators,
    with a reason)."""
    delete_record(scope, visit, reason, expected)


def add_assessment(scope: Scope, data: AssessmentIn) -> Assessment:
    visit = scope.get(Visit, data.visit_id)
    with transaction.atomic():
        assessment = build_assessment(visit, data.measure_id, data.responses)
        assessment.save()
        audit(scope, Action.CREATE, assessment, measure=data.measure_id)
    return assessment


def update_assessment(
    scope: Scope, assessment: Assessment, responses: Any, expected: Expected | None
) -> Assessment:
    """Replace the responses and re-score, on the version read; the audit event keeps the old
    and new responses and totals."""
    result = score(assessment.measure_id, responses)
    row = Assessment(visit=assessment.visit, measure_id=assessment.measure_id, responses=responses)
    _fill(row, result)
    changes = {
        name: getattr(row, name)
        for name in ("responses", "result", "total", "measure_version", "knowledge_version")
    }

    def shown(diff: dict[str, Any]) -> dict[str, Any]:
        # Totals as numbers, as the rescore keeps them.
        if "total" not in diff:
            return diff
        return {**diff, "total": [None if t is None else float(t) for t in diff["total"]]}

    return update_record(scope, assessment, changes, expected, shown=shown)


def delete_assessment(
    scope: Scope, assessment: Assessment, reason: str | None, expected: Expected | None
) -> None:
    delete_record(scope, assessment, reason, expected)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _rescore_changes(
    before: tuple[Any, str, str], old_total: Decimal | None, assessment: Assessment
) -> dict[str, Any]:
    after = (assessment.result, assessment.measure_version, assessment.knowledge_version)
    names = ("result", "measure_version", "knowledge_version")
    changes = {
        n: [old, new] for n, old, new in zip(names, before, after, strict=True) if old != new
    }
    if old_total != assessment.total:
        changes["total"] = [_num(old_total), _num(assessment.total)]
    return changes


SYSTEM = Actor(user_id=None, username="system:rescore", clinic_id=None)


@dataclass(frozen=True)
class Rescored:
    """What ``rescore`` did: rows seen and changed, and each row that cannot be scored (its id
    and why), left as it was."""

    seen: int
    changed: int
    failed: list[tuple[int, str]]


def rescore(measure_id: str | None = None) -> Rescored:
    """Recompute every stored assessment (of one measure, or all) from its raw responses with
    the measures as they are now. A system task: it runs from the command line, outside any
    clinic, and keeps each changed row's new version; a row is written only on the version it
    was read at, raising it. A row that cannot be scored
    (:func:`ldnderm.web.registry.scoring.problem`) is reported and left unchanged; the others
    are rescored all the same."""
    seen = changed = 0
    failed: list[tuple[int, str]] = []
    qs = Assessment.objects.select_related("visit").order_by("id")
    if measure_id:
        qs = qs.filter(measure_id=measure_id)
    events: list[AuditEvent] = []
    with transaction.atomic():
        for assessment in qs.iterator(chunk_size=500):
            seen += 1
            reason = scoring.problem(assessment)
            if reason is not None:
                failed.append((assessment.pk, reason))
                continue
            before = (assessment.result, assessment.measure_version, assessment.knowledge_version)
            old_total = assessment.total
            _fill(assessment, measures.get(assessment.measure_id).score(assessment.responses))
            after = (assessment.result, assessment.measure_version, assessment.knowledge_version)
            if before != after:
                # Only on the version read: a row changed meanwhile was scored by that change.
                written = Assessment.objects.filter(
                    pk=assessment.pk, version=assessment.version
                ).update(
                    result=assessment.result,
                    total=assessment.total,
                    measure_version=assessment.measure_version,
                    knowledge_version=assessment.knowledge_version,
                    version=F("version") + 1,
                )
                if not written:
                    continue
                changed += 1
                detail = {
                    "reason": "rescore",
                    "changes": _rescore_changes(before, old_total, assessment),
                }
                events.append(
                    unsaved(
                        SYSTEM,
                        Action.UPDATE,
                        "assessment",
                        assessment.pk,
                        assessment.visit.patient_id,
                        detail,
                    )
                )
        # Audited at the end, in one insert: the chain head is locked only from here on.
        AuditEvent.objects.bulk_create(events, batch_size=500)
    return Rescored(seen, changed, failed)

"""Re-screen active courses under the current knowledge base and find those whose verdict got
worse (``ldnderm registry rescreen`` for every clinic; the dashboard for the user's clinic).

Each active course's stored profile is screened again as it was stored: the same facts and the
same ``as_of`` (the start date), so only the knowledge can differ. A course is listed when the
new verdict is more severe than the stored one (``SEVERITY_ORDER``), or when its stored profile
no longer reads. Nothing is stored: the snapshot stays the record of what was known at the
start, and a re-screen is recomputed on each call (no flag writes one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.log import Action, bulk_record
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.models import TreatmentCourse


@dataclass(frozen=True)
class Worse:
    """One active course whose verdict got worse under the current knowledge."""

    course: TreatmentCourse
    old_verdict: str
    new_verdict: str
    old_knowledge: str
    new_knowledge: str
    new_findings: list[dict[str, Any]] = field(default_factory=list)
    """Findings of the new screen whose rule did not fire at the start."""
    error: str = ""
    """Why the stored profile could not be screened again (then ``new_verdict`` is "unreadable")."""

    def as_json(self) -> dict[str, Any]:
        return {
            "course_id": self.course.pk,
            "patient_id": self.course.patient_id,
            "clinic_id": self.course.patient.clinic_id,
            "condition_id": self.course.condition_id,
            "started_on": self.course.started_on.isoformat(),
            "old_verdict": self.old_verdict,
            "new_verdict": self.new_verdict,
            "old_knowledge_version": self.old_knowledge,
            "new_knowledge_version": self.new_knowledge,
            "new_findings": [
                {"rule": f.get("rule"), "severity": f.get("severity"), "title": f.get("title")}
                for f in self.new_findings
            ],
            "error": self.error,
        }


def active_courses(qs: QuerySet[TreatmentCourse]) -> QuerySet[TreatmentCourse]:
    return (
        qs.filter(stopped_on__isnull=True, screening__isnull=False)
        .select_related("screening", "patient")
        .order_by("patient__clinic_id", "started_on", "id")
    )


def worsened(qs: QuerySet[TreatmentCourse]) -> tuple[int, list[Worse]]:
    """How many active courses were re-screened, and those whose verdict got worse."""
    seen = 0
    out: list[Worse] = []
    for course in active_courses(qs):
        seen += 1
        snap = course.screening
        profile = snap.profile if isinstance(snap.profile, dict) else {}
        try:
            again = clinical.rescreen(profile)
        except InvalidInput as exc:
            out.append(
                Worse(
                    course, snap.verdict, "unreadable", snap.knowledge_version, "", error=str(exc)
                )
            )
            continue
        if clinical.severity(again.verdict) > clinical.severity(snap.verdict):
            before = {f.get("rule") for f in snap.findings if isinstance(f, dict)}
            fresh = [f for f in again.findings if f.get("rule") not in before]
            out.append(
                Worse(
                    course,
                    snap.verdict,
                    again.verdict,
                    snap.knowledge_version,
                    again.knowledge_version,
                    fresh,
                )
            )
    return seen, out


def for_clinic(scope: Scope) -> list[Worse]:
    """The user's clinic's active courses whose verdict got worse, with one ``list`` audit event
    per course shown (like any list of patient records)."""
    _, rows = worsened(scope.rows(TreatmentCourse))
    if rows:
        bulk_record(
            scope.actor,
            Action.LIST,
            [("course", w.course.pk, w.course.patient_id) for w in rows],
            view="rescreen",
        )
    return rows

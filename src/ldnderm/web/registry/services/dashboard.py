"""Clinic dashboard: de-identified aggregates, open to researchers.

Responders at 12 weeks follow each measure's own published definitions: for every course, the
baseline is the measure's earliest assessment from 28 days before to 7 days after the start, and
the follow-up is the assessment closest to day 84 within days 70-98. ``measures.compare`` decides
each responder definition; courses where it is not evaluable count in neither numerator nor
denominator. No identifier, name or date leaves this module: only counts and shares.

Researchers get the same aggregates with small cells suppressed: any count from 1 to
``SMALL_CELL - 1`` becomes ``None`` (shown as "hidden"), and so does every further count from which
one could be recovered by subtraction (complementary suppression over the table's sums, see
:meth:`Dashboard.suppress_small_cells`); a share is given only when both of its counts are
shown, so a rare condition or adverse event in a small clinic cannot single out a patient (a
privacy policy after the small-cell rule in shared/research/reliability.md, DEID-6; the threshold
is a product decision, not a clinical rule). Clinicians see exact counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from ldnderm import measures
from ldnderm.kernel.errors import LdnDermError
from ldnderm.privacy.small_cells import SMALL_CELL, Relation, suppress
from ldnderm.web.audit.log import Action, record
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.models import AdverseEvent, Assessment, TreatmentCourse

GRADES = (1, 2, 3, 4, 5)
RELATEDNESS = tuple(AdverseEvent.Relatedness.values)
WEEK_12 = 84
WINDOW = (70, 98)
BASELINE = (-28, 7)


@dataclass
class ResponderRow:
    measure_id: str
    measure_name: str
    definition: str
    label: str
    responders: int | None = 0
    evaluable: int | None = 0

    @property
    def share(self) -> float | None:
        if not self.evaluable or self.responders is None:
            return None
        return self.responders / self.evaluable


@dataclass
class Dashboard:
    active_by_condition: list[tuple[str, int | None]] = field(default_factory=list)
    responders: list[ResponderRow] = field(default_factory=list)
    ae_by_grade: list[tuple[int, int | None]] = field(default_factory=list)
    ae_by_relatedness: list[tuple[str, int | None]] = field(default_factory=list)
    patients: int | None = 0
    courses: int | None = 0
    suppressed_below: int | None = None
    """Set when small cells were suppressed (for researchers): the threshold used."""

    def suppress_small_cells(self, k: int = SMALL_CELL) -> None:
        """Hide every count from 1 to ``k - 1``, and every further count from which one could
        be derived by subtraction (:func:`ldnderm.privacy.small_cells.suppress`), in place."""
        cells, relations = self._table()
        hidden = suppress(cells, relations, k)

        def shown(name: str) -> int | None:
            return None if name in hidden else cells[name]

        self.patients, self.courses = shown("patients"), shown("courses")
        self.active_by_condition = [(c, shown(f"active:{c}")) for c, _ in self.active_by_condition]
        for i, row in enumerate(self.responders):
            row.responders, row.evaluable = shown(f"responders:{i}"), shown(f"evaluable:{i}")
        # A category left out reads as 0, so a hidden zero is listed (as hidden).
        self.ae_by_grade = [
            (g, shown(f"grade:{g}"))
            for g in GRADES
            if cells[f"grade:{g}"] or f"grade:{g}" in hidden
        ]
        self.ae_by_relatedness = [
            (r, shown(f"relatedness:{r}"))
            for r in RELATEDNESS
            if cells[f"relatedness:{r}"] or f"relatedness:{r}" in hidden
        ]
        self.suppressed_below = k

    def _table(self) -> tuple[dict[str, int], list[Relation]]:
        """The counts as one table with the sums a reader knows: evaluable = responders +
        non-responders (never printed, but derivable), one measure's definitions share their
        evaluable courses, and the adverse events by grade and by relatedness have one total."""
        cells = {"patients": self.patients or 0, "courses": self.courses or 0}
        cells |= {f"active:{c}": n or 0 for c, n in self.active_by_condition}
        relations: list[Relation] = []
        first_of_measure: dict[str, int] = {}
        for i, row in enumerate(self.responders):
            evaluable, responders = row.evaluable or 0, row.responders or 0
            cells |= {
                f"responders:{i}": responders,
                f"non_responders:{i}": evaluable - responders,
                f"evaluable:{i}": evaluable,
            }
            relations.append(Relation(f"evaluable:{i}", (f"responders:{i}", f"non_responders:{i}")))
            first = first_of_measure.setdefault(row.measure_id, i)
            if first != i:
                relations.append(Relation(f"evaluable:{first}", (f"evaluable:{i}",)))
        grades = dict(self.ae_by_grade)
        related = dict(self.ae_by_relatedness)
        cells |= {f"grade:{g}": grades.get(g) or 0 for g in GRADES}
        cells |= {f"relatedness:{r}": related.get(r) or 0 for r in RELATEDNESS}
        cells["adverse_events"] = sum(n or 0 for n in grades.values())
        relations.append(Relation("adverse_events", tuple(f"grade:{g}" for g in GRADES)))
        relations.append(Relation("adverse_events", tuple(f"relatedness:{r}" for r in RELATEDNESS)))
        return cells, relations

    def as_json(self) -> dict[str, Any]:
        return {
            "patients": self.patients,
            "courses": self.courses,
            "active_courses_by_condition": dict(self.active_by_condition),
            "responders_week_12": [
                {
                    "measure": r.measure_id,
                    "definition": r.definition,
                    "label": r.label,
                    "responders": r.responders,
                    "evaluable": r.evaluable,
                    "share": r.share,
                }
                for r in self.responders
            ],
            "adverse_events_by_grade": {str(g): n for g, n in self.ae_by_grade},
            "adverse_events_by_relatedness": dict(self.ae_by_relatedness),
            "suppressed_below": self.suppressed_below,
        }


def build(scope: Scope) -> Dashboard:
    """Aggregates of the user's clinic (an ``aggregate`` audit event records the view)."""
    courses = scope.rows(TreatmentCourse)
    board = Dashboard(
        patients=courses.values("patient_id").distinct().count(),
        courses=courses.count(),
    )
    board.active_by_condition = [
        (row["condition_id"], row["n"])
        for row in courses.filter(stopped_on__isnull=True)
        .values("condition_id")
        .annotate(n=Count("id"))
        .order_by("-n", "condition_id")
    ]
    events = scope.rows(AdverseEvent)
    board.ae_by_grade = [
        (r["grade"], r["n"])
        for r in events.values("grade").annotate(n=Count("id")).order_by("grade")
    ]
    board.ae_by_relatedness = [
        (r["relatedness"], r["n"])
        for r in events.values("relatedness").annotate(n=Count("id")).order_by("relatedness")
    ]
    board.responders = responders_at_week_12(scope)
    if scope.role == "researcher":
        board.suppress_small_cells()
    record(scope.actor, Action.READ, "aggregate", "dashboard")
    return board


def responders_at_week_12(scope: Scope) -> list[ResponderRow]:
    rows = (
        scope.rows(Assessment)
        .filter(visit__course__isnull=False, total__isnull=False)
        .values("measure_id", "responses", "visit__visit_date", "visit__course_id")
        .order_by("visit__visit_date", "id")
    )
    starts = dict(scope.rows(TreatmentCourse).values_list("id", "started_on"))
    by_course: dict[tuple[int, str], list[tuple[int, Any]]] = defaultdict(list)
    for row in rows:
        start = starts.get(row["visit__course_id"])
        if start is None:
            continue
        day = (row["visit__visit_date"] - start).days
        by_course[(row["visit__course_id"], row["measure_id"])].append((day, row["responses"]))
    table: dict[tuple[str, str], ResponderRow] = {}
    for (_course, measure_id), taken in by_course.items():
        measure = measures.get(measure_id)
        if not measure.comparable:
            continue
        pair = _baseline_and_week_12(taken)
        if pair is None:
            continue
        try:
            result = measure.compare(*pair)
        except LdnDermError:  # a stored row that no longer scores (scoring.problem) counts as
            continue  # not evaluable, never as an error of the whole dashboard
        if not result.evaluable:
            continue
        for key, met in result.responders.items():
            entry = table.get((measure_id, key))
            if entry is None:
                threshold = measure.definition.thresholds.get(key)
                label = threshold.label if threshold else key
                entry = ResponderRow(measure_id, measure.definition.name, key, label)
                table[(measure_id, key)] = entry
            entry.evaluable = (entry.evaluable or 0) + 1
            entry.responders = (entry.responders or 0) + int(met)
    order = {m: i for i, m in enumerate(measures.ids())}
    return sorted(table.values(), key=lambda r: (order.get(r.measure_id, 99), r.definition))


def _baseline_and_week_12(taken: list[tuple[int, Any]]) -> tuple[Any, Any] | None:
    baseline = next((r for d, r in taken if BASELINE[0] <= d <= BASELINE[1]), None)
    window = [(abs(d - WEEK_12), r) for d, r in taken if WINDOW[0] <= d <= WINDOW[1]]
    if baseline is None or not window:
        return None
    return baseline, min(window, key=lambda pair: pair[0])[1]

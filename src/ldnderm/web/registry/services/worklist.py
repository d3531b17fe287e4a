"""The clinic's worklist: what needs doing, per responsible clinician and for the whole clinic.

Four kinds of item, all dated in the clinic's time zone (:meth:`Scope.today`):

* **visit**: the next follow-up visit of an active course's plan (the schedule saved with its
  screening snapshot) that no recorded visit has met. A planned visit counts as met by any visit
  of the patient dated from :data:`VISIT_WINDOW_DAYS` before it onwards. It is listed from
  :data:`DUE_AHEAD_DAYS` before its date; *overdue* once more than :data:`VISIT_WINDOW_DAYS`
  have passed after it. These windows are a product decision for listing, not a clinical rule.
* **titration**: a step of the saved titration plan whose date has come and whose dose has not
  been recorded (:func:`ldnderm.web.registry.services.courses.planned_steps`).
* **screen**: an active course whose safety screen was taken more than :data:`SCREEN_MAX_DAYS`
  days ago (screening again is a product decision to check that facts have not changed).
* **adverse event**: an adverse event with no resolution date.

Loaded in a fixed number of queries whatever the number of patients, and audited as one ``list``
event per patient shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max

from ldnderm.web.accounts.clinic_time import clinic_date, zone_of
from ldnderm.web.accounts.models import User
from ldnderm.web.audit.log import Action, record_many
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.models import AdverseEvent, Patient, TreatmentCourse, Visit
from ldnderm.web.registry.services.courses import planned_steps
from ldnderm.web.registry.services.responsible import display_name

VISIT_WINDOW_DAYS = 14
DUE_AHEAD_DAYS = 7
SCREEN_MAX_DAYS = 90

KINDS = ("visit", "titration", "screen", "adverse_event")
KIND_LABELS = {
    "visit": "Visit",
    "titration": "Titration step",
    "screen": "Screen again",
    "adverse_event": "Open adverse event",
}

UNASSIGNED = "unassigned"
"""The ``clinician`` filter value for patients with no responsible clinician."""


@dataclass(frozen=True)
class Item:
    kind: str
    patient: Patient
    on: dt.date
    what: str
    overdue: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def clinician(self) -> str:
        return display_name(self.patient.responsible)


@dataclass
class Worklist:
    today: dt.date
    items: list[Item] = field(default_factory=list)
    """The items shown (of the chosen clinician, or all)."""
    everything: list[Item] = field(default_factory=list)
    """The whole clinic's items (for the per-clinician counts)."""
    clinician: str = ""
    """The filter applied: "" (whole clinic), a user id, or :data:`UNASSIGNED`."""

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(KIND_LABELS[k], self.count(k)) for k in KINDS]

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)


@dataclass(frozen=True)
class ClinicianRow:
    """One line of the per-clinician summary: ``key`` is the filter value ("" for the whole
    clinic), ``cells`` the count of each kind with its label."""

    key: str
    name: str
    cells: tuple[tuple[str, int], ...]


def build(scope: Scope, clinician: str = "") -> Worklist:
    """The worklist of the user's clinic, optionally of one responsible clinician."""
    today = scope.today()
    items = _all_items(scope, today)
    items.sort(key=lambda i: (not i.overdue, i.on, i.patient.family_name, i.kind))
    board = Worklist(today=today, clinician=clinician, everything=items)
    board.items = [i for i in items if _matches(i, clinician)]
    with transaction.atomic():
        shown = dict.fromkeys(i.patient.pk for i in board.items)
        record_many(scope.actor, Action.LIST, "patient", list(shown), view="worklist")
    return board


def by_clinician(board: Worklist, everyone: list[User]) -> list[ClinicianRow]:
    """Counts per kind for each clinician, the unassigned and the whole clinic."""
    per: dict[str, Counter[str]] = {}
    for item in board.everything:
        key = str(item.patient.responsible_id or UNASSIGNED)
        per.setdefault(key, Counter())[item.kind] += 1
        per.setdefault("", Counter())[item.kind] += 1
    names = [(str(u.pk), display_name(u)) for u in everyone]
    names += [(UNASSIGNED, "Unassigned"), ("", "Whole clinic")]
    return [
        ClinicianRow(key, name, tuple((KIND_LABELS[k], per.get(key, Counter())[k]) for k in KINDS))
        for key, name in names
    ]


def _matches(item: Item, clinician: str) -> bool:
    if not clinician:
        return True
    if clinician == UNASSIGNED:
        return item.patient.responsible_id is None
    return str(item.patient.responsible_id) == clinician


def _all_items(scope: Scope, today: dt.date) -> list[Item]:
    courses = list(
        scope.rows(TreatmentCourse)
        .filter(stopped_on__isnull=True)
        .select_related("patient__responsible", "screening")
        .prefetch_related("doses")
        .order_by("id")
    )
    last_visit = dict(
        scope.rows(Visit)
        .values("patient_id")
        .annotate(last=Max("visit_date"))
        .values_list("patient_id", "last")
    )
    names = clinical.condition_names()
    items: list[Item] = []
    stale_before = _start_of(scope, today - dt.timedelta(days=SCREEN_MAX_DAYS))
    for course in courses:
        condition = names.get(course.condition_id, course.condition_id)
        items += _visit_items(course, condition, last_visit.get(course.patient_id), today)
        items += [
            Item("titration", course.patient, s.starts_on, f"{condition}: {s.mg_text} mg a day")
            for s in planned_steps(course, today)
            if s.due
        ]
        snapshot = getattr(course, "screening", None)
        if snapshot is not None and snapshot.taken_at < stale_before:
            taken = clinic_date(scope.user.clinic, snapshot.taken_at)
            items.append(
                Item("screen", course.patient, taken, f"{condition}: screened {day(taken)}")
            )
    events = (
        scope.rows(AdverseEvent)
        .filter(resolved_on__isnull=True)
        .select_related("patient__responsible")
        .order_by("onset_on", "id")
    )
    items += [
        Item("adverse_event", e.patient, e.onset_on, f"{e.term} (grade {e.grade})") for e in events
    ]
    return items


def _visit_items(
    course: TreatmentCourse, condition: str, last_visit: dt.date | None, today: dt.date
) -> list[Item]:
    window = dt.timedelta(days=VISIT_WINDOW_DAYS)
    for planned_on, week in _planned_visits(course):
        if last_visit is not None and last_visit >= planned_on - window:
            continue
        if planned_on > today + dt.timedelta(days=DUE_AHEAD_DAYS):
            return []
        overdue = planned_on + window < today
        label = "baseline" if week == 0 else f"week {week}"
        return [Item("visit", course.patient, planned_on, f"{condition}: {label}", overdue)]
    return []


def _planned_visits(course: TreatmentCourse) -> list[tuple[dt.date, int]]:
    snapshot = getattr(course, "screening", None)
    plan: Any = snapshot.plan if snapshot is not None else {}
    detail = plan.get("detail") if isinstance(plan, dict) else None
    raw = detail.get("visits") if isinstance(detail, dict) else None
    out = []
    for visit in raw if isinstance(raw, list) else []:
        try:
            out.append((dt.date.fromisoformat(str(visit["date"])), int(visit.get("week", 0))))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return sorted(out)


def _start_of(scope: Scope, on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on, dt.time.min, tzinfo=zone_of(scope.user.clinic))


def day(on: dt.date) -> str:
    """A date no reader can misread: ``3 Feb 2026``."""
    return f"{on.day} {on:%b %Y}"


def patient_ids_due(scope: Scope) -> set[int]:
    """The clinic's patients with any worklist item (the patient list's "due" filter)."""
    return {i.patient.pk for i in _all_items(scope, scope.today())}

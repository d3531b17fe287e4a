"""The prescription and compounding order of a course, to print (clinicians only).

The order comes from the plan stored with the course's screening at start (the screening that
let the course start: a hold or contraindicated verdict never reaches here unresolved), covering
``days`` days from today or the start if later. The hold windows of planned procedures travel
with it. Printing is a read of patient data: it is audited with the days and the form asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit.log import Action
from ldnderm.web.registry import clinical
from ldnderm.web.registry.access import Scope
from ldnderm.web.registry.models import ScreeningSnapshot, TreatmentCourse
from ldnderm.web.registry.services.common import audit

DAYS_DEFAULT = 30


@dataclass(frozen=True)
class CourseOrder:
    course: TreatmentCourse
    screening: ScreeningSnapshot
    order: dict[str, Any]
    holds: list[dict[str, Any]] = field(default_factory=list)
    current_mg: Any = None


def course_order(scope: Scope, course: TreatmentCourse, days: int, form: str) -> CourseOrder:
    """The order to print. Raises AccessDenied for a non-prescriber, InvalidInput naming
    ``days`` or ``form``, or ``course`` when the course is stopped or has no stored screening."""
    scope.require_prescriber()
    if course.stopped_on is not None:
        raise InvalidInput("course", "the course is stopped: no order is printed")
    try:
        screening = course.screening
    except ObjectDoesNotExist:
        raise InvalidInput(
            "course", "no screening was stored at the start of this course"
        ) from None
    order = clinical.compounding_order(screening.plan, days, form, scope.today())
    latest = course.doses.order_by("-changed_on", "-pk").first()
    audit(scope, Action.READ, course, view="course-order", days=days, form=form)
    holds = list(screening.plan.get("detail", {}).get("holds", []))
    return CourseOrder(course, screening, order, holds, latest.mg_per_day if latest else None)

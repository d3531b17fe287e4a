"""The registry side of the patient-view card: the active course and the assessments due.

Assessments due: for each outcome measure recommended for the course's condition, the next
assessment is due 28 days after the last one of that measure in the course (or at the course
start when there is none); measures due within the next 7 days are listed.

Every course shown is a read of a patient record: it is audited (``read`` of the course, the
CDS client's issuer as the actor) like any other read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from ldnderm.interop.cdshooks.cards import CourseSummary, DueAssessment
from ldnderm.interop.cdshooks.patient import PatientData
from ldnderm.interop.cdshooks.services import CourseLookup
from ldnderm.web.audit.log import Action, Actor, record

INTERVAL = timedelta(days=28)
HORIZON = timedelta(days=7)


def course_lookup(
    clinic_slug: str, actor: Actor, patient_url: Callable[[int], str] | None = None
) -> CourseLookup:
    """A look-up of the active course of the EHR patient in the clinic ``clinic_slug``.

    The EHR patient is matched to a registry patient by (system, value), never by value alone
    (:mod:`ldnderm.web.fhir.identity`): an identifier linked by an earlier FHIR import, or one in
    an MRN system of the clinic whose value is the registry MRN. When the identifiers name two
    registry patients, none is shown.
    """

    def lookup(patient: PatientData) -> CourseSummary | None:
        from ldnderm.interop.fhir.records import Key
        from ldnderm.web.accounts.models import Clinic
        from ldnderm.web.fhir.identity import patients_named
        from ldnderm.web.registry.models import Assessment, Patient, TreatmentCourse

        keys = [Key(system, value) for system, value in patient.identifiers if system and value]
        clinic = Clinic.objects.filter(slug=clinic_slug).first()
        if not keys or clinic is None:
            return None
        named = patients_named(clinic, keys)
        if len(named) != 1:
            return None
        match = Patient.objects.get(pk=next(iter(named)))
        course = (
            TreatmentCourse.objects.filter(patient=match, stopped_on__isnull=True)
            .order_by("-started_on")
            .first()
        )
        if course is None:
            return None
        record(
            Actor(
                user_id=None,
                username=actor.username,
                clinic_id=match.clinic_id,
                request_id=actor.request_id,
                path=actor.path,
            ),
            Action.READ,
            "TreatmentCourse",
            course.pk,
            patient_id=match.pk,
            via="cds-hooks patient-view",
        )
        dose = course.doses.order_by("-changed_on").values_list("mg_per_day", flat=True).first()
        last: dict[str, date] = {}
        for measure_id, visit_date in (
            Assessment.objects.filter(visit__course=course)
            .order_by("visit__visit_date")
            .values_list("measure_id", "visit__visit_date")
        ):
            last[measure_id] = visit_date
        return CourseSummary(
            condition=_condition_name(course.condition_id),
            started=course.started_on,
            dose_mg=float(dose) if dose is not None else None,
            assessments_due=_due(course.condition_id, course.started_on, last, patient),
            url=patient_url(match.pk) if patient_url else None,
        )

    return lookup


def _condition_name(condition_id: str) -> str:
    from ldnderm import evidence
    from ldnderm.kernel.errors import LdnDermError

    try:
        return evidence.condition(condition_id).name
    except LdnDermError:
        return condition_id


def _due(
    condition_id: str, started: date, last: dict[str, date], patient: PatientData
) -> tuple[DueAssessment, ...]:
    from ldnderm import evidence, measures
    from ldnderm.kernel.errors import LdnDermError

    try:
        wanted = evidence.condition(condition_id).recommended_measures
    except LdnDermError:
        return ()
    out = []
    horizon = _later(patient.as_of, HORIZON) or date.max
    for measure_id in wanted:
        previous = last.get(measure_id)
        due = _later(previous, INTERVAL) if previous is not None else started
        if due is not None and due <= horizon:
            try:
                name = measures.get(measure_id).definition.name
            except LdnDermError:
                name = measure_id
            out.append(DueAssessment(measure=name, due=due))
    return tuple(out)


def _later(day: date, delta: timedelta) -> date | None:
    """``day + delta``, or ``None`` past the calendar's end (a date stored before input dates
    were bounded to 1900-2100, such as 9999-12-31, must not break the card)."""
    try:
        return day + delta
    except OverflowError:
        return None

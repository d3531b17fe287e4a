"""Import a FHIR Bundle into a clinic, and export a patient as a Bundle.

Import is atomic (one transaction: all of the bundle or nothing) and idempotent (identifiers are
natural keys under the unique constraints of :class:`FhirIdentifier`; a record already linked is
left alone). Which registry patient a FHIR Patient is follows :mod:`ldnderm.web.fhir.identity`:
identifiers match by (system, value), never by value alone. The natural key of every other
resource includes its patient. A record imported before and deleted since is reported under
``deleted`` and not created again: deleted records are never resurrected silently. When two
imports of the same bundle race, the loser hits the constraint, rolls back and is retried, and
then finds everything linked. Every created row and every export is audited, in the name of
the user who ran it (the ``actor`` every door must pass: the request's user, or the CLI's
``--user``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ldnderm import evidence
from ldnderm.interop.fhir import export_bundle, read_bundle
from ldnderm.interop.fhir import terminology as t
from ldnderm.interop.fhir.records import (
    AdverseEventRecord,
    AssessmentRecord,
    ConditionRecord,
    CourseRecord,
    Dose,
    Key,
    PatientExport,
    PatientRecord,
)
from ldnderm.kernel.errors import InvalidInput, LdnDermError, NotFound
from ldnderm.web.accounts.clinic_time import clinic_today
from ldnderm.web.accounts.models import Clinic
from ldnderm.web.audit.log import Action, Actor, bulk_record, record
from ldnderm.web.fhir import identity
from ldnderm.web.fhir.models import FhirIdentifier
from ldnderm.web.registry import scoring
from ldnderm.web.registry.access import object_type_of
from ldnderm.web.registry.models import (
    AdverseEvent,
    Assessment,
    DoseChange,
    Patient,
    TreatmentCourse,
    Visit,
)
from ldnderm.web.registry.services import plausible
from ldnderm.web.registry.services.visits import build_assessment

Kind = FhirIdentifier.Kind
ATTEMPTS = 3


@dataclass
class ImportReport:
    clinic: str
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    """Records imported before and deleted from the registry since: not created again."""
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "clinic": self.clinic,
            "created": dict(sorted(self.created.items())),
            "existing": dict(sorted(self.existing.items())),
            "skipped": self.skipped,
            "deleted": self.deleted,
            "notes": self.notes,
        }


def find_clinic(key: str | None) -> Clinic:
    """A clinic by id or slug; the only clinic when ``key`` is ``None``."""
    if key is None:
        clinics = list(Clinic.objects.all()[:2])
        if len(clinics) == 1:
            return clinics[0]
        raise InvalidInput("--clinic", "is required when there is not exactly one clinic")
    found = Clinic.objects.filter(slug=key).first()
    if found is None and key.isdigit():
        found = Clinic.objects.filter(pk=int(key)).first()
    if found is None:
        raise NotFound("clinic", key, list(Clinic.objects.values_list("slug", flat=True)[:5]))
    return found


def import_bundle(clinic: Clinic, data: Any, actor: Actor) -> ImportReport:
    """Import a Bundle into ``clinic``; see the module docstring.

    Raises
    ------
    InvalidInput
        The bundle is not valid FHIR R4B, or a record breaks a registry rule (the field named).
    """
    parsed = read_bundle(data)
    for attempt in range(ATTEMPTS):
        report = ImportReport(clinic=clinic.slug, skipped=list(parsed.skipped))
        try:
            with transaction.atomic():
                _Importer(clinic, actor, report).run(parsed)
            return report
        except IntegrityError as exc:
            if attempt == ATTEMPTS - 1:
                raise InvalidInput(
                    "", f"the bundle conflicts with existing records: {exc}"
                ) from exc
    raise AssertionError("unreachable")


class _Importer:
    def __init__(self, clinic: Clinic, actor: Actor, report: ImportReport) -> None:
        self.clinic = clinic
        self.actor = dataclasses.replace(actor, clinic_id=clinic.pk)
        self.report = report
        self.today = clinic_today(clinic)
        """The clinic's date, for the registry's plausible-date rules (``plausible``)."""
        self.created: list[tuple[str, object, int | None]] = []
        """Audit rows for what was created, written together at the end of the import: the
        audit chain's head is locked only then, after every row lock of the import is held."""

    def run(self, parsed: Any) -> None:
        for p in parsed.patients:
            patient = self._patient(p)
            conditions = {c.key: c for c in parsed.conditions.get(p.key, [])}
            for c in conditions.values():
                self._condition(patient, c)
            courses: dict[Key, TreatmentCourse | None] = {}
            for c in parsed.courses.get(p.key, []):
                courses[c.key] = self._course(patient, c)
            for a in parsed.assessments.get(p.key, []):
                self._assessment(patient, a, courses)
            for e in parsed.adverse_events.get(p.key, []):
                self._adverse_event(patient, e, courses)
        bulk_record(self.actor, Action.CREATE, self.created, via="fhir")

    # -- links --------------------------------------------------------------------------------

    def _link(self, kind: str, key: Key, patient: Patient) -> FhirIdentifier | None:
        return FhirIdentifier.objects.filter(
            clinic=self.clinic, kind=kind, patient=patient, system=key.system, value=key.value
        ).first()

    def _new_link(
        self, kind: str, key: Key, patient: Patient, object_id: int | None, **data: Any
    ) -> None:
        FhirIdentifier.objects.create(
            clinic=self.clinic,
            kind=kind,
            system=key.system[:255],
            value=key.value[:255],
            patient=patient,
            object_id=object_id,
            data=data,
        )

    def _created(self, kind: str, obj: Any, patient: Patient) -> None:
        self.report.created[kind] += 1
        self.created.append((object_type_of(obj), obj.pk, patient.pk))

    def _gone(self, resource: str, key: Key, link: FhirIdentifier) -> None:
        self.report.deleted.append(
            f"{resource} {key.system}|{key.value}: imported on {link.created_at:%Y-%m-%d} and "
            "deleted from the registry since; not created again"
        )

    def _course_of(
        self,
        resource: str,
        key: Key,
        course_key: Key | None,
        courses: dict[Key, TreatmentCourse | None],
    ) -> TreatmentCourse | None:
        """The registry course a new record belongs to; a course deleted since its import is
        not created again, so the record is imported without one, and the report says so."""
        if course_key is None:
            return None
        if course_key in courses and courses[course_key] is None:
            self.report.notes.append(
                f"{resource} {key.system}|{key.value}: its course {course_key.system}|"
                f"{course_key.value} was deleted from the registry; imported without a course"
            )
        return courses.get(course_key)

    # -- records ------------------------------------------------------------------------------

    def _patient(self, p: PatientRecord) -> Patient:
        keys = (p.key, *p.identifiers)
        named = identity.patients_named(self.clinic, keys)
        if len(named) > 1:
            which = "; ".join(
                f"patient {pk} by " + ", ".join(f"{k.system}|{k.value}" for k in by)
                for pk, by in sorted(named.items())
            )
            raise InvalidInput(
                "Patient.identifier",
                f"the identifiers of Patient {p.key.system}|{p.key.value} name "
                f"{len(named)} registry patients ({which}); nothing was merged or imported",
            )
        systems = identity.mrn_systems(self.clinic)
        in_mrn = [k for k in keys if k.system in systems and len(k.value) <= 40]
        preferred = next((k for k in in_mrn if k in p.mr), None) or (in_mrn[0] if in_mrn else p.key)
        if named:
            ((pk, by),) = named.items()
            patient = Patient.objects.get(pk=pk)
            self.report.existing["Patient"] += 1
            if not any(self._link(Kind.PATIENT, k, patient) for k in by):
                self._new_link(Kind.PATIENT, preferred, patient, patient.pk, mr=preferred in p.mr)
            return patient
        if preferred.system in systems:
            mrn = preferred.value
        else:
            mrn = _foreign_mrn(preferred)
            self.report.notes.append(
                f"Patient {preferred.system}|{preferred.value}: its system is not an MRN system "
                f"of clinic {self.clinic.slug}, so the registry MRN is {mrn!r}"
            )
        if Patient.objects.filter(clinic=self.clinic, mrn=mrn).exists():
            raise InvalidInput(
                "Patient.identifier",
                f"registry MRN {mrn!r} is held by another patient; "
                f"Patient {preferred.system}|{preferred.value} was not imported",
            )
        plausible.birth_year("Patient.birthDate", p.birth_year, self.today)
        patient = Patient.objects.create(
            clinic=self.clinic,
            mrn=mrn,
            given_name=p.given_name,
            family_name=p.family_name,
            birth_year=p.birth_year,
            sex=p.sex,
        )
        self._created("Patient", patient, patient)
        self._new_link(Kind.PATIENT, preferred, patient, patient.pk, mr=preferred in p.mr)
        return patient

    def _condition(self, patient: Patient, c: ConditionRecord) -> None:
        if self._link(Kind.CONDITION, c.key, patient) is not None:
            self.report.existing["Condition"] += 1
            return
        self._new_link(
            Kind.CONDITION,
            c.key,
            patient,
            None,
            condition_id=c.condition_id,
            code=c.code,
            system=c.system,
            display=c.display,
        )
        self.report.created["Condition"] += 1

    def _course(self, patient: Patient, c: CourseRecord) -> TreatmentCourse | None:
        link = self._link(Kind.COURSE, c.key, patient)
        if link is not None:
            course = TreatmentCourse.objects.filter(pk=link.object_id or 0, patient=patient).first()
            if course is None:
                self._gone("MedicationStatement", c.key, link)
            else:
                self.report.existing["MedicationStatement"] += 1
            return course
        where = f"MedicationStatement {c.key.value}"
        plausible.after_birth(f"{where}.effectivePeriod.start", c.started_on, patient)
        plausible.course_start(f"{where}.effectivePeriod.start", c.started_on, self.today)
        for d in c.doses:
            plausible.not_after_tomorrow(f"{where}.dosage", d.start, self.today)
        course = TreatmentCourse.objects.create(
            patient=patient,
            condition_id=c.condition_id,
            started_on=c.started_on,
            stopped_on=c.stopped_on,
            stop_reason=c.stop_reason if c.stopped_on else "",
        )
        DoseChange.objects.bulk_create(
            DoseChange(
                course=course,
                changed_on=d.start,
                mg_per_day=d.mg_per_day,
                formulation=d.formulation,
            )
            for d in c.doses
        )
        self._new_link(Kind.COURSE, c.key, patient, course.pk)
        self._created("MedicationStatement", course, patient)
        return course

    def _assessment(
        self, patient: Patient, a: AssessmentRecord, courses: dict[Key, TreatmentCourse | None]
    ) -> None:
        link = self._link(Kind.ASSESSMENT, a.key, patient)
        if link is not None:
            if Assessment.objects.filter(pk=link.object_id or 0, visit__patient=patient).exists():
                self.report.existing["Observation"] += 1
            else:
                self._gone("Observation", a.key, link)
            return
        course = self._course_of("Observation", a.key, a.course_key, courses)
        plausible.event_date(
            f"Observation {a.key.value}.effectiveDateTime", a.taken_on, patient, None, self.today
        )
        visit = Visit.objects.filter(patient=patient, visit_date=a.taken_on, course=course).first()
        if visit is None:
            visit = Visit.objects.create(patient=patient, visit_date=a.taken_on, course=course)
            self._created("Visit", visit, patient)
        assessment = build_assessment(
            visit, a.measure_id, a.responses, where=f"Observation {a.key.value}"
        )
        assessment.save()
        self._new_link(Kind.ASSESSMENT, a.key, patient, assessment.pk)
        self._created("Observation", assessment, patient)

    def _adverse_event(
        self, patient: Patient, e: AdverseEventRecord, courses: dict[Key, TreatmentCourse | None]
    ) -> None:
        link = self._link(Kind.ADVERSE_EVENT, e.key, patient)
        if link is not None:
            if AdverseEvent.objects.filter(pk=link.object_id or 0, patient=patient).exists():
                self.report.existing["AdverseEvent"] += 1
            else:
                self._gone("AdverseEvent", e.key, link)
            return
        plausible.event_date(
            f"AdverseEvent {e.key.value}.date", e.onset_on, patient, None, self.today
        )
        event = AdverseEvent.objects.create(
            patient=patient,
            course=self._course_of("AdverseEvent", e.key, e.course_key, courses),
            term=e.term,
            grade=e.grade,
            onset_on=e.onset_on,
            resolved_on=e.resolved_on,
            relatedness=e.relatedness,
            action=e.action,
        )
        self._new_link(Kind.ADVERSE_EVENT, e.key, patient, event.pk)
        self._created("AdverseEvent", event, patient)


def _foreign_mrn(key: Key) -> str:
    """A registry MRN for a patient whose identifier is not in an MRN system of the clinic: never
    the bare value (which an MRN of the clinic could equal), but ``fhir-<digest>-<value>``."""
    digest = hashlib.sha256(f"{key.system}|{key.value}".encode()).hexdigest()[:10]
    return f"fhir-{digest}-{key.value}"[:40]


# -- export ------------------------------------------------------------------------------------


def export_patient(patient: Patient, actor: Actor) -> dict[str, Any]:
    """The patient's record as a validated FHIR R4 collection Bundle (audited as an export)."""
    slug = patient.clinic.slug
    links: dict[tuple[str, int | None], Key] = {}
    condition_links: dict[str, FhirIdentifier] = {}
    patient_keys: list[Key] = []
    mr_keys: set[Key] = set()
    for link in FhirIdentifier.objects.filter(patient=patient).order_by("id"):
        links.setdefault((link.kind, link.object_id), Key(link.system, link.value))
        if link.kind == Kind.PATIENT:
            patient_keys.append(Key(link.system, link.value))
            if link.data.get("mr"):
                mr_keys.add(Key(link.system, link.value))
        if link.kind == Kind.CONDITION and link.data.get("condition_id"):
            condition_links.setdefault(str(link.data["condition_id"]), link)

    def key(kind: str, pk: int, local: str) -> Key:
        return links.get((kind, pk)) or Key(t.local_system(slug, kind), local)

    courses = list(patient.courses.order_by("started_on", "id").prefetch_related("doses"))
    conditions: dict[str, ConditionRecord] = {}
    for course in courses:
        if course.condition_id not in conditions:
            conditions[course.condition_id] = _condition_record(
                patient, course.condition_id, condition_links.get(course.condition_id)
            )
    course_keys = {c.pk: key(Kind.COURSE, c.pk, str(c.pk)) for c in courses}
    assessments = (
        Assessment.objects.filter(visit__patient=patient)
        .select_related("visit")
        .order_by("visit__visit_date", "measure_id", "id")
    )
    events = patient.adverse_events.order_by("onset_on", "id")
    document = PatientExport(
        patient=PatientRecord(
            key=key(Kind.PATIENT, patient.pk, patient.mrn),
            given_name=patient.given_name,
            family_name=patient.family_name,
            birth_year=patient.birth_year,
            sex=patient.sex,
            identifiers=tuple(patient_keys),
            mr=frozenset(mr_keys),
        ),
        conditions=tuple(conditions.values()),
        courses=tuple(
            CourseRecord(
                key=course_keys[c.pk],
                condition_key=conditions[c.condition_id].key,
                condition_id=c.condition_id,
                started_on=c.started_on,
                stopped_on=c.stopped_on,
                stop_reason=c.stop_reason,
                doses=tuple(
                    Dose(start=d.changed_on, mg_per_day=d.mg_per_day, formulation=d.formulation)
                    for d in c.doses.all()
                ),
            )
            for c in courses
        ),
        assessments=tuple(
            AssessmentRecord(
                key=key(Kind.ASSESSMENT, a.pk, str(a.pk)),
                measure_id=a.measure_id,
                measure_version=a.measure_version,
                taken_on=a.visit.visit_date,
                responses=a.responses,
                total=scoring.shown_total(a),
                course_key=course_keys.get(a.visit.course_id) if a.visit.course_id else None,
                note=str(scoring.shown_result(a).get("reason") or ""),
            )
            for a in assessments
        ),
        adverse_events=tuple(
            AdverseEventRecord(
                key=key(Kind.ADVERSE_EVENT, e.pk, str(e.pk)),
                term=e.term,
                grade=e.grade,
                onset_on=e.onset_on,
                resolved_on=e.resolved_on,
                relatedness=e.relatedness,
                action=e.action,
                course_key=course_keys.get(e.course_id) if e.course_id else None,
            )
            for e in events
        ),
    )
    bundle = export_bundle(document, timestamp=timezone.now().isoformat(timespec="seconds"))
    who = dataclasses.replace(actor, clinic_id=patient.clinic_id)
    record(who, Action.EXPORT, "Patient", patient.pk, patient.pk, format="fhir-r4")
    return bundle


def _condition_record(
    patient: Patient, condition_id: str, link: FhirIdentifier | None
) -> ConditionRecord:
    if link is not None:
        return ConditionRecord(
            key=Key(link.system, link.value),
            condition_id=condition_id,
            code=link.data.get("code"),
            system=link.data.get("system"),
            display=str(link.data.get("display") or condition_id),
        )
    code = system = None
    display = condition_id
    try:
        condition = evidence.condition(condition_id)
        display = condition.name
        if len(condition.icd10cm) == 1:
            code, system = condition.icd10cm[0].code, t.ICD10CM
    except LdnDermError:
        pass
    local = Key(t.local_system(patient.clinic.slug, "condition"), f"{patient.pk}-{condition_id}")
    return ConditionRecord(
        key=local, condition_id=condition_id, code=code, system=system, display=display
    )

"""Reading a FHIR R4 Bundle (transaction or collection) into registry records.

The Bundle is validated whole with fhir.resources R4B first, then the required-binding codes that
fhir.resources does not check (``Observation.status``, ``MedicationRequest.intent``...: the table
in :mod:`.terminology`); an invalid one raises :class:`~ldnderm.kernel.errors.InvalidInput`
naming the element (``entry.2.resource.status``), and nothing is imported.

Read: Patient; Condition (ICD-10-CM, SNOMED CT or the local condition code, resolved to a
knowledge-base condition); MedicationStatement and MedicationRequest for naltrexone (RxNorm 7243
and products, ATC N07BB04 or the name) as courses with their dose history; Observation coded in
the local measure CodeSystem with its item responses (the score is recomputed, never trusted);
AdverseEvent. Anything else, or a record the registry cannot hold (another medicine, a condition
the knowledge base does not know, an Observation without item responses), is listed in
``skipped`` with the reason.

Natural keys: the first ``identifier`` with a system and a value (for a Patient, the first typed
MR in ``http://terminology.hl7.org/CodeSystem/v2-0203``, if any). An identifier is always the
pair (system, value): a value without a system is never a key. A resource without one is keyed
by a hash of its content (``urn:ldnderm:content-sha256``), so re-importing the same bundle still
creates nothing new. The importer keys every resource but the Patient under its patient too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from ldnderm.interop.cdshooks.fhirjson import codings, concept_text, medication_concept, parse_date
from ldnderm.interop.cdshooks.naltrexone import match_concept
from ldnderm.interop.fhir import terminology as t
from ldnderm.interop.fhir.export import check_bindings
from ldnderm.interop.fhir.records import (
    AdverseEventRecord,
    AssessmentRecord,
    ConditionRecord,
    CourseRecord,
    Dose,
    Key,
    ParsedBundle,
    PatientRecord,
)
from ldnderm.kernel.errors import InvalidInput, LdnDermError
from ldnderm.kernel.plausible import FIRST_YEAR, LAST_YEAR, YEARS_ALLOWED, check_year

Json = dict[str, Any]
HASH_SYSTEM = "urn:ldnderm:content-sha256"
_SEX = {"female", "male", "other", "unknown"}
_STOPPED = {"completed", "stopped", "entered-in-error", "cancelled"}
_PERIOD_DAYS = {"h": 1 / 24, "d": 1.0, "wk": 7.0}


def read_bundle(data: Any) -> ParsedBundle:
    """Parse and validate a Bundle; raises :class:`InvalidInput` for a malformed one."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidInput("resourceType", "must be Bundle")
    if data.get("type") not in {"transaction", "collection"}:
        raise InvalidInput("type", "must be transaction or collection", "transaction, collection")
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"])
        raise InvalidInput(path, f"invalid FHIR R4B: {err['msg']}") from exc
    check_bindings(data, strict=False)
    entries = [e for e in data.get("entry") or () if isinstance(e.get("resource"), dict)]
    index: dict[str, Json] = {}
    for entry in entries:
        resource = entry["resource"]
        if entry.get("fullUrl"):
            index[entry["fullUrl"]] = resource
        if resource.get("id"):
            index[f"{resource['resourceType']}/{resource['id']}"] = resource
    reader = _Reader(index, data)
    order = ("Patient", "Condition", "MedicationStatement", "MedicationRequest", "Observation")
    for kind in (*order, "AdverseEvent"):
        for i, entry in enumerate(entries):
            if entry["resource"].get("resourceType") == kind:
                reader.read(entry["resource"], f"entry[{i}]")
    for i, entry in enumerate(entries):
        kind = entry["resource"].get("resourceType")
        if kind not in (*order, "AdverseEvent"):
            reader.out.skipped.append(f"entry[{i}] {kind}: not imported")
    return reader.out


def identifiers_of(resource: Mapping[str, Any]) -> list[tuple[Key, bool]]:
    """Every identifier with a system and a value, in order, with whether it is typed MR."""
    identifiers = resource.get("identifier")
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    out: list[tuple[Key, bool]] = []
    for identifier in identifiers or ():
        if not isinstance(identifier, dict):
            continue
        if identifier.get("system") and identifier.get("value"):
            mr = any(
                c.get("system") == t.IDENTIFIER_TYPE_SYSTEM and c.get("code") == t.MR
                for c in codings(identifier.get("type"))
            )
            out.append((Key(str(identifier["system"]), str(identifier["value"])), mr))
    return out


def key_of(resource: Mapping[str, Any]) -> Key:
    """The natural key of a resource (see the module docstring)."""
    identifiers = identifiers_of(resource)
    if identifiers:
        return identifiers[0][0]
    content = {k: v for k, v in resource.items() if k not in {"id", "meta", "text"}}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return Key(HASH_SYSTEM, f"{resource.get('resourceType')}-{digest[:32]}")


class _Reader:
    def __init__(self, index: dict[str, Json], bundle: Json) -> None:
        self.index = index
        self.bundle = bundle
        self.out = ParsedBundle()
        self.patient_keys: dict[int, Key] = {}
        self.condition_ids: dict[int, tuple[Key, str]] = {}
        self.course_keys: dict[int, Key] = {}

    def read(self, resource: Json, where: str) -> None:
        handler = getattr(self, f"_{resource['resourceType']}")
        try:
            handler(resource, where)
        except _Skip as skip:
            self.out.skipped.append(f"{where} {resource['resourceType']}: {skip}")

    # -- helpers ---------------------------------------------------------------------------------

    def _subject(self, resource: Json, where: str, element: str = "subject") -> Key:
        ref = (resource.get(element) or {}).get("reference")
        target = self.index.get(str(ref)) if ref else None
        if target is None or id(target) not in self.patient_keys:
            raise _Skip(f"{element} does not reference a Patient in the bundle")
        return self.patient_keys[id(target)]

    def _resolve(self, ref: Any) -> Json | None:
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            return self.index.get(ref["reference"])
        return None

    # -- resources ---------------------------------------------------------------------------------

    def _Patient(self, r: Json, where: str) -> None:
        identifiers = identifiers_of(r)
        mr = frozenset(k for k, typed in identifiers if typed)
        key = next((k for k, typed in identifiers if typed), None) or key_of(r)
        names = r.get("name") or [{}]
        given = (names[0].get("given") or [""])[0]
        birth = str(r.get("birthDate") or "")
        birth_year = int(birth[:4]) if len(birth) >= 4 and birth[:4].isdigit() else None
        if birth_year is not None and not FIRST_YEAR <= birth_year <= LAST_YEAR:
            raise InvalidInput(
                f"{where}.resource.birthDate", f"year {birth_year} is out of range", YEARS_ALLOWED
            )
        record = PatientRecord(
            key=key,
            given_name=str(given)[:100],
            family_name=str(names[0].get("family") or "")[:100],
            birth_year=birth_year,
            sex=str(r["gender"]) if r.get("gender") in _SEX else "unknown",
            identifiers=tuple(k for k, _typed in identifiers),
            mr=mr,
        )
        self.patient_keys[id(r)] = key
        self.out.patients.append(record)

    def _Condition(self, r: Json, where: str) -> None:
        patient = self._subject(r, where)
        condition_id, code, system = _condition_id(r.get("code"))
        key = key_of(r)
        record = ConditionRecord(
            key=key,
            condition_id=condition_id,
            code=code,
            system=system,
            display=concept_text(r.get("code")) or condition_id,
        )
        self.condition_ids[id(r)] = (key, condition_id)
        self.out.conditions.setdefault(patient, []).append(record)

    def _MedicationStatement(self, r: Json, where: str) -> None:
        self._course(r, where, r.get("dosage") or [])

    def _MedicationRequest(self, r: Json, where: str) -> None:
        self._course(r, where, r.get("dosageInstruction") or [])

    def _course(self, r: Json, where: str, dosages: list[Json]) -> None:
        concept = medication_concept(r, self.bundle)
        if match_concept(concept) is None:
            # Named, so that an opioid in the bundle is seen in the report (it is not imported:
            # the registry keeps naltrexone courses only).
            name = concept_text(concept)
            raise _Skip(f"not naltrexone ({name})" if name else "not naltrexone")
        patient = self._subject(r, where)
        condition_key, condition_id = self._reason(r, patient)
        period = r.get("effectivePeriod") or {}
        start = (
            parse_date(period.get("start"))
            or parse_date(r.get("effectiveDateTime"))
            or parse_date(r.get("authoredOn"))
        )
        read = (_dose(x, start, f"{where}.resource.dosage") for x in dosages)
        doses = tuple(d for d in read if d is not None)
        if start is None and doses:
            start = doses[0].start
        if start is None:
            raise _Skip("no start date")
        check_year(start, f"{where}.resource.effectivePeriod.start")
        for d in doses:
            check_year(d.start, f"{where}.resource.dosage.timing.repeat.boundsPeriod.start")
        stopped = parse_date(period.get("end")) if r.get("status") in _STOPPED else None
        if stopped is not None:
            check_year(stopped, f"{where}.resource.effectivePeriod.end")
        reason = ""
        for concept in r.get("statusReason") or ():
            for coding in codings(concept):
                if coding.get("system") == t.STOP_REASON_SYSTEM:
                    reason = str(coding.get("code", ""))
        key = key_of(r)
        self.course_keys[id(r)] = key
        self.out.courses.setdefault(patient, []).append(
            CourseRecord(
                key=key,
                condition_key=condition_key,
                condition_id=condition_id,
                started_on=start,
                stopped_on=stopped,
                stop_reason=reason,
                doses=tuple(sorted(doses, key=lambda d: d.start)),
            )
        )

    def _reason(self, r: Json, patient: Key) -> tuple[Key | None, str]:
        for ref in r.get("reasonReference") or ():
            target = self._resolve(ref)
            if target is not None and id(target) in self.condition_ids:
                return self.condition_ids[id(target)]
        for concept in r.get("reasonCode") or ():
            try:
                return None, _condition_id(concept)[0]
            except _Skip:
                continue
        known = self.out.conditions.get(patient, [])
        if len(known) == 1:
            return known[0].key, known[0].condition_id
        raise _Skip("the condition treated is not known (reasonReference or reasonCode)")

    def _Observation(self, r: Json, where: str) -> None:
        from ldnderm import measures

        measure = next(
            (c.get("code") for c in codings(r.get("code")) if c.get("system") == t.MEASURE_SYSTEM),
            None,
        )
        if measure not in measures.ids():
            raise _Skip("not coded in the ldnderm measure CodeSystem")
        patient = self._subject(r, where)
        extensions = {e.get("url"): e for e in r.get("extension") or ()}
        raw = (extensions.get(t.RESPONSES_EXT) or {}).get("valueString")
        if raw is None:
            raise _Skip("no item responses, so the score cannot be recomputed")
        try:
            responses = json.loads(raw)
        except ValueError as exc:
            raise InvalidInput(
                f"{where}.resource.extension", "item responses are not JSON"
            ) from exc
        taken = parse_date(r.get("effectiveDateTime")) or parse_date(
            (r.get("effectivePeriod") or {}).get("start")
        )
        if taken is None:
            raise _Skip("no effective date")
        check_year(taken, f"{where}.resource.effectiveDateTime")
        total = None
        value = (r.get("valueQuantity") or {}).get("value")
        if value is not None:
            total = Decimal(str(value))
        course_key = None
        for ref in r.get("focus") or ():
            target = self._resolve(ref)
            if target is not None and id(target) in self.course_keys:
                course_key = self.course_keys[id(target)]
        version = (extensions.get(t.MEASURE_VERSION_EXT) or {}).get("valueString", "")
        self.out.assessments.setdefault(patient, []).append(
            AssessmentRecord(
                key=key_of(r),
                measure_id=str(measure),
                measure_version=str(version),
                taken_on=taken,
                responses=responses,
                total=total,
                course_key=course_key,
            )
        )

    def _AdverseEvent(self, r: Json, where: str) -> None:
        patient = self._subject(r, where)
        extensions = {e.get("url"): e for e in r.get("extension") or ()}
        grade_ext = (extensions.get(t.AE_GRADE_EXT) or {}).get("valueInteger")
        grade = str(grade_ext) if isinstance(grade_ext, int) else None
        if grade is None:  # bundles exported before the R4 severity codes: local grade coding
            grade = next(
                (
                    c.get("code")
                    for c in codings(r.get("severity"))
                    if c.get("system") == t.AE_GRADE_SYSTEM
                ),
                None,
            )
        if grade not in {"1", "2", "3", "4", "5"}:
            raise _Skip(f"no grade 1-5 (extension {t.AE_GRADE_EXT})")
        onset = parse_date(r.get("date"))
        if onset is None:
            raise _Skip("no date")
        check_year(onset, f"{where}.resource.date")
        relatedness = (extensions.get(t.AE_RELATEDNESS_SYSTEM) or {}).get("valueCode", "possible")
        course_key = None
        for suspect in r.get("suspectEntity") or ():
            target = self._resolve(suspect.get("instance"))
            if target is not None and id(target) in self.course_keys:
                course_key = self.course_keys[id(target)]
            for causality in suspect.get("causality") or ():
                for coding in codings(causality.get("assessment")):
                    if coding.get("system") == t.AE_RELATEDNESS_SYSTEM:
                        relatedness = coding.get("code", relatedness)
        resolved = parse_date((extensions.get(t.AE_RESOLVED_EXT) or {}).get("valueDate"))
        if resolved is not None:
            check_year(resolved, f"{where}.resource.extension.valueDate")
        self.out.adverse_events.setdefault(patient, []).append(
            AdverseEventRecord(
                key=key_of(r),
                term=(concept_text(r.get("event")) or "adverse event")[:120],
                grade=int(grade),
                onset_on=onset,
                resolved_on=resolved,
                relatedness=str(relatedness),
                action=str((extensions.get(t.AE_ACTION_EXT) or {}).get("valueCode", "none")),
                course_key=course_key,
            )
        )


class _Skip(Exception):
    """A resource the registry cannot hold; recorded in ``skipped`` with the reason."""


def _condition_id(concept: Any) -> tuple[str, str | None, str | None]:
    """(knowledge condition id, code, system) of a Condition code; :class:`_Skip` if unknown."""
    from ldnderm import evidence

    all_codings = codings(concept)
    for coding in all_codings:
        if coding.get("system") == t.CONDITION_ID_SYSTEM and coding.get("code"):
            other = next((c for c in all_codings if c.get("system") in {t.ICD10CM, t.SNOMED}), {})
            return str(coding["code"]), other.get("code"), other.get("system")
    for coding in all_codings:
        system, code = coding.get("system"), str(coding.get("code") or "")
        if not code:
            continue
        try:
            if system == t.ICD10CM:
                return evidence.condition(code).id, code, system
            if system == t.SNOMED:
                for condition in evidence.conditions():
                    if any(s.id == code for s in condition.snomed):
                        return condition.id, code, system
        except LdnDermError:
            continue
    raise _Skip("a condition the knowledge base does not know")


def _dose(dosage: Json, default_start: date | None, field: str) -> Dose | None:
    quantity = None
    for rate in dosage.get("doseAndRate") or ():
        quantity = rate.get("doseQuantity") or quantity
    if not quantity or str(quantity.get("code") or quantity.get("unit")) != "mg":
        return None
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    start = parse_date((repeat.get("boundsPeriod") or {}).get("start")) or default_start
    if start is None:
        return None
    try:
        value = Decimal(str(quantity["value"]))
    except (KeyError, InvalidOperation):
        return None
    frequency = repeat.get("frequency", 1)
    period = repeat.get("period", 1)
    per = _PERIOD_DAYS.get(str(repeat.get("periodUnit", "d")), 1.0)
    try:
        daily = value * Decimal(frequency) / (Decimal(str(period)) * Decimal(str(per)))
        daily = daily.quantize(Decimal("0.01"))
    except (ArithmeticError, TypeError, ValueError) as exc:  # a zero period, 1e30 mg...
        raise InvalidInput(field, "the dose, frequency and period give no daily dose") from exc
    text = str(dosage.get("text") or "")
    formulation = text.split(", ", 1)[1] if ", " in text else ""
    return Dose(start=start, mg_per_day=daily, formulation=formulation[:80])

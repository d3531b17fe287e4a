"""FHIR R4 (R4B models) Bundle -> :class:`~ldnderm.safety.profile.Profile`.

Read resources: Patient (birthDate, gender), Condition (ICD-10-CM or SNOMED CT coding, else
text), MedicationStatement and MedicationRequest (RxNorm and ATC codings, name, period, as-needed
flag), AllergyIntolerance (substance name) and pregnancy-status Observations (LOINC answer
LA15173-0 / SNOMED 77386006 pregnant; LA26683-5 / 60001007 not pregnant; HL7 IPS value set).
A naltrexone request or statement (RxNorm 7243, ATC N07BB04 or the name) is not a co-medication:
its dose becomes ``planned_dose_mg``. Entered-in-error, refuted, cancelled and not-taken records
are skipped. Other resource types are ignored.

Code systems: RxNorm ``http://www.nlm.nih.gov/research/umls/rxnorm``, ATC
``http://www.whocc.no/atc`` (HL7 THO v3-WC), ICD-10-CM ``http://hl7.org/fhir/sid/icd-10-cm``,
SNOMED CT ``http://snomed.info/sct``, LOINC ``http://loinc.org``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ldnderm.kernel.codes import ATC, ICD10CM, LOINC, RXNORM, SNOMED, naltrexone
from ldnderm.kernel.errors import InvalidInput
from ldnderm.safety.profile import read_profile

PREGNANT = {(LOINC, "LA15173-0"), (SNOMED, "77386006")}
NOT_PREGNANT = {(LOINC, "LA26683-5"), (SNOMED, "60001007")}
_SKIP_STATUS = {"entered-in-error", "not-taken", "cancelled", "refuted"}
_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def is_bundle(data: Any) -> bool:
    """Whether a parsed JSON document is a FHIR Bundle (versus a JSON profile)."""
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def profile_document(data: Any) -> dict[str, Any]:
    """The JSON-profile document equivalent to a FHIR Bundle (validated by fhir.resources R4B).

    Raises
    ------
    InvalidInput
        When the Bundle does not validate; ``field`` is the FHIR element path.
    """
    from fhir.resources.R4B.bundle import Bundle

    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InvalidInput(_path(err["loc"]), f"invalid FHIR: {err['msg']}") from exc
    return resources_document(entry.resource for entry in bundle.entry or [])


def resources_document(resources: Iterable[Any]) -> dict[str, Any]:
    """The JSON-profile document of resources already validated into fhir.resources R4B models.

    For callers that validated each resource themselves (the CDS Hooks adapter does, to skip and
    report a bad one): the same reading as :func:`profile_document` without validating twice.
    ``None`` items and resource types that are not read are ignored.
    """
    doc: dict[str, Any] = {"conditions": [], "medications": [], "allergies": []}
    for resource in resources:
        if resource is None:
            continue
        reader = _READERS.get(resource.get_resource_type())
        if reader is not None:
            reader(resource, doc)
    return {k: v for k, v in doc.items() if v != []}


def profile_from_bundle(data: Any, as_of: date | None = None) -> Any:
    """Parse a FHIR Bundle into a :class:`Profile` (same reader as JSON profiles)."""
    return read_profile(profile_document(data), as_of=as_of)


def profile_from_resources(resources: Iterable[Any], as_of: date | None = None) -> Any:
    """A :class:`Profile` from validated fhir.resources R4B models (see
    :func:`resources_document`); equal to :func:`profile_from_bundle` of their Bundle."""
    return read_profile(resources_document(resources), as_of=as_of)


def _patient(res: Any, doc: dict[str, Any]) -> None:
    if isinstance(res.birthDate, date):
        doc["birth_date"] = res.birthDate.isoformat()
    if res.gender in _SEX:
        doc["sex"] = _SEX[res.gender]


def _condition(res: Any, doc: dict[str, Any]) -> None:
    if _code_of(res.verificationStatus) in _SKIP_STATUS or res.code is None:
        return
    codings = res.code.coding or []
    for system, name in ((ICD10CM, "icd10cm"), (SNOMED, "snomed")):
        coding = next((c for c in codings if c.system == system and c.code), None)
        if coding is not None:
            item = {"code": coding.code, "system": name}
            display = res.code.text or coding.display
            doc["conditions"].append(item | ({"display": display} if display else {}))
            return
    text = _text(res.code)
    if text:
        doc["conditions"].append(text)


def _medication(res: Any, doc: dict[str, Any]) -> None:
    if res.status in _SKIP_STATUS or res.medicationCodeableConcept is None:
        return
    concept = res.medicationCodeableConcept
    med: dict[str, Any] = {}
    name = _text(concept)
    if name:
        med["name"] = name
    for coding in concept.coding or []:
        if coding.system == RXNORM and coding.code:
            med.setdefault("rxnorm", coding.code)
        elif coding.system == ATC and coding.code:
            med.setdefault("atc", coding.code)
    dosages = getattr(res, "dosage", None) or getattr(res, "dosageInstruction", None) or []
    if _is_naltrexone(med):
        dose = _dose_mg(dosages)
        if dose is not None and "planned_dose_mg" not in doc:
            doc["planned_dose_mg"] = dose
        return
    start, end = _period(res)
    if start:
        med["start"] = start
    if end:
        med["end"] = end
    if dosages and dosages[0].asNeededBoolean:
        med["prn"] = True
    if med:
        doc["medications"].append(med)


def _allergy(res: Any, doc: dict[str, Any]) -> None:
    if _code_of(res.verificationStatus) in _SKIP_STATUS or res.code is None:
        return
    text = _text(res.code)
    if text:
        doc["allergies"].append(text)


def _observation(res: Any, doc: dict[str, Any]) -> None:
    if res.status == "entered-in-error" or res.valueCodeableConcept is None:
        return
    codes = {(c.system, c.code) for c in res.valueCodeableConcept.coding or []}
    if codes & PREGNANT:
        doc["pregnant"] = True
    elif codes & NOT_PREGNANT:
        doc["pregnant"] = False


_READERS = {
    "Patient": _patient,
    "Condition": _condition,
    "MedicationStatement": _medication,
    "MedicationRequest": _medication,
    "AllergyIntolerance": _allergy,
    "Observation": _observation,
}


def _is_naltrexone(med: dict[str, Any]) -> bool:
    codes = naltrexone()
    if med.get("rxnorm") in codes.rxnorm or med.get("atc") in codes.atc:
        return True
    return codes.names_text(med.get("name", ""))


def _dose_mg(dosages: list[Any]) -> float | None:
    for dosage in dosages:
        for rate in dosage.doseAndRate or []:
            qty = rate.doseQuantity
            if qty is not None and qty.value is not None and (qty.code or qty.unit) == "mg":
                return float(Decimal(str(qty.value)))
    return None


def _period(res: Any) -> tuple[str | None, str | None]:
    period = getattr(res, "effectivePeriod", None)
    if period is None and getattr(res, "dispenseRequest", None) is not None:
        period = res.dispenseRequest.validityPeriod
    if period is not None:
        return _day(period.start), _day(period.end)
    return _day(getattr(res, "effectiveDateTime", None) or getattr(res, "authoredOn", None)), None


def _day(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None  # partial dates (year or year-month) say too little for an interval


def _text(concept: Any) -> str | None:
    if concept.text:
        return str(concept.text)
    return next((str(c.display) for c in concept.coding or [] if c.display), None)


def _code_of(concept: Any) -> str | None:
    if concept is None:
        return None
    return next((str(c.code) for c in concept.coding or [] if c.code), None)


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

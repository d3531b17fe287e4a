"""FHIR R4 (R4B models) Bundle -> profile document -> :class:`~ldnderm.safety.profile.Profile`.

The reader sets every fact it can read from standard codes and leaves the rest ABSENT from the
profile document, which means unknown (never "normal" or "no"). :func:`read_fhir_facts` also
returns the laboratory values it found and ``not_read``, a list naming each thing it could not read
and why. The code lists are data (``data/safety/fhir-facts.yaml``, each code with its source
registry ids); the rules below are what the code does with them.

- **Patient**: ``birth_date`` and ``sex``.
- **Condition** (not refuted or entered-in-error): listed in ``conditions`` by ICD-10-CM or SNOMED
  CT code, else by text, whatever its clinical status. An *active* Condition (clinicalStatus active,
  recurrence or relapse; or no clinicalStatus and no abatement) with an ICD-10-CM code also sets:
  ``hepatic`` (liver_failure: K72, K70.4, K71.1; acute_hepatitis: B15-B17, B19.0, B19.11, B19.21,
  K71.2), ``renal`` (dialysis: Z99.2, N18.6; severe: N18.4, N18.5; moderate: N18.3; mild: N18.1,
  N18.2) and ``pregnant`` (Z33.1, Z34, Z3A, chapter 15 except delivery, puerperium and sequelae).
  The most severe level found wins. Chronic hepatitis, cirrhosis (B18, K70.1, K70.3, K73, K74.3-6,
  K75.4) and N18.9 do not state the grade of impairment, so ``hepatic``/``renal`` stay unknown and
  ``not_read`` says so; the code stays in ``conditions`` for the rules.
- **Observation, pregnancy**: only when Observation.code is LOINC 82810-3 (HL7 IPS pregnancy
  status). Answer LA15173-0 / SNOMED 77386006 pregnant, LA26683-5 / 60001007 not pregnant,
  LA4489-6 unknown. The most recent observation (effective time, else issued) wins; an observation
  without a time counts as oldest. An active pregnancy Condition makes ``pregnant`` true whatever
  the observations say (a conflict is reported in ``not_read``).
- **Breastfeeding is never read.** No breastfeeding code was verified on a published page (LOINC
  63895-7 with LA29252-6 / LA29253-4 was seen only on CI builds and in code repositories), so
  ``breastfeeding`` stays unknown; an observation carrying those codes is reported in ``not_read``.
- **Observation, labs**: ALT 1742-6, AST 1920-8, bilirubin 1975-2 and eGFR (33914-3, 48643-1,
  76633-7, 77147-7, 62238-1, 98979-8) become :class:`LabValue` items with unit and upper reference
  limit, in ``FhirFacts.lab_values`` (not in the profile document). No threshold is applied. A unit
  not listed for the test is reported in ``not_read``.
- **Procedure** (status preparation or in-progress) and **ServiceRequest** (status active, intent
  plan or order, including its specialisations original-, reflex-, filler- and instance-order)
  dated on or after ``as_of`` (performed[x] or occurrence[x]; a Period's start) become
  ``planned_procedures`` with date and description. ``opioid_analgesia_expected`` is left to the
  profile's default (expected): no standard code says otherwise. ``planned_procedures`` is stated
  only when one is found: an extract without a future procedure does not show that none is planned.
- **MedicationStatement, MedicationRequest**: RxNorm and ATC codings and the name (from
  medicationCodeableConcept, or a referenced Medication contained in the resource or present in the
  Bundle). A naltrexone MedicationRequest (RxNorm/ATC/name from ``data/interop/naltrexone.yaml``)
  is the plan, not a co-medication: its dose becomes ``planned_dose_mg``. A naltrexone
  MedicationStatement is naltrexone already taken, so it stays a medicine (duplicate therapy).
  Skipped: entered-in-error, not-taken, cancelled. Start: effectivePeriod.start, effectiveDateTime
  or authoredOn. End:
  effectivePeriod.end; for a *completed* or *stopped* record without one, effectiveDateTime (the day
  it was taken), else the statement's dateAsserted (the record says it had ended by then), else the
  start (effectivePeriod.start or authoredOn, so a request completed in 2019 is not current), and
  ``not_read`` says that the stop date was estimated; when no date at all exists the medicine is
  read as possibly current and ``not_read`` says so. ``dispenseRequest.validityPeriod`` is never
  read as a stop date (it bounds dispensing, not taking). A record whose medicine cannot be read is
  kept as an entry named ``"not read: <Type>/<id>"`` so the screen cannot pass it silently (an
  unrecognised medication is a hold).
  ``medications`` is stated (possibly empty) when the Bundle holds any medication record that is not
  entered-in-error, and absent (unknown) when it holds none.
- **AllergyIntolerance** (not refuted or entered-in-error): the substance text. ``allergies`` is
  stated only when one is found (an extract without allergy records does not show there are none).

Code systems: RxNorm ``http://www.nlm.nih.gov/research/umls/rxnorm``, ATC
``http://www.whocc.no/atc`` (HL7 THO v3-WC), ICD-10-CM ``http://hl7.org/fhir/sid/icd-10-cm``,
SNOMED CT ``http://snomed.info/sct``, LOINC ``http://loinc.org``, UCUM
``http://unitsofmeasure.org``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import ValidationError

from ldnderm.kernel import readers
from ldnderm.kernel.codes import ATC, ICD10CM, LOINC, RXNORM, SNOMED, UCUM, naltrexone
from ldnderm.kernel.errors import InvalidInput, KnowledgeDataError
from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml
from ldnderm.safety.fhir_shapes import CodeableConcept
from ldnderm.safety.profile import Profile, read_profile

_SKIP_STATUS = {"entered-in-error", "not-taken", "cancelled", "refuted"}
_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_SYSTEMS = {"loinc": LOINC, "snomed": SNOMED}
_ACTIVE = {"active", "recurrence", "relapse"}
_RESULT_STATUS = {"final", "amended", "corrected", "preliminary"}
_ENDED = {"completed", "stopped"}
_ORDER_INTENTS = {
    "plan",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
}
HEPATIC_ORDER = ("acute_hepatitis", "liver_failure")
"""Levels the reader can set, least severe first (the most severe found wins)."""
RENAL_ORDER = ("mild", "moderate", "severe", "dialysis")


@dataclass(frozen=True)
class LabValue:
    """One laboratory result: LOINC ``code``, short ``name``, ``value`` in ``unit``, the lab's
    upper reference limit (same unit) when given, the day it was taken, a comparator such as ``>``
    when the lab reported one, and the resource it came from."""

    code: str
    name: str
    value: Decimal
    unit: str
    reference_high: Decimal | None
    effective: date | None
    comparator: str | None = None
    resource: str = ""


@dataclass(frozen=True)
class FhirFacts:
    """What a Bundle says: the profile ``document`` (keys absent = unknown), laboratory values
    (shown, never judged) and ``not_read``: each thing that could not be read, and why."""

    document: dict[str, Any]
    lab_values: list[LabValue] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Lab:
    code: str
    name: str
    units: frozenset[str]


@dataclass(frozen=True)
class FactCodes:
    """The code lists of ``data/safety/fhir-facts.yaml``, ready to match."""

    version: str
    pregnancy_observation: tuple[str, str]
    pregnant: frozenset[tuple[str, str]]
    not_pregnant: frozenset[tuple[str, str]]
    pregnancy_unknown: frozenset[tuple[str, str]]
    pregnancy_prefixes: tuple[str, ...]
    pregnancy_excluded: tuple[str, ...]
    breastfeeding_unverified: frozenset[tuple[str, str]]
    hepatic: Mapping[str, tuple[str, ...]]
    hepatic_grade_not_coded: tuple[str, ...]
    renal: Mapping[str, tuple[str, ...]]
    renal_grade_not_coded: tuple[str, ...]
    labs: Mapping[str, _Lab]


@cache
def fact_codes() -> FactCodes:
    """The shipped code lists (loaded and checked once)."""
    raw = load_yaml(DATA_DIR / "safety" / "fhir-facts.yaml")
    cited = [s for entry in _entries(raw) for s in entry["sources"]]
    unknown = registry().unknown(cited)
    if unknown:
        raise KnowledgeDataError(f"safety/fhir-facts.yaml: unknown sources {sorted(set(unknown))}")
    preg = raw["pregnancy"]
    bf = raw["breastfeeding"]

    def coded(items: list[dict[str, Any]]) -> frozenset[tuple[str, str]]:
        return frozenset((_SYSTEMS[i["system"]], str(i["code"])) for i in items)

    def prefixes(items: list[dict[str, Any]]) -> tuple[str, ...]:
        return tuple(str(i.get("prefix", i["code"])) for i in items)

    return FactCodes(
        version=str(raw["version"]),
        pregnancy_observation=(
            _SYSTEMS[preg["observation"]["system"]],
            str(preg["observation"]["code"]),
        ),
        pregnant=coded(preg["pregnant"]),
        not_pregnant=coded(preg["not_pregnant"]),
        pregnancy_unknown=coded(preg["unknown"]),
        pregnancy_prefixes=prefixes(preg["conditions"]),
        pregnancy_excluded=tuple(
            p for i in preg["conditions_excluded"] for p in _block_prefixes(str(i["code"]))
        ),
        breastfeeding_unverified=coded(
            bf["unverified_observation_codes"] + bf["unverified_answers"]
        ),
        hepatic={level: prefixes(raw["hepatic"][level]) for level in HEPATIC_ORDER},
        hepatic_grade_not_coded=prefixes(raw["hepatic_grade_not_coded"]),
        renal={level: prefixes(raw["renal"][level]) for level in RENAL_ORDER},
        renal_grade_not_coded=prefixes(raw["renal_grade_not_coded"]),
        labs={
            str(lab["code"]): _Lab(str(lab["code"]), lab["name"], frozenset(lab["units"]))
            for lab in raw["labs"]
        },
    )


def _entries(raw: dict[str, Any]) -> list[dict[str, Any]]:
    preg, bf = raw["pregnancy"], raw["breastfeeding"]
    out = [preg["observation"], *preg["pregnant"], *preg["not_pregnant"], *preg["unknown"]]
    out += preg["conditions"] + preg["conditions_excluded"]
    out += bf["unverified_observation_codes"] + bf["unverified_answers"]
    out += [e for level in raw["hepatic"].values() for e in level] + raw["hepatic_grade_not_coded"]
    out += [e for level in raw["renal"].values() for e in level] + raw["renal_grade_not_coded"]
    labs: list[dict[str, Any]] = raw["labs"]
    return out + labs


def _block_prefixes(code: str) -> tuple[str, ...]:
    """``O85-O92`` -> ``O85`` ... ``O92`` (same letter, two-digit categories); a code -> itself."""
    if "-" not in code:
        return (code,)
    first, last = code.split("-")
    letter = first[0]
    return tuple(f"{letter}{n:02d}" for n in range(int(first[1:3]), int(last[1:3]) + 1))


def icd10cm_normal(code: str) -> str:
    """An ICD-10-CM code in dotted upper-case form (``k7210`` -> ``K72.10``)."""
    text = code.strip().upper()
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    return text


def matches(code: str, prefixes: Iterable[str]) -> bool:
    """``code`` (dotted) is one of ``prefixes`` or a descendant of one."""
    return code.startswith(prefixes if isinstance(prefixes, tuple) else tuple(prefixes))


def is_bundle(data: Any) -> bool:
    """Whether a parsed JSON document is a FHIR Bundle (versus a JSON profile)."""
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def read_fhir_facts(data: Any, as_of: date | None = None) -> FhirFacts:
    """Everything the reader takes from a FHIR Bundle (validated by fhir.resources R4B).

    ``as_of`` (default: today) decides which procedures lie in the future.

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
    entries = bundle.entry or []
    return facts_from_resources(
        [e.resource for e in entries],
        as_of=as_of,
        full_urls=[str(e.fullUrl) if e.fullUrl else None for e in entries],
    )


def facts_from_resources(
    resources: Iterable[Any], as_of: date | None = None, full_urls: list[str | None] | None = None
) -> FhirFacts:
    """:func:`read_fhir_facts` for resources already validated into fhir.resources R4B models,
    or read into the lean models of :mod:`ldnderm.safety.fhir_shapes` (same element names).

    ``None`` items and resource types that are not read are ignored. ``full_urls`` (the Bundle
    entries' fullUrl, same order) let a medicationReference point at a Bundle entry.
    """
    items = list(resources)
    reader = _Reader(as_of or readers.today())
    reader.index(items, full_urls or [None] * len(items))
    for position, resource in enumerate(items):
        if resource is not None:
            reader.read(resource, position)
    return reader.facts()


def profile_document(data: Any, as_of: date | None = None) -> dict[str, Any]:
    """The JSON-profile document equivalent to a FHIR Bundle (see :func:`read_fhir_facts`)."""
    return read_fhir_facts(data, as_of=as_of).document


def resources_document(resources: Iterable[Any], as_of: date | None = None) -> dict[str, Any]:
    """The JSON-profile document of resources already validated into fhir.resources R4B models.

    For callers that validated each resource themselves (the CDS Hooks adapter does, to skip and
    report a bad one): the same reading as :func:`profile_document` without validating twice.
    """
    return facts_from_resources(resources, as_of=as_of).document


def profile_from_bundle(data: Any, as_of: date | None = None) -> Profile:
    """Parse a FHIR Bundle into a :class:`Profile` (same reader as JSON profiles)."""
    return read_profile(profile_document(data, as_of=as_of), as_of=as_of)


def profile_from_resources(resources: Iterable[Any], as_of: date | None = None) -> Profile:
    """A :class:`Profile` from validated fhir.resources R4B models (see
    :func:`resources_document`); equal to :func:`profile_from_bundle` of their Bundle."""
    return read_profile(resources_document(resources, as_of=as_of), as_of=as_of)


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _lab_document(v: LabValue) -> dict[str, Any]:
    """A lab value as the JSON profile takes it (``lab_values`` item)."""
    doc: dict[str, Any] = {"name": v.name, "value": str(v.value), "unit": v.unit, "code": v.code}
    if v.reference_high is not None:
        doc["upper_limit"] = str(v.reference_high)
    if v.effective is not None:
        doc["taken_on"] = v.effective.isoformat()
    if v.comparator:
        doc["comparator"] = v.comparator
    return doc


class _Reader:
    """One pass over the resources, collecting facts; :meth:`facts` assembles the result."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.codes = fact_codes()
        self.doc: dict[str, Any] = {}
        self.conditions: list[Any] = []
        self.medications: list[dict[str, Any]] = []
        self.medication_records = 0
        self.allergies: list[str] = []
        self.procedures: list[dict[str, Any]] = []
        self.pregnancy_obs: list[tuple[datetime, int, bool | None, str]] = []
        self.pregnant_condition: str | None = None
        self.hepatic: tuple[int, str] | None = None
        self.renal: tuple[int, str] | None = None
        self.labs: list[LabValue] = []
        self.not_read: list[str] = []
        self.medication_index: dict[str, Any] = {}

    def index(self, items: list[Any], full_urls: list[str | None]) -> None:
        for resource, url in zip(items, full_urls, strict=False):
            if resource is None or resource.get_resource_type() != "Medication":
                continue
            if resource.id:
                self.medication_index[f"Medication/{resource.id}"] = resource
            if url:
                self.medication_index[url] = resource

    def read(self, res: Any, position: int) -> None:
        """Dispatch to the method named after the resource type (``_Condition`` ...)."""
        kind = res.get_resource_type()
        name = f"{kind}/{res.id}" if res.id else f"{kind} (entry {position})"
        method = getattr(self, f"_{kind}", None)
        if method is not None:
            method(res, name)

    # -- resources ---------------------------------------------------------------------------

    def _Patient(self, res: Any, name: str) -> None:
        if isinstance(res.birthDate, date):
            self.doc["birth_date"] = res.birthDate.isoformat()
        elif res.birthDate is not None:
            self.not_read.append(f"{name}: birthDate {res.birthDate} is not a full date")
        if res.gender in _SEX:
            self.doc["sex"] = _SEX[res.gender]

    def _Condition(self, res: Any, name: str) -> None:
        if _code_of(res.verificationStatus) in _SKIP_STATUS or res.code is None:
            return
        codings = res.code.coding or []
        icd = next((c for c in codings if c.system == ICD10CM and c.code), None)
        for system, label in ((ICD10CM, "icd10cm"), (SNOMED, "snomed")):
            coding = next((c for c in codings if c.system == system and c.code), None)
            if coding is not None:
                item = {"code": coding.code, "system": label}
                display = res.code.text or coding.display
                self.conditions.append(item | ({"display": display} if display else {}))
                break
        else:
            text = _text(res.code)
            if text:
                self.conditions.append(text)
        if icd is not None and _condition_active(res):
            self._condition_facts(icd10cm_normal(str(icd.code)), name)

    def _condition_facts(self, code: str, name: str) -> None:
        codes = self.codes
        for rank, level in enumerate(HEPATIC_ORDER):
            if matches(code, codes.hepatic[level]) and rank > (self.hepatic or (-1, ""))[0]:
                self.hepatic = (rank, level)
        if matches(code, codes.hepatic_grade_not_coded):
            self.not_read.append(
                f"{name}: ICD-10-CM {code} is active liver disease without a coded grade of "
                "impairment; hepatic not set from it"
            )
        for rank, level in enumerate(RENAL_ORDER):
            if matches(code, codes.renal[level]) and rank > (self.renal or (-1, ""))[0]:
                self.renal = (rank, level)
        if matches(code, codes.renal_grade_not_coded):
            self.not_read.append(
                f"{name}: ICD-10-CM {code} is kidney disease without a stage; renal not set from it"
            )
        if matches(code, codes.pregnancy_prefixes) and not matches(code, codes.pregnancy_excluded):
            self.pregnant_condition = self.pregnant_condition or f"{name} (ICD-10-CM {code})"

    def _MedicationStatement(self, res: Any, name: str) -> None:
        self._medication(res, name)

    def _MedicationRequest(self, res: Any, name: str) -> None:
        self._medication(res, name)

    def _medication(self, res: Any, name: str) -> None:
        if res.status == "entered-in-error":
            return
        self.medication_records += 1
        if res.status in _SKIP_STATUS:
            return
        concept = self._medication_concept(res)
        med: dict[str, Any] = {}
        if concept is not None:
            label = _text(concept)
            if label:
                med["name"] = label
            for coding in concept.coding or []:
                if coding.system == RXNORM and coding.code:
                    med.setdefault("rxnorm", coding.code)
                elif coding.system == ATC and coding.code:
                    med.setdefault("atc", coding.code)
        if not med:
            self.not_read.append(
                f"{name}: the medicine has no code or name that could be read; listed as "
                f"'not read: {name}'"
            )
            med["name"] = f"not read: {name}"
        dosages = getattr(res, "dosage", None) or getattr(res, "dosageInstruction", None) or []
        if res.get_resource_type() == "MedicationRequest" and _is_naltrexone(med):
            dose = _dose_mg(dosages)
            if dose is not None and "planned_dose_mg" not in self.doc:
                self.doc["planned_dose_mg"] = dose
            return
        start, end = self._period(res, name)
        if start:
            med["start"] = start
        if end:
            med["end"] = end
        if dosages and dosages[0].asNeededBoolean:
            med["prn"] = True
        self.medications.append(med)

    def _medication_concept(self, res: Any) -> Any:
        if res.medicationCodeableConcept is not None:
            return res.medicationCodeableConcept
        ref = res.medicationReference
        target = str(ref.reference) if ref is not None and ref.reference else ""
        found: Any = None
        if target.startswith("#"):
            found = next((c for c in res.contained or [] if c.id == target[1:]), None)
        elif target:
            found = self.medication_index.get(target)
        if found is not None and found.get_resource_type() == "Medication":
            return found.code
        if ref is not None and ref.display:
            return CodeableConcept(text=ref.display)
        return None

    def _period(self, res: Any, name: str) -> tuple[str | None, str | None]:
        period = getattr(res, "effectivePeriod", None)
        taken = getattr(res, "effectiveDateTime", None)
        start = _day(period.start) if period is not None else None
        end = _day(period.end) if period is not None else None
        start = start or _day(taken) or _day(getattr(res, "authoredOn", None))
        if end is None and res.status in _ENDED:
            # The last day the record shows: the day taken, the day the statement was made,
            # else the day it started or was authored (it ended on or after that day).
            bound = _day(taken) or _day(getattr(res, "dateAsserted", None))
            if bound is None and start is not None:
                bound = start
                self.not_read.append(
                    f"{name}: status {res.status} but no stop date; read as ended on its start "
                    f"or authored date {start}"
                )
            if bound is not None and (start is None or bound >= start):
                end = bound
            else:
                self.not_read.append(
                    f"{name}: status {res.status} but no stop date; read as possibly current"
                )
        return start, end

    def _AllergyIntolerance(self, res: Any, name: str) -> None:
        if _code_of(res.verificationStatus) in _SKIP_STATUS or res.code is None:
            return
        text = _text(res.code)
        if text:
            self.allergies.append(text)
        else:
            self.not_read.append(f"{name}: the substance has no text or display")

    def _Observation(self, res: Any, name: str) -> None:
        if res.status in ("entered-in-error", "cancelled"):
            return
        coded = {(c.system, c.code) for c in (res.code.coding or [])}
        value = res.valueCodeableConcept
        answers = {(c.system, c.code) for c in value.coding or []} if value is not None else set()
        if self.codes.pregnancy_observation in coded:
            self._pregnancy(res, name, answers)
        elif (coded | answers) & self.codes.breastfeeding_unverified:
            self.not_read.append(
                f"{name}: breastfeeding codes not verified on a published page; "
                "breastfeeding left unknown"
            )
        for system, code in coded:
            if system == LOINC and code in self.codes.labs:
                self._lab(res, name, self.codes.labs[code])
                break

    def _pregnancy(self, res: Any, name: str, answers: set[tuple[Any, Any]]) -> None:
        if res.status not in _RESULT_STATUS:
            self.not_read.append(f"{name}: pregnancy status with status {res.status} not read")
            return
        when = _moment(res)
        codes = self.codes
        if answers & codes.pregnant:
            self.pregnancy_obs.append((when, 2, True, name))
        elif answers & codes.pregnancy_unknown:
            self.pregnancy_obs.append((when, 1, None, name))
        elif answers & codes.not_pregnant:
            self.pregnancy_obs.append((when, 0, False, name))
        else:
            self.pregnancy_obs.append((when, 1, None, name))
            self.not_read.append(f"{name}: pregnancy status answer not understood")

    def _lab(self, res: Any, name: str, lab: _Lab) -> None:
        if res.status not in _RESULT_STATUS:
            self.not_read.append(f"{name}: {lab.name} with status {res.status} not read")
            return
        qty = res.valueQuantity
        if qty is None or qty.value is None:
            self.not_read.append(f"{name}: {lab.name} has no numeric value")
            return
        unit = _unit(qty)
        if unit not in lab.units:
            self.not_read.append(f"{name}: {lab.name} unit {unit or '(none)'} not understood")
            return
        high = None
        for ref in res.referenceRange or []:
            if ref.high is not None and ref.high.value is not None:
                ref_unit = _unit(ref.high)
                if ref_unit is None or ref_unit in lab.units:
                    high = Decimal(str(ref.high.value))
                    break
        moment = _moment(res)
        self.labs.append(
            LabValue(
                code=lab.code,
                name=lab.name,
                value=Decimal(str(qty.value)),
                unit=unit,
                reference_high=high,
                effective=None if moment == _EARLIEST else moment.date(),
                comparator=qty.comparator,
                resource=name,
            )
        )

    def _Procedure(self, res: Any, name: str) -> None:
        if res.status not in ("preparation", "in-progress"):
            return
        period = res.performedPeriod
        when = _day(res.performedDateTime) or (_day(period.start) if period is not None else None)
        self._planned(res, name, when)

    def _ServiceRequest(self, res: Any, name: str) -> None:
        if res.status != "active" or res.intent not in _ORDER_INTENTS:
            return
        period = res.occurrencePeriod
        when = _day(res.occurrenceDateTime) or (_day(period.start) if period is not None else None)
        self._planned(res, name, when)

    def _planned(self, res: Any, name: str, when: str | None) -> None:
        if when is None:
            if res.get_resource_type() == "ServiceRequest" or res.status == "preparation":
                self.not_read.append(f"{name}: planned procedure without a full date; not read")
            return
        if date.fromisoformat(when) < self.as_of:
            return
        item: dict[str, Any] = {"date": when}
        description = _text(res.code) if res.code is not None else None
        if description:
            item["description"] = description
        self.procedures.append(item)

    # -- result ------------------------------------------------------------------------------

    def facts(self) -> FhirFacts:
        doc = dict(self.doc)
        if self.conditions:
            doc["conditions"] = self.conditions
        if self.medication_records:
            doc["medications"] = self.medications
        if self.allergies:
            doc["allergies"] = self.allergies
        if self.procedures:
            doc["planned_procedures"] = sorted(self.procedures, key=lambda p: p["date"])
        if self.hepatic is not None:
            doc["hepatic"] = self.hepatic[1]
        if self.renal is not None:
            doc["renal"] = self.renal[1]
        pregnant = self._pregnant()
        if pregnant is not None:
            doc["pregnant"] = pregnant
        order = list(self.codes.labs)
        labs = sorted(
            self.labs,
            key=lambda v: (order.index(v.code), -(v.effective or date.min).toordinal()),
        )
        if labs:
            doc["lab_values"] = [_lab_document(v) for v in labs]
        return FhirFacts(document=doc, lab_values=labs, not_read=list(self.not_read))

    def _pregnant(self) -> bool | None:
        latest = max(self.pregnancy_obs, key=lambda o: o[:2], default=None)
        if self.pregnant_condition is not None:
            if latest is not None and latest[2] is False:
                self.not_read.append(
                    f"{latest[3]}: not pregnant, but {self.pregnant_condition} is active; "
                    "read as pregnant"
                )
            return True
        return None if latest is None else latest[2]


def _condition_active(res: Any) -> bool:
    status = _code_of(res.clinicalStatus)
    if status is None:
        return (
            res.abatementDateTime is None
            and res.abatementPeriod is None
            and (
                res.abatementAge is None
                and res.abatementRange is None
                and res.abatementString is None
            )
        )
    return status in _ACTIVE


def _unit(qty: Any) -> str | None:
    if qty.code and (qty.system is None or qty.system == UCUM):
        return str(qty.code)
    return str(qty.unit) if qty.unit else None


def _moment(res: Any) -> datetime:
    """When an observation holds: effective[x] (a Period's end, else start), else issued."""
    period = getattr(res, "effectivePeriod", None)
    for value in (
        getattr(res, "effectiveDateTime", None),
        getattr(res, "effectiveInstant", None),
        period.end if period is not None else None,
        period.start if period is not None else None,
        getattr(res, "issued", None),
    ):
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime.combine(value, time.min, tzinfo=UTC)
    return _EARLIEST


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

"""Turning prefetched (or fetched) FHIR data into what the safety screen reads.

The CDS client's data is untrusted in shape: each resource is read on its own into the lean,
strict models of :mod:`ldnderm.safety.fhir_shapes` (exactly the elements the screen reads; full
fhir.resources validation is kept for what is written, and cost most of a hook call), and one
that fails is left out *and reported* (a card says the screen is incomplete), so that a single
odd resource never hides the opioids in the others.

What is added on top of the EHR record:

- draft orders other than naltrexone (an opioid ordered in the same session counts as in use);
- planned procedures: ServiceRequest (draft, active or on-hold) and Procedure (preparation) with
  a date. Opioid analgesia is assumed to be expected when the text or category speaks of surgery,
  an operation or anaesthesia (the cautious reading: the clinician can override);
- the planned naltrexone dose from the draft order.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ldnderm.interop.cdshooks.fhirjson import (
    JsonDict,
    bundle_resources,
    codings,
    concept_text,
    medication_concept,
    medication_index,
    parse_date,
    reference_of,
)
from ldnderm.interop.cdshooks.naltrexone import match_concept
from ldnderm.safety.fhir_shapes import read_resource

READ_TYPES = (
    "Patient",
    "Condition",
    "MedicationRequest",
    "MedicationStatement",
    "AllergyIntolerance",
    "Observation",
)
_PLANNED_STATUS = {"ServiceRequest": {"draft", "active", "on-hold"}, "Procedure": {"preparation"}}
_SURGICAL = re.compile(r"surg|operat|anaesth|anesth|ectomy|otomy|plasty", re.IGNORECASE)
_MED_TYPES = ("MedicationRequest", "MedicationStatement")


@dataclass(frozen=True)
class PlannedProcedure:
    day: date
    description: str
    opioid_analgesia_expected: bool


@dataclass(frozen=True)
class ConditionCode:
    system: str
    code: str
    text: str


@dataclass(frozen=True)
class PatientData:
    """The patient as the screen sees it.

    ``bundle`` is a FHIR collection Bundle of the resources read; ``resources`` holds the same
    resources as the lean models they were read into (:mod:`ldnderm.safety.fhir_shapes`;
    ``None`` when the data was built without them), so the screen need not read them a second
    time; ``skipped`` lists
    resources left out (``"MedicationStatement/7: <problem>"``); ``missing`` lists prefetch keys
    the client did not provide and that could not be fetched, for optional keys only;
    ``unreadable`` maps prefetch keys whose content could not be read (an OperationOutcome, a
    Bundle with a ``next`` link...) to the reason.
    """

    as_of: date
    patient_id: str
    bundle: JsonDict
    planned_dose_mg: float | None = None
    procedures: tuple[PlannedProcedure, ...] = ()
    conditions: tuple[ConditionCode, ...] = ()
    skipped: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()
    identifiers: tuple[tuple[str, str], ...] = field(default=())
    resources: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)


def assemble(
    *,
    as_of: date,
    patient_id: str,
    prefetch: Mapping[str, Any],
    draft_orders: Mapping[str, Any] | None = None,
    exclude: Iterable[str] = (),
    planned_dose_mg: float | None = None,
    missing: Iterable[str] = (),
    unreadable: Mapping[str, str] | None = None,
    medications: Mapping[str, JsonDict] | None = None,
) -> PatientData:
    """Build :class:`PatientData` from prefetch results and the draft orders.

    ``exclude`` holds references (``MedicationRequest/1``) of the naltrexone orders themselves,
    which are the plan, not a co-medication. Resources entered in error are ignored. A
    ``medicationReference`` is resolved from ``contained``, then from a Medication anywhere in
    the prefetch data or draft orders (an ``_include``), then from ``medications`` (Medication
    resources fetched from the FHIR server, by the reference that named them), then from
    ``reference.display``; a medicine that none of these names is kept as
    ``"not read: <Type>/<id>"`` and reported.
    """
    excluded = set(exclude)
    resources: list[JsonDict] = []
    models: list[Any] = []
    skipped: list[str] = []
    procedures: list[PlannedProcedure] = []
    sources: list[tuple[Mapping[str, Any] | None, bool]] = [(v, False) for v in prefetch.values()]
    sources.append((draft_orders, True))
    seen: set[str] = set()
    included = medication_index(container for container, _ in sources)
    included.update(medications or {})
    for container, is_draft in sources:
        for resource in bundle_resources(container):
            kind = resource.get("resourceType")
            ref = reference_of(resource)
            if ref is not None and (ref in excluded or ref in seen):
                continue
            if kind in _PLANNED_STATUS:
                planned = _planned(resource)
                if planned is not None:
                    procedures.append(planned)
                continue
            if kind not in READ_TYPES or resource.get("status") == "entered-in-error":
                continue
            if kind in _MED_TYPES:
                prepared, problem = _medication(resource, included, patient_id, is_draft)
                if problem:
                    skipped.append(f"{ref or kind}: {problem}")
                if prepared is None:
                    continue
                resource = prepared
            model, problem = _validated(resource)
            if problem:
                skipped.append(f"{ref or kind}: {problem}")
                continue
            if ref is not None:
                seen.add(ref)
            resources.append(resource)
            models.append(model)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }
    return PatientData(
        as_of=as_of,
        patient_id=patient_id,
        bundle=bundle,
        planned_dose_mg=planned_dose_mg,
        procedures=tuple(sorted(procedures, key=lambda p: p.day)),
        conditions=tuple(_conditions(resources)),
        skipped=tuple(skipped),
        missing=tuple(missing),
        unreadable=tuple((unreadable or {}).items()),
        identifiers=tuple(_identifiers(resources)),
        resources=tuple(models),
    )


def unresolved_medications(
    prefetch: Mapping[str, Any], draft_orders: Mapping[str, Any] | None = None
) -> list[str]:
    """The ``medicationReference`` targets that nothing sent resolves, in order, once each.

    A reference to a ``contained`` resource (``#id``) is never listed: it cannot be fetched.
    The caller decides which of the others it may fetch (:mod:`ldnderm.interop.cdshooks.services`).
    """
    containers = [*prefetch.values(), draft_orders]
    included = medication_index(containers)
    found: list[str] = []
    for container in containers:
        for resource in bundle_resources(container):
            if resource.get("resourceType") not in _MED_TYPES:
                continue
            if resource.get("status") == "entered-in-error":
                continue
            if isinstance(resource.get("medicationCodeableConcept"), dict):
                continue
            ref = resource.get("medicationReference")
            target = ref.get("reference") if isinstance(ref, dict) else None
            if isinstance(target, str) and not target.startswith("#") and target not in included:
                found.append(target)
    return list(dict.fromkeys(found))


def active_naltrexone(
    prefetch: Mapping[str, Any], medications: Mapping[str, JsonDict] | None = None
) -> list[JsonDict]:
    """Active naltrexone MedicationRequests and MedicationStatements in the prefetch data
    (``medications``: fetched Medication resources by reference, see :func:`assemble`)."""
    found = []
    included = medication_index(prefetch.values())
    included.update(medications or {})
    for container in prefetch.values():
        for resource in bundle_resources(container):
            if resource.get("resourceType") not in _MED_TYPES:
                continue
            if resource.get("status") not in {"active", "intended", "on-hold"}:
                continue
            if match_concept(medication_concept(resource, container, included)) is not None:
                found.append(resource)
    return found


def _medication(
    resource: JsonDict, included: Mapping[str, JsonDict], patient_id: str, is_draft: bool
) -> tuple[JsonDict | None, str | None]:
    """The resource as the screen reads it (medication inlined as a CodeableConcept), or
    ``None`` for a draft naltrexone order; and what could not be read, if anything."""
    concept = medication_concept(resource, None, included)
    problem = None
    if concept is None:
        target = resource.get("medicationReference")
        said = target.get("reference") if isinstance(target, dict) else None
        problem = (
            f"medicationReference {said!r} could not be resolved (not contained, not in the "
            "data sent or fetched, no display): the medicine is unknown and is listed as "
            "'not read'"
            if said
            else "no medication could be read: the medicine is listed as 'not read'"
        )
        concept = {"text": f"not read: {reference_of(resource) or resource.get('resourceType')}"}
    if is_draft:
        if match_concept(concept) is not None:
            return None, None
        # An unsigned order may lack required elements; keep what the screen reads.
        minimal: JsonDict = {
            "resourceType": "MedicationRequest",
            "status": "active",
            "intent": "order",
            "subject": {"reference": f"Patient/{patient_id}"},
            "medicationCodeableConcept": concept,
        }
        if resource.get("id"):
            minimal["id"] = resource["id"]
        if isinstance(resource.get("authoredOn"), str):
            minimal["authoredOn"] = resource["authoredOn"]
        return minimal, problem
    if "medicationCodeableConcept" in resource:
        return resource, problem
    # The screen reads codes from medicationCodeableConcept only: inline the referenced code.
    inlined = copy.deepcopy(resource)
    inlined.pop("medicationReference", None)
    inlined["medicationCodeableConcept"] = concept
    return inlined, problem


def _planned(resource: JsonDict) -> PlannedProcedure | None:
    kind = str(resource.get("resourceType"))
    if resource.get("status") not in _PLANNED_STATUS[kind]:
        return None
    period = resource.get("occurrencePeriod") or resource.get("performedPeriod") or {}
    when = (
        resource.get("occurrenceDateTime")
        or resource.get("performedDateTime")
        or (period.get("start") if isinstance(period, dict) else None)
    )
    day = parse_date(when)
    if day is None:
        return None
    text = concept_text(resource.get("code")) or kind
    categories = " ".join(concept_text(c) for c in resource.get("category") or ())
    return PlannedProcedure(
        day=day,
        description=text,
        opioid_analgesia_expected=bool(_SURGICAL.search(f"{text} {categories}")),
    )


def _validated(resource: JsonDict) -> tuple[Any, str | None]:
    """The resource as its lean model, or ``None`` and what is wrong with it."""
    return read_resource(resource)


_CONDITION_SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10cm",
    "http://snomed.info/sct": "snomed",
}


def _conditions(resources: list[JsonDict]) -> list[ConditionCode]:
    out = []
    for resource in resources:
        if resource.get("resourceType") != "Condition":
            continue
        text = concept_text(resource.get("code"))
        coded = False
        for coding in codings(resource.get("code")):
            system = _CONDITION_SYSTEMS.get(str(coding.get("system")))
            if system and coding.get("code"):
                out.append(ConditionCode(system, str(coding["code"]), text))
                coded = True
        if not coded and text:
            out.append(ConditionCode("text", text, text))
    return out


def _identifiers(resources: list[JsonDict]) -> list[tuple[str, str]]:
    for resource in resources:
        if resource.get("resourceType") == "Patient":
            return [
                (str(i.get("system", "")), str(i["value"]))
                for i in resource.get("identifier") or ()
                if isinstance(i, dict) and i.get("value")
            ]
    return []

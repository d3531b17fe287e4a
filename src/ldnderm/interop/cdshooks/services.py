"""The three CDS services, their discovery entry, and running one hook call.

``run(service_id, body, env)`` is the one implementation behind ``POST /cds-services/{id}`` and
``ldnderm cds card``: it parses the request, looks for naltrexone, gathers the patient data
(prefetch, else the FHIR server, else 412), fetches ``Medication/{id}`` for a
``medicationReference`` nothing sent resolves (when a server is given), screens, and builds the
cards.

Services
--------
``naltrexone-order-select`` (order-select) and ``naltrexone-order-sign`` (order-sign)
    Answer ``{"cards": []}`` unless a draft MedicationRequest is naltrexone; then a critical card
    per contraindication (with a suggestion to remove the order), a warning per hold or caution,
    and info cards: a clean screen, and the evidence grade and regimens for the patient's
    conditions.
``naltrexone-patient-view`` (patient-view)
    For a patient on naltrexone (an active request or statement in the record) or with an
    active registry course: the same safety findings without suggestions, and the course with
    its assessments due. Otherwise ``{"cards": []}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ldnderm.interop.cdshooks import integrity
from ldnderm.interop.cdshooks.cards import CardFactory, CourseSummary
from ldnderm.interop.cdshooks.errors import PrefetchUnavailable
from ldnderm.interop.cdshooks.fhirjson import JsonDict, bundle_resources, reference_of
from ldnderm.interop.cdshooks.models import (
    Card,
    CdsResponse,
    Discovery,
    HookRequest,
    OrderContext,
    PatientViewContext,
    ServiceDefinition,
    parse,
)
from ldnderm.interop.cdshooks.naltrexone import find_orders
from ldnderm.interop.cdshooks.patient import (
    PatientData,
    active_naltrexone,
    assemble,
    unresolved_medications,
)
from ldnderm.interop.cdshooks.prefetch import FhirFetcher, Prefetched, resolve
from ldnderm.interop.cdshooks.screening import DomainScreener, Screener
from ldnderm.kernel.errors import InvalidInput, NotFound

PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "medicationRequests": (
        "MedicationRequest?patient={{context.patientId}}&status=active,on-hold,completed,stopped"
    ),
    "medicationStatements": (
        "MedicationStatement?patient={{context.patientId}}&status=active,completed,intended,on-hold"
    ),
    "conditions": "Condition?patient={{context.patientId}}",
    "allergies": "AllergyIntolerance?patient={{context.patientId}}",
    # LOINC 82810-3 "Pregnancy status" (HL7 IPS pregnancy-status observation).
    "pregnancy": (
        "Observation?patient={{context.patientId}}&code=http://loinc.org|82810-3"
        "&_sort=-date&_count=1"
    ),
    "plannedProcedures": "ServiceRequest?patient={{context.patientId}}&status=active",
}
"""Prefetch templates. Completed and stopped statements and requests are asked for because an
opioid stopped a few days ago still contraindicates naltrexone (opioid-free interval); a stopped
opioid prescription is often all an EHR records of it."""

REQUIRED = ("patient", "medicationRequests", "medicationStatements", "conditions")
"""Without these the opioid screen cannot run: missing and not fetchable -> 412. The other keys
may be missing; the cards then say what was not checked."""

MAX_MEDICATION_FETCHES = 20
"""Medication reads per hook call at most (the rest stay unresolved and are reported)."""
_MEDICATION_READ = re.compile(r"Medication/[A-Za-z0-9\-.]{1,64}")
"""A FHIR read of one Medication by its logical id (the R4 id syntax)."""

CourseLookup = Callable[[PatientData], CourseSummary | None]


@dataclass(frozen=True)
class Environment:
    """What a hook call needs from its door: the date, the core adapters, optional I/O."""

    today: date
    screener: Screener = field(default_factory=DomainScreener)
    fetcher: FhirFetcher | None = None
    courses: CourseLookup | None = None


Handler = Callable[[HookRequest, Environment], list[Card]]


@dataclass(frozen=True)
class Service:
    definition: ServiceDefinition
    handler: Handler

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def hook(self) -> str:
        return self.definition.hook


def _order_cards(request: HookRequest, env: Environment) -> list[Card]:
    ctx = parse(OrderContext, request.context, "context")
    selecting = request.hook == "order-select"
    if selecting and ctx.selections is None:
        raise InvalidInput("context.selections", "is required for order-select")
    orders = find_orders(ctx.draft_orders, ctx.selections if selecting else None)
    # order-select acts on the orders just selected; the other drafts are context only.
    orders = [o for o in orders if o.selected]
    if not orders:
        return []
    prefetched, unreadable = _gather(request, env)
    _check_patient(prefetched.data, ctx.patient_id)
    doses = [o.daily_dose_mg for o in orders if o.daily_dose_mg is not None]
    patient = assemble(
        as_of=env.today,
        patient_id=ctx.patient_id,
        prefetch=prefetched.data,
        draft_orders=ctx.draft_orders,
        exclude=[o.reference for o in orders if o.reference],
        planned_dose_mg=doses[0] if doses else None,
        missing=prefetched.missing,
        unreadable=unreadable,
        medications=_fetch_medications(request, env, prefetched.data, ctx.draft_orders),
    )
    screening = env.screener.screen(patient)
    factory = CardFactory(request.hook_instance)
    cards = factory.findings(screening, orders)
    incomplete = factory.incomplete(patient, screening)
    if incomplete is not None:
        cards.append(incomplete)
    if not any(c.indicator in {"critical", "warning"} for c in cards):
        cards.append(factory.clean(screening))
    cards += [factory.evidence(e) for e in env.screener.evidence(patient.conditions)]
    return cards


def _patient_view_cards(request: HookRequest, env: Environment) -> list[Card]:
    ctx = parse(PatientViewContext, request.context, "context")
    prefetched, unreadable = _gather(request, env)
    _check_patient(prefetched.data, ctx.patient_id)
    medications = _fetch_medications(request, env, prefetched.data, None)
    current = active_naltrexone(prefetched.data, medications)
    patient = assemble(
        as_of=env.today,
        patient_id=ctx.patient_id,
        prefetch=prefetched.data,
        missing=prefetched.missing,
        unreadable=unreadable,
        medications=medications,
        # The naltrexone the patient is on is the therapy under review, not a duplicate of it.
        exclude=[ref for r in current if (ref := reference_of(r))],
    )
    on_naltrexone = bool(current)
    course = env.courses(patient) if env.courses is not None else None
    factory = CardFactory(request.hook_instance)
    cards: list[Card] = []
    if on_naltrexone or course is not None:
        screening = env.screener.screen(patient)
        cards += factory.findings(screening)
        incomplete = factory.incomplete(patient, screening)
        if incomplete is not None:
            cards.append(incomplete)
    if course is not None:
        cards.append(factory.course(course))
    return cards


def _gather(request: HookRequest, env: Environment) -> tuple[Prefetched, dict[str, str]]:
    """The prefetch data, and ``{key: why}`` for keys whose content could not be read.

    A key that holds something other than the answer it asked for (an OperationOutcome, another
    resource type, a Bundle with a ``next`` link) counts as missing: it is fetched when a
    ``fhirServer`` is given, else a required key gives 412 naming it and an optional key is
    reported. What was fetched is checked the same way; a required key still unreadable then
    is reported on a warning card (fetching was tried), never read as "no data".
    """
    given = request.prefetch or {}
    bad = integrity.problems(given, PREFETCH)
    if bad:
        kept = {k: v for k, v in given.items() if k not in bad}
        request = request.model_copy(update={"prefetch": kept})
    try:
        prefetched = resolve(request, PREFETCH, REQUIRED, env.fetcher)
    except PrefetchUnavailable as exc:
        why = [f"prefetch key {k} {bad[k]}" for k in exc.keys if k in bad]
        if not why:
            raise
        raise PrefetchUnavailable(exc.keys, "; ".join([*why, exc.reason])) from exc
    unreadable = {k: f"prefetch {bad[k]}" for k in bad if k not in prefetched.data}
    fetched = {k: prefetched.data[k] for k in prefetched.fetched if k in prefetched.data}
    unreadable |= {
        k: f"fetched from fhirServer but {why}"
        for k, why in integrity.problems(fetched, PREFETCH).items()
    }
    return prefetched, unreadable


def _fetch_medications(
    request: HookRequest,
    env: Environment,
    data: Mapping[str, JsonDict | None],
    draft_orders: Mapping[str, Any] | None,
) -> dict[str, JsonDict]:
    """Medication resources fetched for the ``medicationReference`` s nothing sent resolves.

    Only with a ``fhirServer`` and a fetcher (an issuer allowed to fetch; same SSRF, size, time
    and token rules as prefetch), only ``Medication/{id}`` reads relative to that server (or
    absolute under it), at most :data:`MAX_MEDICATION_FETCHES`. A read that fails, or answers
    anything but that Medication, is left out: the medicine then falls back to
    ``reference.display``, else it is "not read" and the screen says it is incomplete.
    """
    if env.fetcher is None or not request.fhir_server:
        return {}
    base = request.fhir_server.rstrip("/") + "/"
    queries: dict[str, str] = {}
    for target in unresolved_medications(data, draft_orders):
        relative = target.removeprefix(base)
        if _MEDICATION_READ.fullmatch(relative) and len(queries) < MAX_MEDICATION_FETCHES:
            queries[target] = relative
    if not queries:
        return {}
    answers = env.fetcher(request.fhir_server, request.fhir_authorization, queries)
    return {
        target: value
        for target, value in answers.items()
        if target in queries
        and isinstance(value, dict)
        and value.get("resourceType") == "Medication"
        and f"Medication/{value.get('id')}" == queries[target]
    }


def _check_patient(data: Mapping[str, JsonDict | None], patient_id: str) -> None:
    for resource in bundle_resources(data.get("patient")):
        if resource.get("resourceType") == "Patient" and resource.get("id") not in {
            None,
            patient_id,
        }:
            raise InvalidInput(
                "prefetch.patient",
                f"is Patient/{resource.get('id')}, not the context patient {patient_id}",
            )


SERVICES: dict[str, Service] = {
    s.id: s
    for s in (
        Service(
            ServiceDefinition(
                hook="order-select",
                id="naltrexone-order-select",
                title="Naltrexone safety check (order select)",
                description=(
                    "When naltrexone is selected: contraindications (opioids in use or recently "
                    "stopped), holds before surgery, cautions, and the evidence for the "
                    "patient's skin condition."
                ),
                prefetch=PREFETCH,
            ),
            _order_cards,
        ),
        Service(
            ServiceDefinition(
                hook="order-sign",
                id="naltrexone-order-sign",
                title="Naltrexone safety check (order sign)",
                description=(
                    "Before a naltrexone order is signed: contraindications, holds for planned "
                    "surgery, cautions, and the evidence for the patient's skin condition."
                ),
                prefetch=PREFETCH,
            ),
            _order_cards,
        ),
        Service(
            ServiceDefinition(
                hook="patient-view",
                id="naltrexone-patient-view",
                title="Naltrexone course summary",
                description=(
                    "For a patient on naltrexone: safety findings in the current record, the "
                    "active registry course and the outcome assessments that are due."
                ),
                prefetch=PREFETCH,
            ),
            _patient_view_cards,
        ),
    )
}


def discovery() -> Discovery:
    """The ``GET /cds-services`` document."""
    return Discovery(services=[s.definition for s in SERVICES.values()])


def service(service_id: str) -> Service:
    """The service with this id; raises :class:`NotFound`."""
    try:
        return SERVICES[service_id]
    except KeyError:
        raise NotFound("CDS service", service_id, sorted(SERVICES)) from None


def service_for_hook(hook: str) -> Service:
    """The service answering ``hook`` (the CLI chooses by the request's hook)."""
    for candidate in SERVICES.values():
        if candidate.hook == hook:
            return candidate
    hooks = ", ".join(s.hook for s in SERVICES.values())
    raise InvalidInput("hook", f"no service for hook {hook!r}", allowed=hooks)


def parse_request(body: Any) -> HookRequest:
    """Parse a hook request body; raises :class:`InvalidInput` naming the bad field."""
    return parse(HookRequest, body)


def run(service_id: str, body: Any, env: Environment) -> CdsResponse:
    """Run one hook call of ``service_id`` on a parsed JSON ``body``.

    Raises
    ------
    NotFound
        Unknown service id.
    InvalidInput
        Malformed request, or a ``hook`` that is not the service's.
    PrefetchUnavailable
        Required data neither prefetched nor fetchable (412).
    """
    target = service(service_id)
    request = parse_request(body)
    if request.hook != target.hook:
        raise InvalidInput("hook", f"{service_id} answers {target.hook}, not {request.hook!r}")
    return CdsResponse(cards=target.handler(request, env))

"""Patient identity: which registry patient an EHR identifier names.

The rule, everywhere (FHIR import, the CDS patient-view look-up, export):

- An identifier is the pair (system, value). A value alone names nobody: two patients who share a
  value under different systems are two patients, and an identifier without a system never
  matches.
- An identifier names a registry patient when (a) an earlier FHIR import linked exactly that
  (system, value) to the patient (:class:`~ldnderm.web.fhir.models.FhirIdentifier`), or (b) its
  system is one of the clinic's MRN systems (:func:`mrn_systems`) and its value is the patient's
  registry MRN.
- The clinic's MRN systems are the ones configured on the clinic (``Clinic.mrn_systems``, in the
  admin or with ``ldnderm fhir mrn-systems``) and the registry's own local system
  ``urn:ldnderm:<clinic>:patient`` (what export writes for a patient not imported). With none
  configured, an EHR identifier reaches a registry patient only through (a) or the local system:
  being typed MR is not enough, because an MR type says what kind of number it is, not whose
  record-number series it belongs to.
- When the identifiers of one EHR patient name two different registry patients, nothing is
  chosen: import refuses the bundle, and patient-view shows no course.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ldnderm.interop.fhir import terminology as t
from ldnderm.interop.fhir.records import Key
from ldnderm.web.accounts.models import Clinic
from ldnderm.web.fhir.models import FhirIdentifier
from ldnderm.web.registry.models import Patient


def mrn_systems(clinic: Clinic) -> frozenset[str]:
    """The identifier systems whose values are the clinic's registry MRN."""
    configured = clinic.mrn_systems if isinstance(clinic.mrn_systems, list) else []
    return frozenset(
        {str(s) for s in configured if isinstance(s, str) and s.strip()}
        | {t.local_system(clinic.slug, "patient")}
    )


def clean_systems(values: Iterable[str]) -> list[str]:
    """Validated MRN systems to store: non-empty, no spaces, no duplicates, order kept."""
    from ldnderm.kernel.errors import InvalidInput

    out: list[str] = []
    for raw in values:
        value = raw.strip()
        if not value or any(c.isspace() for c in value) or len(value) > 255:
            raise InvalidInput("mrn_systems", f"not an identifier system URI: {raw!r}")
        if value not in out:
            out.append(value)
    return out


def patients_named(clinic: Clinic, identifiers: Iterable[Key]) -> dict[int, list[Key]]:
    """Registry patients of ``clinic`` named by ``identifiers`` (see the module docstring), each
    with the identifiers that name it."""
    keys = [k for k in dict.fromkeys(identifiers) if k.system and k.value]
    found: dict[int, list[Key]] = {}
    if not keys:
        return found
    links = FhirIdentifier.objects.filter(
        clinic=clinic, kind=FhirIdentifier.Kind.PATIENT, value__in={k.value for k in keys}
    ).values_list("system", "value", "patient_id")
    wanted = set(keys)
    for system, value, patient_id in links:
        key = Key(system, value)
        if key in wanted:
            found.setdefault(patient_id, []).append(key)
    systems = mrn_systems(clinic)
    mrn_keys = [k for k in keys if k.system in systems and len(k.value) <= 40]
    if mrn_keys:
        for pk, mrn in Patient.objects.filter(
            clinic=clinic, mrn__in={k.value for k in mrn_keys}
        ).values_list("pk", "mrn"):
            for key in mrn_keys:
                if key.value == mrn and key not in found.get(pk, []):
                    found.setdefault(pk, []).append(key)
    return found


# -- check-identities ------------------------------------------------------------------------

_SAME_IMPORT = timedelta(seconds=1)
"""A patient link made this long after the patient: not the import that created the patient."""


@dataclass
class IdentityFinding:
    """A registry patient whose identity may be the merge of two people."""

    clinic: str
    patient_id: int
    mrn: str
    problems: list[str] = field(default_factory=list)
    identifiers: list[Key] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "clinic": self.clinic,
            "patient_id": self.patient_id,
            "mrn": self.mrn,
            "problems": self.problems,
            "identifiers": [{"system": k.system, "value": k.value} for k in self.identifiers],
        }


def check_identities(clinic: Clinic | None = None) -> list[IdentityFinding]:
    """Registry patients who hold identifiers of more than one system under one value, or who
    were imported from more than one source patient (more than one Patient link: each import of
    a new source patient adds one; a source patient matched again adds none), or whose one link
    was matched to a patient entered before by the MRN value alone, under a system that is not
    an MRN system of the clinic (what imports before the (system, value) rule did)."""
    rows = FhirIdentifier.objects.filter(kind=FhirIdentifier.Kind.PATIENT)
    if clinic is not None:
        rows = rows.filter(clinic=clinic)
    by_patient: dict[int, list[Key]] = {}
    linked_at: dict[Key, datetime] = {}
    for patient_id, system, value, created_at in rows.order_by("patient_id", "id").values_list(
        "patient_id", "system", "value", "created_at"
    ):
        by_patient.setdefault(patient_id, []).append(Key(system, value))
        linked_at.setdefault(Key(system, value), created_at)
    patients = Patient.objects.select_related("clinic").in_bulk(list(by_patient))
    out: list[IdentityFinding] = []
    for patient_id, keys in sorted(by_patient.items()):
        patient = patients[patient_id]
        held = list(keys)
        problems: list[str] = []
        by_value: dict[str, set[str]] = {}
        for key in held:
            by_value.setdefault(key.value, set()).add(key.system)
        for value, value_systems in sorted(by_value.items()):
            if len(value_systems) > 1:
                problems.append(
                    f"value {value!r} under {len(value_systems)} systems: "
                    + ", ".join(sorted(value_systems))
                )
        if len(keys) > 1:
            problems.append(f"imported from {len(keys)} source patients")
        systems = mrn_systems(patient.clinic)
        for key in keys:
            # Earlier imports matched a registry patient entered before by MRN value alone.
            if (
                key.system not in systems
                and key.value == patient.mrn
                and linked_at[key] - patient.created_at > _SAME_IMPORT
            ):
                problems.append(
                    f"matched by value alone: {key.system}|{key.value} was linked to a patient "
                    f"entered before with registry MRN {patient.mrn!r}, and "
                    f"{key.system} is not an MRN system of the clinic"
                )
        if problems:
            out.append(
                IdentityFinding(
                    clinic=patient.clinic.slug,
                    patient_id=patient_id,
                    mrn=patient.mrn,
                    problems=problems,
                    identifiers=held,
                )
            )
    return out

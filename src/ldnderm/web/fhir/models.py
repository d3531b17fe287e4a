"""FHIR identifiers of registry records: the natural keys that make imports idempotent.

A Patient link is unique per (clinic, system, value); the link of any other resource is unique per
(clinic, kind, patient, system, value), so the same identifier under two patients never shares a
record. Importing a resource whose identifier is already linked creates nothing, and two
concurrent imports of the same bundle cannot both create it (the loser's transaction rolls back
and is retried, then finds the link).
Export uses the linked identifier, so a record keeps the identity it came with.
"""

from __future__ import annotations

from django.db import models

from ldnderm.web.accounts.models import Clinic


class FhirIdentifier(models.Model):
    class Kind(models.TextChoices):
        PATIENT = "patient", "Patient"
        CONDITION = "condition", "Condition"
        COURSE = "course", "MedicationStatement or MedicationRequest"
        ASSESSMENT = "assessment", "Observation"
        ADVERSE_EVENT = "adverse_event", "AdverseEvent"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    system = models.CharField(max_length=255)
    value = models.CharField(max_length=255)
    patient = models.ForeignKey(
        "registry.Patient", on_delete=models.CASCADE, related_name="fhir_identifiers"
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    """Primary key of the registry row (``None`` for a Condition, which has no row)."""
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(
                fields=["clinic", "kind", "system", "value"],
                condition=models.Q(kind="patient"),
                name="fhir_identifier_patient_unique",
            ),
            models.UniqueConstraint(
                fields=["clinic", "kind", "patient", "system", "value"],
                condition=~models.Q(kind="patient"),
                name="fhir_identifier_record_unique",
            ),
        )
        indexes = (models.Index(fields=["patient", "kind"], name="fhir_identifier_patient"),)

    def __str__(self) -> str:
        return f"{self.kind} {self.system}|{self.value}"

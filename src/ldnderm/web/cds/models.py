"""Feedback that CDS clients send about our cards (CDS Hooks 2.0, section Feedback).

The same card may be reported more than once (the spec says so); a unique constraint on the
card, the outcome and its timestamp makes storing a repeat a no-op.
"""

from __future__ import annotations

from django.db import models


class CardFeedback(models.Model):
    """One outcome (accepted or overridden) of one card, as the client reported it."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "accepted"
        OVERRIDDEN = "overridden", "overridden"

    service_id = models.CharField(max_length=80)
    card_uuid = models.CharField(max_length=80)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    outcome_timestamp = models.DateTimeField()
    accepted_suggestions = models.JSONField(default=list, blank=True)
    override_code = models.CharField(max_length=80, blank=True)
    override_system = models.CharField(max_length=200, blank=True)
    override_display = models.CharField(max_length=200, blank=True)
    user_comment = models.TextField(blank=True)
    issuer = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at",)
        constraints = (
            models.UniqueConstraint(
                fields=["service_id", "card_uuid", "outcome", "outcome_timestamp"],
                name="cds_feedback_once_per_outcome",
            ),
        )
        indexes = (models.Index(fields=["card_uuid"], name="cds_feedback_card"),)

    def __str__(self) -> str:
        return f"{self.service_id} {self.card_uuid}: {self.outcome}"


class SeenJti(models.Model):
    """The ``jti`` of a client JWT already accepted, kept until the token expires (replay store).

    In the database, so every server process shares it and no count of other calls evicts it.
    Rows past ``expires_at`` are deleted by :class:`ldnderm.web.cds.replay.DatabaseReplayStore`.
    """

    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["issuer", "jti"], name="cds_jti_once_per_issuer"),
        )
        indexes = (models.Index(fields=["expires_at"], name="cds_jti_expiry"),)

    def __str__(self) -> str:
        return f"{self.issuer} {self.jti}"

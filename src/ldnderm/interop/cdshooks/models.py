"""Typed CDS Hooks 2.0 documents: discovery, hook request, cards, feedback.

The models mirror the HL7 logical models (``HL7/cds-hooks: input/fsh/logicals/``) and the 2.0
text (https://cds-hooks.hl7.org/2.0/). Python attributes are snake_case; the JSON names are the
spec's camelCase aliases (``fhirAuthorization`` keeps its OAuth snake_case members).

Output rule of the spec: an optional element without a value is *omitted*, never ``null``,
``""``, ``[]`` or ``{}`` (``{"cards": []}`` is the one allowed empty array). :func:`dump`
enforces it for every outgoing document.

Incoming documents are parsed with :func:`parse`, which turns a pydantic error into
:class:`~ldnderm.kernel.errors.InvalidInput` naming the first offending field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ldnderm.kernel.errors import InvalidInput

SUMMARY_MAX = 139
"""The spec says "<140-character"; 139 is the longest summary every client accepts."""

Indicator = Literal["info", "warning", "critical"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class _In(BaseModel):
    # 3.0 adds members (e.g. actionSelectionBehavior); unknown members are ignored, not errors.
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


# --- discovery -------------------------------------------------------------------------------


class ServiceDefinition(_Out):
    """One entry of ``GET /cds-services``."""

    hook: str
    title: str | None = None
    description: str
    id: str = Field(pattern=r"^[A-Za-z0-9._~-]+$")
    prefetch: dict[str, str] | None = None
    usage_requirements: str | None = Field(None, alias="usageRequirements")


class Discovery(_Out):
    services: list[ServiceDefinition]


# --- response --------------------------------------------------------------------------------


class Coding(_Out):
    """A FHIR Coding as CDS Hooks uses it (``display`` is required for override reasons)."""

    code: str
    system: str | None = None
    display: str | None = None


class Source(_Out):
    label: str = Field(min_length=1)
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None

    @field_validator("url", "icon")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError("must be an absolute http(s) URL")
        return value


class Action(_Out):
    type: Literal["create", "update", "delete"]
    description: str | None = None
    resource: dict[str, Any] | None = None
    resource_id: str | None = Field(None, alias="resourceId")

    @model_validator(mode="after")
    def _target(self) -> Action:
        if self.type == "delete" and not self.resource_id:
            raise ValueError("a delete action names its resourceId")
        if self.type != "delete" and not self.resource:
            raise ValueError(f"a {self.type} action carries the resource")
        return self


class Suggestion(_Out):
    label: str = Field(min_length=1)
    uuid: str | None = None
    is_recommended: bool | None = Field(None, alias="isRecommended")
    actions: list[Action] | None = None


class Link(_Out):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    app_context: str | None = Field(None, alias="appContext")


class Card(_Out):
    """A card; ``uuid`` is always set by our builders so that feedback can refer to it."""

    uuid: str | None = None
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    detail: str | None = None
    indicator: Indicator
    source: Source
    suggestions: list[Suggestion] | None = None
    selection_behavior: Literal["at-most-one", "any"] | None = Field(
        None, alias="selectionBehavior"
    )
    override_reasons: list[Coding] | None = Field(None, alias="overrideReasons")
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _rules(self) -> Card:
        if self.suggestions and self.selection_behavior is None:
            raise ValueError("selectionBehavior is required when a card has suggestions")
        for reason in self.override_reasons or ():
            if not reason.display:
                raise ValueError("every override reason has a display")
        return self


class CdsResponse(_Out):
    cards: list[Card] = Field(default_factory=list)
    system_actions: list[Action] | None = Field(None, alias="systemActions")


# --- request ---------------------------------------------------------------------------------


class FhirAuthorization(_In):
    access_token: str = Field(min_length=1)
    token_type: Literal["Bearer"]
    expires_in: int = Field(ge=0)
    scope: str
    subject: str
    patient: str | None = None


class HookRequest(_In):
    """The body of ``POST /cds-services/{id}``; ``context`` is parsed per hook later."""

    hook: str = Field(min_length=1)
    hook_instance: str = Field(alias="hookInstance", min_length=1)
    fhir_server: str | None = Field(None, alias="fhirServer")
    fhir_authorization: FhirAuthorization | None = Field(None, alias="fhirAuthorization")
    context: dict[str, Any]
    prefetch: dict[str, dict[str, Any] | None] | None = None

    @field_validator("fhir_server")
    @classmethod
    def _server_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be the absolute http(s) base URL of a FHIR server")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _auth_needs_server(self) -> HookRequest:
        if self.fhir_authorization is not None and self.fhir_server is None:
            raise ValueError("fhirServer is required when fhirAuthorization is given")
        return self


class PatientViewContext(_In):
    user_id: str | None = Field(None, alias="userId")
    patient_id: str = Field(alias="patientId", min_length=1)
    encounter_id: str | None = Field(None, alias="encounterId")


class OrderContext(_In):
    """Context of ``order-select`` and ``order-sign`` (the latter has no ``selections``)."""

    user_id: str | None = Field(None, alias="userId")
    patient_id: str = Field(alias="patientId", min_length=1)
    encounter_id: str | None = Field(None, alias="encounterId")
    selections: list[str] | None = None
    draft_orders: dict[str, Any] = Field(alias="draftOrders")

    @field_validator("draft_orders")
    @classmethod
    def _bundle(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value.get("resourceType") != "Bundle":
            raise ValueError("draftOrders must be a FHIR Bundle")
        entries = value.get("entry", [])
        if not isinstance(entries, list):
            raise ValueError("draftOrders.entry must be an array")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
                raise ValueError("every draftOrders entry holds a resource object")
        return value


# --- feedback --------------------------------------------------------------------------------


class InCoding(_In):
    code: str
    system: str | None = None
    display: str | None = None


class OverrideReason(_In):
    """An override reason: a coded ``reason``, a ``userComment``, or both; never empty."""

    reason: InCoding | None = None
    user_comment: str | None = Field(None, alias="userComment")

    @model_validator(mode="after")
    def _not_empty(self) -> OverrideReason:
        if self.reason is None and not (self.user_comment or "").strip():
            raise ValueError("overrideReason needs a reason or a userComment; it is empty")
        return self


class AcceptedSuggestion(_In):
    id: str = Field(min_length=1)


class FeedbackItem(_In):
    card: str = Field(min_length=1)
    outcome: Literal["accepted", "overridden"]
    accepted_suggestions: list[AcceptedSuggestion] | None = Field(None, alias="acceptedSuggestions")
    override_reason: OverrideReason | None = Field(None, alias="overrideReason")
    outcome_timestamp: datetime = Field(alias="outcomeTimestamp")

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.accepted_suggestions:
            raise ValueError("acceptedSuggestions is required when the outcome is accepted")
        if self.outcome_timestamp.tzinfo is None:
            raise ValueError("outcomeTimestamp needs a time-zone offset")
        return self


class FeedbackRequest(_In):
    feedback: list[FeedbackItem] = Field(min_length=1)


# --- parsing and dumping ---------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` as ``model``; raise :class:`InvalidInput` naming the first bad field."""
    if not isinstance(data, dict):
        raise InvalidInput(prefix, "must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
        field = ".".join(p for p in (prefix, loc) if p)
        message = str(first["msg"]).removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise InvalidInput(field, message) from exc


def dump(document: BaseModel) -> dict[str, Any]:
    """JSON-ready dict with camelCase names and no null or empty optional members.

    Only the top-level ``cards`` array of a response may be empty, as the spec allows.
    """
    raw = document.model_dump(mode="json", by_alias=True, exclude_none=True)
    pruned = _prune(raw)
    assert isinstance(pruned, dict)
    if isinstance(document, CdsResponse):
        pruned.setdefault("cards", [])
    if isinstance(document, Discovery):
        pruned.setdefault("services", [])
    return pruned


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [_prune(v) for v in value]
        return [v for v in items if v not in (None, "", [], {})]
    return value

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ldnderm.interop.cdshooks.models import (
    Card,
    CdsResponse,
    FeedbackRequest,
    HookRequest,
    Source,
    Suggestion,
    dump,
    parse,
)
from ldnderm.kernel.errors import InvalidInput


def test_an_empty_response_is_cards_empty_array() -> None:
    assert dump(CdsResponse()) == {"cards": []}


def test_dump_omits_null_and_empty_optional_members() -> None:
    card = Card(summary="s", indicator="info", source=Source(label="x"), links=None, detail="")
    assert dump(CdsResponse(cards=[card])) == {
        "cards": [{"summary": "s", "indicator": "info", "source": {"label": "x"}}]
    }


def test_a_summary_of_140_characters_is_refused() -> None:
    with pytest.raises(ValidationError):
        Card(summary="x" * 140, indicator="info", source=Source(label="x"))


def test_suggestions_need_a_selection_behavior() -> None:
    with pytest.raises(ValidationError, match="selectionBehavior"):
        Card(
            summary="s",
            indicator="warning",
            source=Source(label="x"),
            suggestions=[Suggestion(label="do")],
        )


def test_parse_names_the_missing_field() -> None:
    with pytest.raises(InvalidInput) as info:
        parse(HookRequest, {"hook": "order-select", "context": {}})
    assert info.value.field == "hookInstance"


def test_fhir_authorization_requires_fhir_server() -> None:
    body = {
        "hook": "patient-view",
        "hookInstance": "1",
        "context": {},
        "fhirAuthorization": {
            "access_token": "t",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "svc",
        },
    }
    with pytest.raises(InvalidInput, match="fhirServer is required"):
        parse(HookRequest, body)


def test_accepted_feedback_needs_accepted_suggestions() -> None:
    body = {
        "feedback": [
            {"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-03-02T10:00:00Z"}
        ]
    }
    with pytest.raises(InvalidInput, match="acceptedSuggestions"):
        parse(FeedbackRequest, body)

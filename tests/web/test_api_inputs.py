"""The public JSON endpoints answer any JSON with a 2xx or a 4xx, never a server error.

Hypothesis posts arbitrary JSON (any keys, brackets and dots included, any values, nested) and
documents that mix the endpoints' own keys with arbitrary values, to ``/api/v1/screen``,
``/plan``, ``/compound``, ``/measures/{id}/score`` and ``/compare``, and
``/api/v1/auth/token``, without logging in; and every calendar date from 0001 to 9999 to the
date-driven computations (plans, compounding dates, the screening date). Schemathesis
(``test_api_fuzz.py``) covers the documented schema; this covers what the schema leaves open
(``dict[str, Any]`` bodies).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldnderm import measures

pytestmark = pytest.mark.db

SETTINGS = settings(
    max_examples=80,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)

KEY = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["x[y", "[", "]", "a]", "a[0]", "a.b", "[0]", "x[99999999999999999999]"]),
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.dates().map(date.isoformat),
)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, max_size=4),
    max_leaves=12,
)


def documents(known: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects whose keys are the endpoint's own or arbitrary, with arbitrary values."""
    keys = st.one_of(st.sampled_from(known), KEY) if known else KEY
    return st.dictionaries(keys, JSON, max_size=6)


PROFILE_KEYS = [
    "as_of",
    "age",
    "birth_date",
    "sex",
    "pregnant",
    "breastfeeding",
    "conditions",
    "medications",
    "allergies",
    "hepatic",
    "renal",
    "planned_procedures",
    "opioid_use_disorder_history",
    "planned_dose_mg",
    "labs",
    "lab_values",
    "resourceType",
    "entry",
]
PLAN_KEYS = ["condition", "start", "protocol", "target_mg"]
COMPOUND_KEYS = ["dose_mg", "plan", "days", "form", "concentration_mg_ml", "storage"]
COMPOUND_KEYS += ["compounded_on"]


def post(path: str, body: Any) -> int:
    client = Client(raise_request_exception=False)
    response = client.post(path, json.dumps(body), content_type="application/json")
    return int(response.status_code)


def no_server_error(status: int) -> None:
    assert 200 <= status < 500, status


@SETTINGS
@given(st.one_of(JSON, documents(PROFILE_KEYS)))
def test_screen(db: None, body: Any) -> None:
    no_server_error(post("/api/v1/screen", body))


@SETTINGS
@given(st.one_of(JSON, documents(PLAN_KEYS)))
def test_plan(db: None, body: Any) -> None:
    no_server_error(post("/api/v1/plan", body))


@SETTINGS
@given(st.one_of(JSON, documents(COMPOUND_KEYS)))
def test_compound(db: None, body: Any) -> None:
    no_server_error(post("/api/v1/compound", body))


@SETTINGS
@given(st.sampled_from(measures.ids()), st.data())
def test_score_and_compare(db: None, measure_id: str, data: st.DataObject) -> None:
    keys = [i.key for i in measures.get(measure_id).definition.items]
    body = data.draw(st.one_of(JSON, documents(keys)))
    no_server_error(post(f"/api/v1/measures/{measure_id}/score", body))
    pair = {"baseline": body, "followup": data.draw(documents(keys))}
    no_server_error(post(f"/api/v1/measures/{measure_id}/compare", pair))


@SETTINGS
@given(st.one_of(JSON, documents(["username", "password"])))
def test_auth_token(db: None, body: Any) -> None:
    no_server_error(post("/api/v1/auth/token", body))


@pytest.mark.parametrize(
    "body",
    [
        {"x[y": 1},
        {"[": {"]": 2}},
        {"medications": [{"name": "x", "a[": 1}]},
        {"username": "u" * 300, "password": "p"},
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/screen", "/api/v1/plan", "/api/v1/auth/token"])
def test_the_reported_keys_answer_4xx(db: None, path: str, body: dict[str, Any]) -> None:
    status = post(path, body)
    assert 400 <= status < 500, status


@pytest.mark.parametrize("depth", [100, 100_000])
def test_a_body_nested_deeply_answers_4xx(db: None, depth: int) -> None:
    client = Client(raise_request_exception=False)
    body = "[" * depth + "]" * depth
    status = client.post("/api/v1/screen", body, content_type="application/json").status_code
    assert 400 <= status < 500, status


@SETTINGS
@given(st.dates(), st.sampled_from(["hailey-hailey-disease", "psoriasis", "lichen-planopilaris"]))
def test_plans_for_every_date_from_0001_to_9999(db: None, start: date, condition: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/plan",
        json.dumps({"condition": condition, "start": start.isoformat()}),
        content_type="application/json",
    )
    if 1900 <= start.year <= 2100:
        assert response.status_code in {200, 422}, response.content
    else:
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "start"]


@SETTINGS
@given(st.dates())
def test_compounding_and_screening_dates_from_0001_to_9999(db: None, day: date) -> None:
    client = Client(raise_request_exception=False)
    compounded = client.post(
        "/api/v1/compound",
        json.dumps({"dose_mg": 4.5, "days": 30, "compounded_on": day.isoformat()}),
        content_type="application/json",
    )
    screened = client.post(
        f"/api/v1/screen?as_of={day.isoformat()}", json.dumps({}), content_type="application/json"
    )
    in_range = 1900 <= day.year <= 2100
    assert compounded.status_code == (200 if in_range else 422), compounded.content
    assert screened.status_code == (200 if in_range else 422), screened.content

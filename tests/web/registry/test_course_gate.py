"""A hold or contraindicated screening stops the course start, in the API and on the page.

A hold starts only with a recorded reason per hold finding (stored on the snapshot, audited with
the user); a contraindication never starts, and a resolution naming one is refused. The preview
returns the plan only when the verdict allows it. Rule ids are read from the findings, not
assumed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ldnderm.web.accounts.models import User
from ldnderm.web.audit.models import AuditEvent
from ldnderm.web.registry.models import ScreeningSnapshot, TreatmentCourse
from tests.safety.profiles import complete
from tests.web.forms import ANSWERED_FACTS
from tests.web.registry.personas import Record, login

pytestmark = pytest.mark.db

START = "2026-02-02"
COMPLETE = complete(as_of=None, planned_dose_mg=None, sex="female", age=46)
"""Every required fact stated but the dose, which the course start takes from its plan."""
HOLD = COMPLETE | {"planned_procedures": [{"date": "2026-02-04", "description": "excision"}]}
CONTRAINDICATED = COMPLETE | {"medications": [{"name": "oxycodone"}]}
REASON = "surgeon confirmed regional anaesthesia only, no opioids planned"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def course(record: Record, profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "patient_id": record.patient.pk,
        "condition_id": "psoriasis",
        "started_on": START,
        "profile": profile,
        **extra,
    }


def rules(findings: list[dict[str, Any]], severity: str) -> list[str]:
    return [f["rule"] for f in findings if f["severity"] == severity]


class TestApi:
    def test_a_complete_profile_previews_and_starts_with_its_plan(
        self, alice: User, mine: Record
    ) -> None:
        c = login(alice)
        preview = post(c, "/api/v1/courses/preview", course(mine, COMPLETE)).json()
        assert preview["verdict"] in ("ok", "caution") and not preview["blocked"]
        assert preview["plan"]["steps"] and preview["not_checked"] == []
        started = post(c, "/api/v1/courses", course(mine, COMPLETE))
        assert started.status_code == 201, started.content
        assert started.json()["screening"]["hold_resolutions"] == []

    def test_a_hold_gives_no_plan_and_blocks_the_start_without_reasons(
        self, alice: User, mine: Record
    ) -> None:
        c = login(alice)
        preview = post(c, "/api/v1/courses/preview", course(mine, HOLD)).json()
        assert preview["verdict"] == "hold" and preview["blocked"]
        assert preview["plan"] is None
        holds = rules(preview["findings"], "hold")
        assert holds and preview["unresolved_holds"] == holds
        assert any("hold, no recorded reason" in r for r in preview["reasons"])
        before = TreatmentCourse.objects.count()
        refused = post(c, "/api/v1/courses", course(mine, HOLD))
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "hold_resolutions"]
        assert TreatmentCourse.objects.count() == before

    def test_a_reason_too_short_is_a_422_naming_it(self, alice: User, mine: Record) -> None:
        body = course(mine, HOLD, hold_resolutions=[{"rule": "x", "reason": "ok"}])
        response = post(login(alice), "/api/v1/courses", body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-3:] == ["hold_resolutions", 0, "reason"]

    def test_a_hold_resolved_with_reasons_starts_stores_and_audits_them(
        self, alice: User, mine: Record
    ) -> None:
        c = login(alice)
        holds = rules(
            post(c, "/api/v1/courses/preview", course(mine, HOLD)).json()["findings"], "hold"
        )
        resolutions = [{"rule": r, "reason": REASON} for r in holds]
        body = course(mine, HOLD, hold_resolutions=resolutions)
        preview = post(c, "/api/v1/courses/preview", body).json()
        assert not preview["blocked"] and preview["plan"]["steps"]
        started = post(c, "/api/v1/courses", body)
        assert started.status_code == 201, started.content
        snapshot = ScreeningSnapshot.objects.get(course_id=started.json()["id"])
        assert snapshot.verdict == "hold"
        assert [(r["rule"], r["reason"], r["resolved_by"]) for r in snapshot.hold_resolutions] == [
            (r, REASON, "alice") for r in holds
        ]
        event = AuditEvent.objects.get(
            action="create", object_type="course", object_id=str(started.json()["id"])
        )
        assert event.username == "alice"
        assert event.detail["hold_resolutions"] == resolutions

    def test_a_resolution_of_no_hold_finding_is_refused(self, alice: User, mine: Record) -> None:
        body = course(mine, HOLD, hold_resolutions=[{"rule": "not-a-finding", "reason": REASON}])
        response = post(login(alice), "/api/v1/courses/preview", body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "hold_resolutions", 0, "rule"]

    def test_a_contraindication_gives_no_plan_and_never_starts(
        self, alice: User, mine: Record
    ) -> None:
        c = login(alice)
        preview = post(c, "/api/v1/courses/preview", course(mine, CONTRAINDICATED)).json()
        assert preview["verdict"] == "contraindicated" and preview["plan"] is None
        contraindications = rules(preview["findings"], "contraindicated")
        assert preview["contraindications"] == contraindications
        assert any(r.startswith("contraindicated:") for r in preview["reasons"])
        before = TreatmentCourse.objects.count()
        refused = post(c, "/api/v1/courses", course(mine, CONTRAINDICATED))
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "profile"]
        override = [{"rule": contraindications[0], "reason": REASON}]
        body = course(mine, CONTRAINDICATED, hold_resolutions=override)
        for url in ("/api/v1/courses", "/api/v1/courses/preview"):
            response = post(c, url, body)
            assert response.status_code == 422
            detail = response.json()["detail"][0]
            assert detail["loc"] == ["body", "hold_resolutions", 0, "rule"]
            assert "cannot be overridden" in detail["msg"]
        assert TreatmentCourse.objects.count() == before


FORM = {"condition_id": "psoriasis", "started_on": START, **ANSWERED_FACTS}


class TestPage:
    def url(self, record: Record) -> str:
        return f"/registry/patients/{record.patient.pk}/courses/new/"

    def test_the_form_asks_each_fact_with_not_known_as_the_default(
        self, alice: User, mine: Record
    ) -> None:
        text = login(alice).get(self.url(mine)).content.decode()
        assert "takes no medicines" in text and "none known" in text
        assert 'name="pregnant" value="" id="id_pregnant_0" checked' in text

    def test_an_unanswered_form_lists_what_was_not_checked(self, alice: User, mine: Record) -> None:
        data = {"condition_id": "psoriasis", "started_on": START, "preview": "1"}
        text = login(alice).post(self.url(mine), data).content.decode()
        assert 'id="not-checked"' in text and "current or recent medicines" in text

    def test_a_contraindication_shows_no_plan_and_no_start(self, alice: User, mine: Record) -> None:
        data = FORM | {"medications_status": "listed", "medications": "oxycodone", "preview": "1"}
        text = login(alice).post(self.url(mine), data).content.decode()
        assert "verdict-contraindicated" in text and "cannot be overridden" in text
        assert "Proposed plan" not in text and "Start this course" not in text
        assert "resolve__" not in text

    def test_a_hold_asks_for_reasons_then_shows_the_plan_then_starts(
        self, alice: User, mine: Record
    ) -> None:
        c = login(alice)
        surgery = {"procedures_status": "listed", "planned_procedures": "2026-02-04 | excision"}
        data = FORM | surgery | {"preview": "1"}
        text = c.post(self.url(mine), data).content.decode()
        assert "verdict-hold" in text and "Proposed plan" not in text
        assert "Start this course" not in text
        fields = [p.split('"')[0] for p in text.split('name="resolve__')[1:]]
        assert fields
        short = c.post(self.url(mine), data | {f"resolve__{r}": "short" for r in fields})
        assert "at least 15 characters" in short.content.decode()
        reasons = {f"resolve__{r}": REASON for r in fields}
        text = c.post(self.url(mine), data | reasons).content.decode()
        assert "Proposed plan" in text and "Start this course" in text and REASON in text
        confirm = {k: v for k, v in data.items() if k != "preview"} | reasons | {"confirm": "1"}
        response = c.post(self.url(mine), confirm)
        assert response.status_code == 302
        snapshot = ScreeningSnapshot.objects.filter(verdict="hold").get()
        assert {r["rule"] for r in snapshot.hold_resolutions} == set(fields)

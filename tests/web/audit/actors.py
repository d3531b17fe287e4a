"""An audit actor for tests that call services directly, outside any request."""

from __future__ import annotations

from ldnderm.web.audit.log import Actor

ACTOR = Actor(user_id=None, username="tester", clinic_id=None, request_id="t1", path="/test")

"""The hash chain over audit rows, as pure functions (no Django, no database).

Each row stores three hashes (SHA-256, hex):

* ``detail_hash`` of its ``detail`` (the audited values, which may hold PHI);
* ``content_hash`` of its canonical content: every column but the hashes and ``detail``, with
  ``detail_hash`` standing in for ``detail``;
* ``chain_hash`` = sha256(previous row's ``chain_hash`` + ``content_hash``), the first row's
  predecessor being :data:`GENESIS`.

Because ``detail`` enters the chain only through ``detail_hash``, erasing a person can replace
``detail`` with a :func:`tombstone` and every hash still verifies; every other column stays
covered. Canonical JSON: sorted keys, no spaces, UTF-8, no NaN.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
"""The ``chain_hash`` before the first row."""

CONTENT_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "clinic_id",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "request_id",
    "path",
    "ip",
    "detail_hash",
)
"""The columns a row's ``content_hash`` covers, in the canonical JSON's keys."""


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON; raises ValueError/TypeError for what JSON cannot hold."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plain_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """``detail`` as the database will give it back (tuples become lists, and so on)."""
    loaded: dict[str, Any] = json.loads(canonical_json(dict(detail)))
    return loaded


def detail_hash(detail: Mapping[str, Any]) -> str:
    return sha256(canonical_json(dict(detail)))


def timestamp(at: dt.datetime) -> str:
    """``at`` in UTC with microseconds: the form both databases give back."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def content_hash(row: Mapping[str, Any]) -> str:
    """The hash of a row's content; ``row`` maps every name in :data:`CONTENT_FIELDS`."""
    content = {name: row[name] for name in CONTENT_FIELDS}
    content["at"] = timestamp(content["at"])
    return sha256(canonical_json(content))


def chain_hash(previous: str, content: str) -> str:
    return sha256(previous + content)


def client_ip(remote_addr: object) -> str:
    """The client address in one normal form (``""`` when absent or not an address)."""
    try:
        return ipaddress.ip_address(str(remote_addr).strip()).compressed
    except ValueError:
        return ""


def tombstone(reason: str, at: dt.datetime, by: str) -> dict[str, Any]:
    """What replaces an erased row's ``detail``."""
    return {"erased": True, "reason": reason, "at": timestamp(at), "by": by}


def is_tombstone(detail: object) -> bool:
    return isinstance(detail, dict) and detail.get("erased") is True

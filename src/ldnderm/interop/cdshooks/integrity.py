"""Is what arrived under a prefetch key what the key asked for?

A prefetch key (or a fetched query) holds either the resource a read asks for
(``Patient/{{context.patientId}}`` -> a Patient) or the search-set Bundle a search asks for
(``MedicationRequest?...`` -> a Bundle). Anything else cannot be read as "no data":

- an OperationOutcome (the EHR's query failed), or another resource type than expected;
- a Bundle with a ``link`` of relation ``next``: only the first page arrived;
- a search Bundle holding an OperationOutcome entry with an error or fatal issue.

:func:`problems` names each such key with the reason. It only reads; deciding what to do
(fetch again, 412, or a warning) is :mod:`ldnderm.interop.cdshooks.services`' job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TYPE = re.compile(r"^\s*/?([A-Z][A-Za-z]+)([/?]|$)")
_FAILED = {"error", "fatal"}


def expected_type(template: str) -> tuple[str, bool] | None:
    """``(resource type, is_search)`` of a prefetch template, ``None`` when it cannot be told.

    ``Patient/{{context.patientId}}`` -> ``("Patient", False)``;
    ``MedicationRequest?patient=...`` -> ``("MedicationRequest", True)``.
    """
    match = _TYPE.match(template)
    if match is None:
        return None
    return match.group(1), match.group(2) != "/"


def problem(value: Any, template: str) -> str | None:
    """Why ``value`` (one prefetch key's content) cannot be read as the answer to ``template``.

    ``None`` (the query found nothing) and a good answer give ``None``.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return "is not a FHIR resource"
    kind = value.get("resourceType")
    if kind == "OperationOutcome":
        return f"holds an OperationOutcome{_diagnostics(value)} instead of data"
    expected = expected_type(template)
    if expected is None:
        return None
    wanted, is_search = expected
    if is_search:
        if kind != "Bundle":
            return f"holds a {kind or 'resource without resourceType'}, not the Bundle expected"
        return _bundle_problem(value)
    if kind == "Bundle":  # a read answered as a one-entry search set
        return _bundle_problem(value)
    if kind != wanted:
        return f"holds a {kind or 'resource without resourceType'}, not the {wanted} expected"
    return None


def problems(data: Mapping[str, Any], templates: Mapping[str, str]) -> dict[str, str]:
    """``{key: reason}`` for every key of ``data`` whose content cannot be read (see above)."""
    found = {}
    for key, value in data.items():
        reason = problem(value, templates.get(key, ""))
        if reason is not None:
            found[key] = reason
    return found


def _bundle_problem(bundle: Mapping[str, Any]) -> str | None:
    for link in bundle.get("link") or ():
        if isinstance(link, Mapping) and link.get("relation") == "next":
            return "is a Bundle with a next link: only its first page arrived"
    for entry in bundle.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "OperationOutcome":
            continue
        issues = [i for i in resource.get("issue") or () if isinstance(i, Mapping)]
        if any(i.get("severity") in _FAILED for i in issues):
            return f"holds an OperationOutcome entry{_diagnostics(resource)}: the search failed"
    return None


def _diagnostics(outcome: Mapping[str, Any]) -> str:
    for issue in outcome.get("issue") or ():
        if isinstance(issue, Mapping):
            text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
            if isinstance(text, str) and text.strip():
                return f" ({' '.join(text.split())[:120]})"
    return ""

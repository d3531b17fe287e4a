"""Optimistic concurrency for registry records.

Every mutable record carries ``version``, raised by one on each change. A change names the
version it was made on (:class:`Expected`); the write is a compare-and-set in the database
(``UPDATE ... SET ..., version = version + 1 WHERE id = ? AND version = ?``, after a
``SELECT ... FOR UPDATE`` where the backend has one), so two writers that read the same version
cannot both succeed: the second gets :class:`StaleVersion`, which carries the record as it now
stands and the fields that differ from what the writer saw.

Doors say where the version came from, because HTTP answers differently: a stale ``If-Match``
header is 412 Precondition Failed, a stale ``version`` field 409 Conflict, and no version at all
428 Precondition Required (:class:`VersionRequired`). Pages send the version as a hidden field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.db.models import F

from ldnderm.kernel.errors import LdnDermError
from ldnderm.web.registry.models import Versioned

M = TypeVar("M", bound=Versioned)

Via = Literal["if-match", "field"]


@dataclass(frozen=True)
class Expected:
    """The version a change was made on, and how the caller sent it."""

    version: int
    via: Via = "field"


class VersionRequired(LdnDermError):
    """A change that names no version (HTTP 428)."""

    def __init__(self) -> None:
        super().__init__(
            "version: required; send the record's version as an If-Match header "
            '(If-Match: "<version>", the ETag of GET) or as a "version" field'
        )


class StaleVersion(LdnDermError):
    """The record changed since the caller read it (HTTP 409 for a field, 412 for If-Match).

    ``current`` is the record as it now stands (``None`` when it was deleted meanwhile);
    ``changed`` maps each field the caller wrote to ``(their value, current value)``.
    """

    def __init__(
        self,
        expected: Expected,
        current: Versioned | None,
        changed: dict[str, tuple[Any, Any]] | None = None,
    ) -> None:
        self.expected = expected
        self.current = current
        self.changed = dict(changed or {})
        now = None if current is None else current.version
        state = "was deleted" if current is None else f"is now at version {now}"
        super().__init__(
            f"version: {expected.version} is stale; the record {state}. "
            "Reload it, check the current values and make the change again."
        )


ETAG = re.compile(r'^\s*"(\d{1,18})"\s*$')


def etag(obj: Versioned) -> str:
    """The strong ETag of a record: its version in quotes, ``"3"``."""
    return f'"{obj.version}"'


def expected_from(if_match: str | None, field: int | None) -> Expected | None:
    """The version a request names: the ``If-Match`` header (a strong ETag, ``"3"``) first, else
    the ``version`` field; ``None`` when neither is sent (the service answers VersionRequired
    after its own checks of role and input). A weak (``W/"3"``), listed or ``*`` validator is
    no version (RFC 9110 compares If-Match strongly): VersionRequired at once."""
    if if_match is not None and if_match.strip():
        found = ETAG.match(if_match)
        if found is None:
            raise VersionRequired()
        return Expected(int(found.group(1)), "if-match")
    if field is not None:
        return Expected(field, "field")
    return None


def required(expected: Expected | None) -> Expected:
    """``expected``, or VersionRequired when the change named no version."""
    if expected is None:
        raise VersionRequired()
    return expected


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def locked(model: type[M], pk: Any, expected: Expected | None, wanted: dict[str, Any]) -> M:
    """The row as it stands, locked for this transaction where the backend can; StaleVersion
    (with what differs from ``wanted``) when its version is not the expected one, and
    VersionRequired when no version was named."""
    expected = required(expected)
    current = model._default_manager.select_for_update().filter(pk=pk).first()
    if current is None or current.version != expected.version:
        raise stale(model, pk, expected, wanted, current)
    return current


def stale(
    model: type[Versioned],
    pk: Any,
    expected: Expected,
    wanted: dict[str, Any],
    current: Versioned | None = None,
) -> StaleVersion:
    """The StaleVersion for ``pk``: re-read unless given, and the fields that differ."""
    if current is None:
        current = model._default_manager.filter(pk=pk).first()
    changed = {}
    if current is not None:
        for name, value in wanted.items():
            now = getattr(current, name, None)
            if now != value:
                changed[name] = (_plain(value), _plain(now))
    return StaleVersion(expected, current, changed)


def compare_and_set(obj: M, expected: Expected, fields: dict[str, Any]) -> M:
    """Write ``fields`` to ``obj``'s row and raise its version, only if the row is still at
    ``expected`` (one ``UPDATE ... WHERE id = ? AND version = ?``); StaleVersion otherwise.
    Call inside the transaction that audits the change."""
    model = type(obj)
    done = model._default_manager.filter(pk=obj.pk, version=expected.version).update(
        **fields, version=F("version") + 1
    )
    if done != 1:
        raise stale(model, obj.pk, expected, fields)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = expected.version + 1
    return obj

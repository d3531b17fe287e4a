"""The whole exception tree of the ldnderm domain.

::

    LdnDermError                 base of every domain error
    ├── InvalidInput             bad input; names the field (CLI exit 2, HTTP 422)
    ├── NotFound                 an unknown id (measure, condition, study...) (CLI exit 2, HTTP 404)
    └── KnowledgeDataError       the shipped knowledge base fails its schema (a program fault)

A result that is valid but cannot be computed (for example two unanswered DLQI items) is *not*
an error: it is a value with ``computable=False`` and a reason. Exceptions are for broken input
or program faults only. The CLI and the HTTP API each map this tree in exactly one place.
"""

from __future__ import annotations

from collections.abc import Sequence


class LdnDermError(Exception):
    """Base class of every error raised by the ldnderm domain."""


class InvalidInput(LdnDermError):
    """Input that breaks the contract of a domain function.

    Attributes
    ----------
    field:
        Dotted path of the offending key, e.g. ``"q7"`` or ``"days[2].am.itch"``; ``""`` for the
        whole document.
    problem:
        What is wrong, in a few words.
    allowed:
        The values that would have been accepted, in words, or ``None``.
    """

    def __init__(self, field: str, problem: str, allowed: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.allowed = allowed
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.field or "input"
        text = f"{where}: {self.problem}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text

    @property
    def path(self) -> list[str | int]:
        """The field as a list of keys and indexes, for HTTP ``loc`` arrays."""
        parts: list[str | int] = []
        for chunk in self.field.replace("]", "").split("."):
            if not chunk:
                continue
            name, *indexes = chunk.split("[")
            if name:
                parts.append(name)
            parts.extend(int(i) for i in indexes)
        return parts


class NotFound(LdnDermError):
    """An id that names nothing the knowledge base or registry knows.

    ``suggestions`` holds close matches, best first, for the message.
    """

    def __init__(self, kind: str, key: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.key = key
        self.suggestions = list(suggestions)
        message = f"unknown {kind} {key!r}"
        if self.suggestions:
            message += f"; did you mean: {', '.join(self.suggestions)}?"
        super().__init__(message)


class KnowledgeDataError(LdnDermError):
    """The knowledge-base data files do not satisfy their schema (a fault in shipped data)."""

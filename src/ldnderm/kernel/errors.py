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

MAX_INDEX_DIGITS = 18


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
        """The field as a list of keys and indexes, for HTTP ``loc`` arrays.

        ``days[2].am`` is ``["days", 2, "am"]``. Only a trailing ``[digits]`` is an index: any
        other bracket belongs to the key, so a key such as ``x[y`` (JSON keys are arbitrary
        text) stays ``"x[y"``."""
        parts: list[str | int] = []
        for chunk in self.field.split("."):
            name, indexes = _split_indexes(chunk)
            if name:
                parts.append(name)
            parts.extend(indexes)
        return parts


def _split_indexes(chunk: str) -> tuple[str, list[int]]:
    """``"days[2][0]"`` -> ``("days", [2, 0])``; brackets that are not a trailing ``[digits]``
    stay part of the name (linear in the length of ``chunk``)."""
    indexes: list[int] = []
    end = len(chunk)
    while end and chunk[end - 1] == "]":
        start = chunk.rfind("[", 0, end - 1)
        digits = chunk[start + 1 : end - 1]
        if start < 0 or len(digits) > MAX_INDEX_DIGITS:
            break
        if not (digits.isascii() and digits.isdigit()):
            break
        indexes.append(int(digits))
        end = start
    return chunk[:end], indexes[::-1]


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

"""Lichen Planopilaris Activity Index (Chiang et al. 2010): components stored, no total.

Input (a missing key or ``null`` is unanswered):

- ``pruritus``, ``pain``, ``burning`` (symptoms) and ``scalp_erythema``,
  ``perifollicular_erythema``, ``perifollicular_scale`` (signs): 0-3 each (none, mild, moderate,
  severe).
- ``pull_test``: the anagen pull test, ``true``/``false`` or ``"positive"``/``"negative"``
  (stored as ``"positive"``/``"negative"``).
- ``spreading``: ``"none"``, ``"indeterminate"`` or ``"spreading"``.

:meth:`Lppai.score` validates the components and always answers not computable with reason
"formula not verified": the only formula found is one open-source calculator's, not checked
against Chiang 2010. That candidate formula is recorded, with its status, in
``data/measures/lppai.yaml`` for reviewers and is never applied. There is no compare.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.kernel.errors import InvalidInput
from ldnderm.measures.base import Measure
from ldnderm.measures.model import ScoreResult

SYMPTOMS = ("pruritus", "pain", "burning")
SIGNS = ("scalp_erythema", "perifollicular_erythema", "perifollicular_scale")
KEYS = (*SYMPTOMS, *SIGNS, "pull_test", "spreading")
PULL_TEST = ("positive", "negative")
SPREADING = ("none", "indeterminate", "spreading")

REASON = (
    "formula not verified: the LPPAI weights and range come from a single open-source "
    "calculator and have not been confirmed from Chiang 2010, so no total is computed"
)


class Lppai(Measure):
    id: ClassVar[str] = "lppai"
    scorable: ClassVar[bool] = False

    def score(self, responses: Any) -> ScoreResult:
        return self.not_computable(REASON, read(responses))


def read(responses: Any) -> dict[str, Any]:
    """Validate an LPPAI document; unanswered components are ``None`` and listed under
    ``unanswered``."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, KEYS)
    out: dict[str, Any] = {}
    unanswered: list[str] = []
    for key in KEYS:
        value = readers.get(data, key)
        if value is readers.MISSING:
            out[key] = None
            unanswered.append(key)
        elif key == "pull_test":
            out[key] = pull_test(value)
        elif key == "spreading":
            out[key] = choice(value, key, SPREADING)
        else:
            out[key] = readers.integer(value, key, 0, 3)
    out["unanswered"] = unanswered
    return out


def pull_test(value: Any) -> str:
    """``"positive"`` or ``"negative"`` from a boolean or either word."""
    if isinstance(value, bool):
        return "positive" if value else "negative"
    return choice(value, "pull_test", PULL_TEST, "true, false, ")


def choice(value: Any, field: str, choices: Collection[str], prefix: str = "") -> str:
    """One of the string ``choices``, exactly as spelt."""
    if isinstance(value, str) and value in choices:
        return value
    allowed = prefix + " or ".join(f'"{c}"' for c in choices)
    raise InvalidInput(field, f"unexpected value {value!r}", allowed)

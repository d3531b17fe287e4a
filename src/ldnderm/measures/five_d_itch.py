"""5-D Itch Scale (Elman et al. 2010): components stored, no total.

Input (a missing key or ``null`` is unanswered):

- ``duration``, ``degree``, ``direction``: 1-5 each (the item value is the domain score).
- ``disability``: ``{"sleep": 1-5, "leisure_social": 1-5 or "na", "housework_errands": 1-5 or
  "na", "work_school": 1-5 or "na"}``. Sleep has no N/A option on the published form.
- ``distribution``: either a list of the body-site codes where itch was present (each at most
  once; see :data:`SITES`, the 16 locations of the form) or the number of such sites, 0-16.

:meth:`FiveDItch.score` validates the components and always answers not computable with reason
"formula not verified": how the number of sites maps to the 1-5 distribution score, and how the
four disability items (and N/A) combine into the disability domain, have not been confirmed from
Elman 2010. The validated components are returned in ``details`` so they can be stored. There is
no compare. Sources and verification status are in ``data/measures/five-d-itch.yaml``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.kernel.errors import InvalidInput
from ldnderm.measures.base import Measure
from ldnderm.measures.model import ScoreResult

SINGLE_ITEMS = ("duration", "degree", "direction")
KEYS = (*SINGLE_ITEMS, "disability", "distribution")
DISABILITY_ITEMS = ("sleep", "leisure_social", "housework_errands", "work_school")
NA_ALLOWED = frozenset({"leisure_social", "housework_errands", "work_school"})
SITES = (
    "head_scalp",
    "face",
    "chest",
    "abdomen",
    "back",
    "buttocks",
    "thighs",
    "lower_legs",
    "tops_of_feet_toes",
    "soles",
    "palms",
    "tops_of_hands_fingers",
    "forearms",
    "upper_arms",
    "points_of_contact_with_clothing",
    "groin",
)
"""The 16 distribution locations of the published form, as codes."""

REASON = (
    "formula not verified: the 5-D distribution score (number of body sites to 1-5) and the "
    "disability domain rule (how the four items and N/A combine) are not confirmed from "
    "Elman 2010, so no domain total is computed"
)


class FiveDItch(Measure):
    id: ClassVar[str] = "five-d-itch"
    scorable: ClassVar[bool] = False

    def score(self, responses: Any) -> ScoreResult:
        return self.not_computable(REASON, read(responses))


def read(responses: Any) -> dict[str, Any]:
    """Validate a 5-D document; returns its components with unanswered ones as ``None`` and
    their paths listed under ``unanswered``."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, KEYS)
    unanswered: list[str] = []
    out: dict[str, Any] = {}
    for key in SINGLE_ITEMS:
        value = readers.get(data, key)
        if value is readers.MISSING:
            out[key] = None
            unanswered.append(key)
        else:
            out[key] = readers.integer(value, key, 1, 5)
    out["disability"] = read_disability(readers.get(data, "disability"), unanswered)
    sites, count = read_distribution(readers.get(data, "distribution"), unanswered)
    out["distribution_sites"] = sites
    out["distribution_count"] = count
    out["unanswered"] = unanswered
    return out


def read_disability(value: Any, unanswered: list[str]) -> dict[str, int | str | None]:
    items: dict[str, int | str | None] = dict.fromkeys(DISABILITY_ITEMS)
    if value is readers.MISSING:
        unanswered.extend(readers.join("disability", k) for k in DISABILITY_ITEMS)
        return items
    data = readers.as_object(value, "disability")
    readers.reject_unknown(data, DISABILITY_ITEMS, "disability")
    for key in DISABILITY_ITEMS:
        field = readers.join("disability", key)
        item = readers.get(data, key)
        if item is readers.MISSING:
            unanswered.append(field)
        elif key in NA_ALLOWED:
            items[key] = readers.choice_or_integer(item, field, ("na",), 1, 5)
        else:
            items[key] = readers.integer(item, field, 1, 5)
    return items


def read_distribution(value: Any, unanswered: list[str]) -> tuple[list[str] | None, int | None]:
    """The affected sites (when given as a list) and their number."""
    if value is readers.MISSING:
        unanswered.append("distribution")
        return None, None
    if not isinstance(value, list):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(
                "distribution",
                "expected a list of body-site codes or a count",
                f"a list of distinct codes from {', '.join(SITES)}, or an integer 0-16",
            )
        return None, readers.integer(value, "distribution", 0, len(SITES))
    sites: list[str] = []
    for index, site in enumerate(value):
        field = readers.join("distribution", index)
        if site not in SITES:
            raise InvalidInput(field, f"unknown body site {site!r}", ", ".join(SITES))
        if site in sites:
            raise InvalidInput(field, f"{site!r} is listed twice", "each site at most once")
        sites.append(site)
    return sites, len(sites)

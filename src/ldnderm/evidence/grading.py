"""The evidence grade of a condition, computed from its studies (never typed by hand).

The rule, a simplified GRADE-style certainty rating (it rates how sure we can be, not how well
naltrexone works; the direction is reported beside it):

1. **Count** only primary studies of naltrexone with a result that was seen: reviews, systematic
   reviews and trial registrations are context (the reviews found pool the same small studies, so
   counting them would count the patients twice); studies of another agent (naloxone) or another
   population (``indirect``) and studies whose result was not seen are left out. No counted study
   gives ``none``: "no primary naltrexone study was found".
2. **Start** from the best design among the counted studies: a randomised controlled trial starts
   at ``high``; a non-randomised or prospective open-label trial at ``low``; a retrospective
   review, case series or case report at ``very_low``.
3. **Imprecision** (trials only; series and reports already start at the floor): when the studies
   of the best design enrolled fewer than 100 patients in total, go down one level; fewer than
   50, two levels.
4. **Inconsistency**: when the studies of the best design disagree in direction (or one of them
   is mixed), go down one level.
5. Levels never fall below ``very_low``. The direction of the best evidence is reported with the
   grade: all best-design studies agreeing give their direction, otherwise ``mixed``.

The thresholds follow the spirit of GRADE's imprecision and inconsistency domains; they are a
product decision of this project, written here so that anyone can recompute a grade by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ldnderm.evidence.models import Design, Direction, Study

GradeLevel = Literal["high", "moderate", "low", "very_low", "none"]

LEVELS: tuple[GradeLevel, ...] = ("very_low", "low", "moderate", "high")
"""Levels a counted body of evidence can take, lowest first."""

START: dict[Design, GradeLevel] = {
    "rct": "high",
    "nonrandomised_trial": "low",
    "prospective_open_label": "low",
    "retrospective": "very_low",
    "case_series": "very_low",
    "case_report": "very_low",
}
"""Starting level by design, for the primary designs that count."""

DESIGN_RANK: dict[Design, int] = {
    "rct": 6,
    "nonrandomised_trial": 5,
    "prospective_open_label": 4,
    "retrospective": 3,
    "case_series": 2,
    "case_report": 1,
    "systematic_review": 0,
    "review": 0,
    "trial_registration": 0,
}
"""Strength of a design for choosing the "best design"; reviews and registrations rank 0."""

DESIGN_LABELS: dict[Design, str] = {
    "systematic_review": "systematic review",
    "rct": "randomised controlled trial",
    "nonrandomised_trial": "non-randomised trial",
    "prospective_open_label": "prospective open-label study",
    "retrospective": "retrospective study",
    "case_series": "case series",
    "case_report": "case report",
    "review": "review or commentary",
    "trial_registration": "trial registration",
}

SERIOUS_IMPRECISION = 100
VERY_SERIOUS_IMPRECISION = 50


@dataclass(frozen=True)
class Grade:
    """A computed evidence grade.

    Attributes
    ----------
    level:
        ``high`` | ``moderate`` | ``low`` | ``very_low`` | ``none``.
    reasons:
        Why, one sentence per rule step that applied, in order.
    counted:
        Ids of the studies the grade was computed from.
    best_design:
        The strongest design among counted studies (``None`` when nothing counted).
    direction:
        Direction of the best-design studies (``None`` when nothing counted).
    """

    level: GradeLevel
    reasons: tuple[str, ...]
    counted: tuple[str, ...]
    best_design: Design | None
    direction: Direction | None

    @property
    def reason(self) -> str:
        """The reasons as one paragraph."""
        return " ".join(self.reasons)


def excluded_because(study: Study) -> str | None:
    """Why a study is not counted towards the grade, or ``None`` when it counts."""
    if not study.primary:
        return f"{DESIGN_LABELS[study.design]}, not a primary study"
    if study.agent != "naltrexone":
        return f"studies {study.agent}, not naltrexone"
    if study.indirect:
        return f"indirect: {study.indirect}"
    if study.direction is None:
        return "its result was not seen"
    return None


def grade(studies: Iterable[Study]) -> Grade:
    """Compute the evidence grade of a body of studies by the rule in the module docstring.

    Parameters
    ----------
    studies:
        The studies listed for one condition, in any order; non-counting ones are allowed and are
        named in the reasons.

    Returns
    -------
    Grade
        Never raises for valid :class:`Study` values.
    """
    pool = list(studies)
    counted = [s for s in pool if excluded_because(s) is None]
    skipped = [s for s in pool if s not in counted]
    reasons: list[str] = []
    if not counted:
        reasons.append("No primary study of naltrexone with a reported result was found.")
        if skipped:
            reasons.append(
                "Not counted: "
                + "; ".join(f"{s.label} ({excluded_because(s)})" for s in skipped)
                + "."
            )
        return Grade("none", tuple(reasons), (), None, None)

    best_rank = max(DESIGN_RANK[s.design] for s in counted)
    best = [s for s in counted if DESIGN_RANK[s.design] == best_rank]
    best_design = best[0].design
    level_index = LEVELS.index(START[best_design])
    label = DESIGN_LABELS[best_design]
    reasons.append(
        f"Best design: {label} ({len(best)} {'study' if len(best) == 1 else 'studies'}), "
        f"which starts at {START[best_design].replace('_', ' ')}."
    )

    if START[best_design] != "very_low":
        total = sum(s.n or 0 for s in best)
        if total < VERY_SERIOUS_IMPRECISION:
            level_index -= 2
            reasons.append(f"Down two levels: only {total} patients in total (fewer than 50).")
        elif total < SERIOUS_IMPRECISION:
            level_index -= 1
            reasons.append(f"Down one level: only {total} patients in total (fewer than 100).")

    directions = {s.direction for s in best if s.direction is not None}
    direction: Direction
    if len(directions) > 1 or "mixed" in directions:
        direction = "mixed"
        floor = " (already at the floor)" if level_index <= 0 else ""
        reasons.append(f"Down one level: the best studies disagree or report mixed results{floor}.")
        level_index -= 1
    else:
        direction = directions.pop()

    level = LEVELS[max(level_index, 0)]
    reasons.append(f"Direction of the best evidence: {direction}.")
    lower = [s for s in counted if s not in best]
    if lower and any(s.direction != direction for s in lower):
        reasons.append(
            "Weaker studies point elsewhere ("
            + ", ".join(f"{s.label}: {s.direction}" for s in lower if s.direction != direction)
            + "); they cannot outweigh the better design."
        )
    if skipped:
        reasons.append(
            "Not counted: " + "; ".join(f"{s.label} ({excluded_because(s)})" for s in skipped) + "."
        )
    return Grade(level, tuple(reasons), tuple(s.id for s in counted), best_design, direction)

"""Certainty of the evidence for a condition, GRADE-style, kept apart from its direction.

GRADE rates a *body of evidence for one outcome*. Each condition names its key outcome and the
primary naltrexone studies that report it (``certainty`` in ``data/conditions/<id>.yaml``, with
the use in question: population, dose and outcome). From those, this module computes:

1. **Start** from the best design among the studies: a randomised controlled trial starts at
   ``high``; an observational design (non-randomised or prospective open-label trial) at ``low``;
   a retrospective practice series, case series or case report at ``very_low``.
2. **Rate down** by the five recorded judgements, in GRADE's order: risk of bias,
   inconsistency, indirectness (population, dose or outcome other than the use in question),
   imprecision and publication bias; each 0, 1 or 2 levels, each with a reason naming the studies.
   Levels never fall below ``very_low``. (GRADE's rating *up* for large effects applies to
   observational bodies with large, consistent effects; none of the bodies here has one, so it
   is not modelled.)
3. **None** is not a GRADE level: it says that no primary study of naltrexone reporting the key
   outcome exists, and pages show it as "no evidence".

**Direction** is its own value, from the results of the best-design studies: ``benefit`` when
they all found benefit, ``no_benefit`` when they all found no difference, ``harm`` when they all
found harm, otherwise ``mixed``. A certain null is evidence that naltrexone does not help, never
support for it.

Checks (a failure is a fault in the data): every counted study is a primary naltrexone study with
a seen result; every study named by a judgement belongs to the condition; a body that starts
``high`` is rated down for imprecision at least one level when its trials enrolled fewer than
100 patients in total, and two when fewer than 50 (this project's floor for imprecision, so a
small trial can never read as high certainty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ldnderm.evidence.models import Condition, Design, Judgement, Study

GradeLevel = Literal["high", "moderate", "low", "very_low", "none"]
BodyDirection = Literal["benefit", "no_benefit", "mixed", "harm"]
DesignGroup = Literal["rct", "observational", "case_series", "case_report"]

LEVELS: tuple[GradeLevel, ...] = ("very_low", "low", "moderate", "high")
"""Levels a body of evidence can take, lowest first."""

GROUP_OF: dict[Design, DesignGroup] = {
    "rct": "rct",
    "nonrandomised_trial": "observational",
    "prospective_open_label": "observational",
    "retrospective": "case_series",
    "case_series": "case_series",
    "case_report": "case_report",
}
"""The GRADE design group of each primary design."""

START: dict[DesignGroup, GradeLevel] = {
    "rct": "high",
    "observational": "low",
    "case_series": "very_low",
    "case_report": "very_low",
}
"""Starting level by design group."""

GROUP_RANK: dict[DesignGroup, int] = {
    "rct": 4,
    "observational": 3,
    "case_series": 2,
    "case_report": 1,
}

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

DOMAIN_LABELS: dict[str, str] = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}

STUDY_DIRECTION: dict[str, BodyDirection] = {
    "positive": "benefit",
    "null": "no_benefit",
    "negative": "harm",
    "mixed": "mixed",
}
"""A study's finding as the direction of a body of evidence."""

SERIOUS_IMPRECISION = 100
VERY_SERIOUS_IMPRECISION = 50


@dataclass(frozen=True)
class Grade:
    """The computed certainty and direction of one condition's evidence.

    Attributes
    ----------
    level:
        ``high`` | ``moderate`` | ``low`` | ``very_low`` | ``none`` (no primary study).
    direction:
        ``benefit`` | ``no_benefit`` | ``mixed`` | ``harm``; ``None`` when the level is ``none``.
    key_outcome:
        The outcome rated, in words.
    reasons:
        One sentence per step (start, each rating down, direction), naming the studies.
    counted:
        Ids of the studies rated.
    best_design:
        The best design group among them (``None`` for ``none``).
    designs:
        How many counted studies of each design group.
    """

    level: GradeLevel
    direction: BodyDirection | None
    key_outcome: str
    reasons: tuple[str, ...]
    counted: tuple[str, ...]
    best_design: DesignGroup | None
    designs: Mapping[DesignGroup, int]

    @property
    def reason(self) -> str:
        """The reasons as one paragraph."""
        return " ".join(self.reasons)


def excluded_because(study: Study) -> str | None:
    """Why a study cannot be rated as evidence on naltrexone, or ``None`` when it can."""
    if not study.primary:
        return f"{DESIGN_LABELS[study.design]}, not a primary study"
    if study.agent != "naltrexone":
        return f"studies {study.agent}, not naltrexone"
    if study.direction is None:
        return "its result was not seen"
    return None


def grade(condition: Condition, studies: Mapping[str, Study]) -> Grade:
    """Rate ``condition``'s evidence for its key outcome by the rule in the module docstring.

    Raises
    ------
    ValueError
        When the condition's appraisal breaks a check (a data fault): a study that cannot be
        rated, a judgement naming a study of another condition, too little imprecision.
    """
    appraisal = condition.certainty
    _check_names(condition)
    counted = [studies[s] for s in appraisal.studies]
    for study in counted:
        why = excluded_because(study)
        if why is not None:
            raise ValueError(f"{condition.id}: {study.id} cannot be rated ({why})")
    if not counted:
        if any(j.down for _, j in appraisal.judgements()):
            raise ValueError(f"{condition.id}: no study is rated, so nothing can be rated down")
        return Grade(
            "none",
            None,
            appraisal.key_outcome,
            ("No primary study of naltrexone reporting this outcome was found.",),
            (),
            None,
            {},
        )

    designs: dict[DesignGroup, int] = {}
    for study in counted:
        group = GROUP_OF[study.design]
        designs[group] = designs.get(group, 0) + 1
    best = max(designs, key=GROUP_RANK.__getitem__)
    best_studies = [s for s in counted if GROUP_OF[s.design] == best]
    start = START[best]
    _check_imprecision(condition.id, start, best_studies, appraisal.imprecision)

    reasons = [
        f"Starts at {start.replace('_', ' ')}: the best design is "
        f"{_count(len(best_studies), DESIGN_LABELS[best_studies[0].design])} "
        f"({_labels(best_studies)})."
    ]
    index = LEVELS.index(start)
    for domain, judgement in appraisal.judgements():
        if judgement.down:
            index -= judgement.down
            named = _labels([studies[s] for s in judgement.studies])
            step = "one level" if judgement.down == 1 else "two levels"
            reason = (judgement.reason or "").rstrip(".")
            reasons.append(f"{DOMAIN_LABELS[domain]}, down {step}: {reason} ({named}).")
    level = LEVELS[max(index, 0)]
    if index < 0:
        reasons.append("The level cannot fall below very low.")

    found = {STUDY_DIRECTION[s.direction] for s in best_studies if s.direction is not None}
    direction: BodyDirection = found.pop() if len(found) == 1 else "mixed"
    reasons.append(
        f"Direction: {direction.replace('_', ' ')}"
        + (f". {appraisal.direction_reason}" if appraisal.direction_reason else ".")
    )
    return Grade(
        level,
        direction,
        appraisal.key_outcome,
        tuple(reasons),
        tuple(s.id for s in counted),
        best,
        designs,
    )


def _check_names(condition: Condition) -> None:
    own = set(condition.studies)
    named = set(condition.certainty.studies)
    for _, judgement in condition.certainty.judgements():
        named |= set(judgement.studies)
    stray = sorted(named - own)
    if stray:
        raise ValueError(f"{condition.id}: the appraisal names studies it does not list: {stray}")


def _check_imprecision(
    condition_id: str, start: GradeLevel, trials: list[Study], judgement: Judgement
) -> None:
    if start != "high":
        return
    total = sum(s.n or 0 for s in trials)
    floor = 2 if total < VERY_SERIOUS_IMPRECISION else 1 if total < SERIOUS_IMPRECISION else 0
    if judgement.down < floor:
        raise ValueError(
            f"{condition_id}: trials with {total} patients in total must be rated down at least "
            f"{floor} level(s) for imprecision"
        )


def _count(n: int, label: str) -> str:
    """``one case report``, ``3 case series``, ``2 randomised controlled trials``."""
    if n == 1:
        return f"one {label}"
    return f"{n} {plural(label)}"


def plural(label: str) -> str:
    """The plural of a design label."""
    if label.endswith("series"):
        return label
    if label.endswith("study"):
        return label[: -len("study")] + "studies"
    return label + "s"


def _labels(studies: list[Study]) -> str:
    return ", ".join(s.label for s in studies)

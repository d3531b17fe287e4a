"""Urticaria Activity Score over 7 days (UAS7), once-daily or twice-daily (UAS7TD) diaries.

Input: ``{"days": [...]}`` with exactly 7 entries, one per consecutive diary day (another length
is invalid input naming ``days``; an absent ``days`` is not computable). Each entry is either

* once daily, the past 24 hours: ``{"wheals": 0-3, "itch": 0-3}``; or
* twice daily, the past 12 hours each: ``{"am": {"wheals": 0-3, "itch": 0-3}, "pm": {...}}``.

The values are the 0-3 categories of the diary, not raw wheal counts. Unknown keys, wrong types
and out-of-range values are invalid input naming the field path (``days[2].am.itch``), as is an
entry mixing once-daily and twice-daily keys.

Missing data: a day that is ``null`` or ``{}``, or lacks any value (absent or ``null``; for twice
daily, a missing half or a missing value in either half), is incomplete. Fewer than 7 complete
days is not computable: no read source pro-rates missing days, so none is applied. A week that
mixes once-daily and twice-daily days is not computable either (the two versions use different
wheal anchors and no source combines them).

Arithmetic: once daily, the day scores wheals + itch (0-6) and the total is an ``int``. Twice
daily, the day scores the mean of the morning and evening sums, so halves occur: day scores and
totals are exact ``Decimal``. Total 0-42 = the sum of the 7 day scores; the wheal and itch
subtotals (0-21 each) are the sums of the day's wheal and itch scores (means of the two halves
for twice daily), and add up to the total.

Bands: 0 ``urticaria_free``; more than 0 and below 7 ``well_controlled``; 7 ``mild``; 16
``moderate``; 28 ``severe`` (lower bounds). Half-point totals are banded unrounded (6.5 is
well controlled, 27.5 moderate). Compare: ``mid_11`` is a decrease of at least 11 (Maurer 2020);
``well_controlled`` is reaching a follow-up below 7 from a baseline of 7 or more. Sources and
verification status of every rule are in ``data/measures/uas7.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal, NamedTuple

from ldnderm.kernel import readers
from ldnderm.kernel.errors import InvalidInput
from ldnderm.measures.base import Measure
from ldnderm.measures.model import CompareResult, Number, ScoreResult

DAYS = 7
COMPONENTS = ("wheals", "itch")
HALVES = ("am", "pm")
Mode = Literal["once_daily", "twice_daily"]


class Day(NamedTuple):
    """One diary day: its recording mode (``None`` when nothing is recorded) and, when complete,
    its wheal and itch scores (means of the two halves for twice daily)."""

    mode: Mode | None
    wheals: Number | None = None
    itch: Number | None = None

    @property
    def complete(self) -> bool:
        return self.wheals is not None and self.itch is not None

    @property
    def score(self) -> Number | None:
        if self.wheals is None or self.itch is None:
            return None
        return self.wheals + self.itch


class Uas7(Measure):
    id: ClassVar[str] = "uas7"
    comparable: ClassVar[bool] = True

    def score(self, responses: Any) -> ScoreResult:
        days = read(responses)
        if days is None:
            return self.not_computable("no diary recorded (days is missing)")
        modes = sorted({day.mode for day in days if day.mode is not None})
        incomplete = [i for i, day in enumerate(days) if not day.complete]
        details: dict[str, Any] = {
            "mode": modes[0] if len(modes) == 1 else ("mixed" if modes else None),
            "daily_scores": [day.score for day in days],
            "incomplete_days": incomplete,
        }
        if len(modes) > 1:
            once = next(i for i, d in enumerate(days) if d.mode == "once_daily")
            twice = next(i for i, d in enumerate(days) if d.mode == "twice_daily")
            return self.not_computable(
                f"the week mixes once-daily (days[{once}]) and twice-daily (days[{twice}]) "
                "recording; no published rule combines the two versions",
                details,
            )
        if incomplete:
            where = ", ".join(f"days[{i}]" for i in incomplete)
            return self.not_computable(
                f"{DAYS - len(incomplete)} of {DAYS} days complete (incomplete: {where}); "
                "the UAS7 needs all 7 days and no published rule pro-rates missing days",
                details,
            )
        wheals = _sum(day.wheals for day in days)
        itch = _sum(day.itch for day in days)
        details["wheal_subtotal"] = wheals
        details["itch_subtotal"] = itch
        return self.result(wheals + itch, details)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert before.total is not None
        assert after.total is not None
        control = self.definition.threshold("well_controlled")
        return self.comparison(
            before,
            after,
            {
                "mid_11": before.total - after.total >= self.definition.threshold("mid_11"),
                "well_controlled": before.total >= control > after.total,
            },
        )


def read(responses: Any) -> list[Day] | None:
    """Validate a UAS7 document into its 7 days; ``None`` when ``days`` is absent or null."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, ("days",))
    value = readers.get(data, "days")
    if value is readers.MISSING:
        return None
    entries = readers.array(value, "days", DAYS)
    return [read_day(entry, readers.join("days", i)) for i, entry in enumerate(entries)]


def read_day(entry: Any, field: str) -> Day:
    """One diary day; an incomplete day carries its mode but no scores."""
    if entry is None:
        return Day(None)
    day = readers.as_object(entry, field)
    readers.reject_unknown(day, COMPONENTS + HALVES, field)
    once = [k for k in COMPONENTS if k in day]
    twice = [k for k in HALVES if k in day]
    if once and twice:
        raise InvalidInput(
            readers.join(field, twice[0]),
            "a day is recorded either once daily or twice daily, not both",
            '"wheals" and "itch", or "am" and "pm"',
        )
    if twice:
        am, pm = (read_half(day, half, field) for half in HALVES)
        if None in (am.wheals, am.itch, pm.wheals, pm.itch):
            return Day("twice_daily")
        assert am.wheals is not None
        assert pm.wheals is not None
        assert am.itch is not None
        assert pm.itch is not None
        return Day("twice_daily", _mean(am.wheals, pm.wheals), _mean(am.itch, pm.itch))
    if once:
        record = read_record(day, field)
        if not record.complete:
            return Day("once_daily")
        return Day("once_daily", record.wheals, record.itch)
    return Day(None)


class Record(NamedTuple):
    """The wheal and itch categories (0-3) of one diary record; ``None`` when unanswered."""

    wheals: int | None
    itch: int | None

    @property
    def complete(self) -> bool:
        return self.wheals is not None and self.itch is not None


def read_half(day: Mapping[str, Any], half: str, field: str) -> Record:
    """The morning or evening record of a twice-daily day (all unanswered when absent)."""
    value = readers.get(day, half)
    if value is readers.MISSING:
        return Record(None, None)
    where = readers.join(field, half)
    record = readers.as_object(value, where)
    readers.reject_unknown(record, COMPONENTS, where)
    return read_record(record, where)


def read_record(record: Mapping[str, Any], field: str) -> Record:
    """Read ``wheals`` and ``itch`` (0-3) from a validated object."""
    wheals, itch = (read_category(record, key, field) for key in COMPONENTS)
    return Record(wheals, itch)


def read_category(record: Mapping[str, Any], key: str, field: str) -> int | None:
    value = readers.get(record, key)
    if value is readers.MISSING:
        return None
    return readers.integer(value, readers.join(field, key), 0, 3)


def _mean(morning: int, evening: int) -> Decimal:
    """The exact mean of two 0-3 categories (a whole or half number)."""
    return Decimal(morning + evening) / 2


def _sum(values: Iterable[Number | None]) -> Number:
    total: Number = 0
    for value in values:
        assert value is not None  # only complete weeks are summed
        total += value
    return total

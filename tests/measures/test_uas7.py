"""UAS7: worked examples U1-U6 of shared/research/instruments.md, missing days, input rules and
properties of the once-daily and twice-daily diaries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput

BANDS = ["urticaria_free", "well_controlled", "mild", "moderate", "severe"]


def day(wheals: Any, itch: Any) -> dict[str, Any]:
    return {"wheals": wheals, "itch": itch}


def twice(am: tuple[int, int], pm: tuple[int, int]) -> dict[str, Any]:
    return {"am": day(*am), "pm": day(*pm)}


def week(*days: Any) -> dict[str, Any]:
    return {"days": list(days)}


def every_day(entry: Any) -> dict[str, Any]:
    return {"days": [entry] * 7}


def once_daily_week(total: int) -> dict[str, Any]:
    """A once-daily week scoring ``total`` (0-42), spread over the days at most 6 a day."""
    days = []
    for i in range(7):
        points = min(6, max(0, total - 6 * i))
        days.append(day(min(3, points), max(0, points - 3)))
    return week(*days)


def twice_daily_week(total: Decimal) -> dict[str, Any]:
    """A twice-daily week scoring ``total`` (a multiple of 0.5, 0-42): the 14 half-day sums add
    up to twice the total."""
    points = int(total * 2)
    halves = []
    for i in range(14):
        share = min(6, max(0, points - 6 * i))
        halves.append((min(3, share), max(0, share - 3)))
    return week(*(twice(halves[2 * i], halves[2 * i + 1]) for i in range(7)))


def uas7_band(total: Decimal) -> str:
    if total == 0:
        return "urticaria_free"
    if total < 7:
        return "well_controlled"
    return "mild" if total < 16 else "moderate" if total < 28 else "severe"


class TestWorkedExamples:
    def test_u1_a_once_daily_week_sums_to_16_at_the_bottom_of_moderate(self) -> None:
        diary = week(day(1, 1), day(2, 1), day(0, 0), day(1, 2), day(3, 3), day(0, 1), day(1, 0))
        result = measures.score("uas7", diary)
        assert (result.total, result.band) == (16, "moderate")
        assert result.details["daily_scores"] == [2, 3, 0, 3, 6, 1, 1]
        assert (result.details["wheal_subtotal"], result.details["itch_subtotal"]) == (8, 8)
        assert result.details["mode"] == "once_daily"

    def test_u2_a_week_without_wheals_or_itch_is_urticaria_free(self) -> None:
        result = measures.score("uas7", every_day(day(0, 0)))
        assert (result.total, result.band) == (0, "urticaria_free")

    @pytest.mark.parametrize(
        ("total", "band"),
        [(6, "well_controlled"), (7, "mild"), (15, "mild"), (27, "moderate"), (28, "severe")],
    )
    def test_u3_band_boundaries(self, total: int, band: str) -> None:
        result = measures.score("uas7", once_daily_week(total))
        assert (result.total, result.band) == (total, band)

    def test_u4_twice_daily_days_score_the_mean_of_the_two_sums(self) -> None:
        result = measures.score("uas7", every_day(twice((1, 2), (2, 1))))
        assert (result.total, result.band) == (21, "moderate")
        assert result.details["mode"] == "twice_daily"
        assert result.details["daily_scores"] == [3] * 7

    def test_u5_six_recorded_days_are_not_computable(self) -> None:
        diary = week(*[day(1, 1)] * 6, None)
        result = measures.score("uas7", diary)
        assert not result.computable
        assert result.total is None and result.band is None
        assert result.details["incomplete_days"] == [6]
        assert "days[6]" in (result.reason or "") and "pro-rat" in (result.reason or "")

    def test_u6_a_12_point_decrease_meets_the_11_point_mid(self) -> None:
        result = measures.compare("uas7", once_daily_week(30), once_daily_week(18))
        assert result.change == -12
        assert result.responders["mid_11"] is True

    def test_u6_a_10_point_decrease_does_not_and_the_key_names_the_mid_applied(self) -> None:
        result = measures.compare("uas7", once_daily_week(30), once_daily_week(20))
        assert result.change == -10
        assert result.responders == {"mid_11": False, "well_controlled": False}
        assert measures.get("uas7").definition.thresholds["mid_11"].source == "Maurer 2020 table"


class TestTwiceDailyHalves:
    def test_halves_are_exact_and_subtotals_are_sums_of_daily_means(self) -> None:
        result = measures.score("uas7", every_day(twice((1, 2), (2, 2))))
        assert result.total == Decimal("24.5")
        assert result.details["daily_scores"] == [Decimal("3.5")] * 7
        assert result.details["wheal_subtotal"] == Decimal("10.5")
        assert result.details["itch_subtotal"] == Decimal("14")

    @pytest.mark.parametrize(
        ("total", "band"),
        [
            ("0.5", "well_controlled"),
            ("6.5", "well_controlled"),
            ("15.5", "mild"),
            ("27.5", "moderate"),
            ("41.5", "severe"),
        ],
    )
    def test_half_point_totals_are_banded_unrounded(self, total: str, band: str) -> None:
        result = measures.score("uas7", twice_daily_week(Decimal(total)))
        assert (result.total, result.band) == (Decimal(total), band)

    @pytest.mark.parametrize(
        ("before", "after", "met"),
        [("18.5", "7.5", True), ("18.5", "8", False), ("30", "19", True)],
    )
    def test_mid_11_is_decided_exactly_on_half_points(
        self, before: str, after: str, met: bool
    ) -> None:
        result = measures.compare(
            "uas7", twice_daily_week(Decimal(before)), twice_daily_week(Decimal(after))
        )
        assert result.change == Decimal(after) - Decimal(before)
        assert result.responders["mid_11"] is met

    def test_half_points_serialise_as_json_numbers(self) -> None:
        result = measures.score("uas7", twice_daily_week(Decimal("15.5")))
        assert result.model_dump(mode="json")["total"] == 15.5


class TestIncompleteDays:
    @pytest.mark.parametrize(
        "entry",
        [
            None,
            {},
            {"wheals": 1},
            {"itch": 2},
            day(1, None),
            day(None, None),
            {"am": day(1, 1)},
            {"am": day(1, 1), "pm": None},
            {"am": day(1, 1), "pm": day(None, 1)},
            {"am": {"itch": 1}, "pm": day(1, 1)},
        ],
    )
    def test_a_day_lacking_any_value_is_incomplete(self, entry: Any) -> None:
        filler = twice((1, 1), (1, 1)) if entry and ("am" in entry) else day(1, 1)
        diary = week(filler, filler, entry, filler, filler, filler, filler)
        result = measures.score("uas7", diary)
        assert not result.computable
        assert result.details["incomplete_days"] == [2]
        assert result.details["daily_scores"][2] is None
        assert "6 of 7" in (result.reason or "")

    def test_an_absent_diary_is_not_computable(self) -> None:
        for document in ({}, {"days": None}):
            result = measures.score("uas7", document)
            assert not result.computable and result.reason

    def test_a_week_mixing_once_and_twice_daily_days_is_not_computable(self) -> None:
        diary = week(*[day(1, 1)] * 6, twice((1, 1), (1, 1)))
        result = measures.score("uas7", diary)
        assert not result.computable
        assert result.details["mode"] == "mixed"
        assert "days[0]" in (result.reason or "") and "days[6]" in (result.reason or "")

    def test_a_comparison_with_an_incomplete_week_is_not_evaluable(self) -> None:
        result = measures.compare("uas7", once_daily_week(30), week(*[day(0, 0)] * 6, None))
        assert not result.evaluable and result.responders == {}
        assert result.change is None


class TestInvalidInput:
    @pytest.mark.parametrize(
        ("document", "field"),
        [
            ({"days": [day(0, 0)] * 6}, "days"),
            ({"days": [day(0, 0)] * 8}, "days"),
            ({"days": day(0, 0)}, "days"),
            ({"week": []}, "week"),
            (week(*[day(0, 0)] * 6, [0, 0]), "days[6]"),
            (week(day(4, 0), *[day(0, 0)] * 6), "days[0].wheals"),
            (week(day(0, -1), *[day(0, 0)] * 6), "days[0].itch"),
            (week(day(0, 0), day(1.0, 0), *[day(0, 0)] * 5), "days[1].wheals"),
            (week(day(0, 0), day(True, 0), *[day(0, 0)] * 5), "days[1].wheals"),
            (
                week(day(0, 0), {"wheals": 0, "itch": 0, "hives": 1}, *[day(0, 0)] * 5),
                "days[1].hives",
            ),
            (
                week(*[day(1, 1)] * 6, {"am": day(1, 9), "pm": day(0, 0)}),
                "days[6].am.itch",
            ),
            (
                week(*[day(1, 1)] * 3, {"am": {"wheal": 1}, "pm": day(0, 0)}, *[day(0, 0)] * 3),
                "days[3].am.wheal",
            ),
            (week(*[day(1, 1)] * 2, {"am": 3, "pm": day(0, 0)}, *[day(0, 0)] * 4), "days[2].am"),
            (
                week(*[day(1, 1)] * 4, {"am": day(1, 1), "wheals": 1}, *[day(0, 0)] * 2),
                "days[4].am",
            ),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field_path(
        self, document: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("uas7", document)
        assert err.value.field == field

    def test_a_wrong_type_on_an_incomplete_day_is_still_invalid(self) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("uas7", week(*[day(0, 0)] * 6, {"wheals": "many"}))
        assert err.value.field == "days[6].wheals"


class TestControlResponder:
    @pytest.mark.parametrize(
        ("before", "after", "met"),
        [(7, 6, True), (20, 0, True), (7, 7, False), (20, 7, False), (6, 0, False)],
    )
    def test_well_controlled_means_reaching_a_follow_up_below_7_from_7_or_more(
        self, before: int, after: int, met: bool
    ) -> None:
        result = measures.compare("uas7", once_daily_week(before), once_daily_week(after))
        assert result.responders["well_controlled"] is met


CATEGORY = st.integers(0, 3)
ONCE = st.builds(day, CATEGORY, CATEGORY)
TWICE = st.builds(twice, st.tuples(CATEGORY, CATEGORY), st.tuples(CATEGORY, CATEGORY))
ONCE_WEEKS = st.lists(ONCE, min_size=7, max_size=7).map(lambda d: {"days": d})
TWICE_WEEKS = st.lists(TWICE, min_size=7, max_size=7).map(lambda d: {"days": d})
WEEKS = st.one_of(ONCE_WEEKS, TWICE_WEEKS)
PATHS = st.tuples(st.integers(0, 6), st.sampled_from(["wheals", "itch"]))


class TestProperties:
    @given(WEEKS)
    def test_the_total_lies_in_0_to_42_and_is_the_sum_of_the_subtotals(
        self, diary: dict[str, Any]
    ) -> None:
        result = measures.score("uas7", diary)
        assert result.total is not None and 0 <= result.total <= 42
        details = result.details
        assert 0 <= details["wheal_subtotal"] <= 21 and 0 <= details["itch_subtotal"] <= 21
        assert result.total == details["wheal_subtotal"] + details["itch_subtotal"]
        assert result.total == sum(details["daily_scores"])

    @given(ONCE_WEEKS, PATHS)
    def test_raising_one_once_daily_value_raises_the_total_by_1(
        self, diary: dict[str, Any], path: tuple[int, str]
    ) -> None:
        index, key = path
        if diary["days"][index][key] == 3:
            return
        raised = [dict(d) for d in diary["days"]]
        raised[index][key] += 1
        before = measures.score("uas7", diary).total
        after = measures.score("uas7", {"days": raised}).total
        assert before is not None and after is not None and after == before + 1

    @given(TWICE_WEEKS, PATHS, st.sampled_from(["am", "pm"]))
    def test_raising_one_twice_daily_value_raises_the_total_by_a_half(
        self, diary: dict[str, Any], path: tuple[int, str], half: str
    ) -> None:
        index, key = path
        if diary["days"][index][half][key] == 3:
            return
        raised = [{h: dict(d[h]) for h in ("am", "pm")} for d in diary["days"]]
        raised[index][half][key] += 1
        before = measures.score("uas7", diary).total
        after = measures.score("uas7", {"days": raised}).total
        assert before is not None and after is not None
        assert after - before == Decimal("0.5")

    @given(ONCE_WEEKS)
    def test_identical_morning_and_evening_records_score_like_once_daily(
        self, diary: dict[str, Any]
    ) -> None:
        doubled = {"days": [{"am": d, "pm": d} for d in diary["days"]]}
        assert measures.score("uas7", doubled).total == measures.score("uas7", diary).total

    @given(st.integers(0, 84))
    def test_every_half_point_total_has_exactly_the_published_band(self, halves: int) -> None:
        total = Decimal(halves) / 2
        banding = measures.get("uas7").definition.banding()
        assert banding.band_of(total).code == uas7_band(total)

    @given(st.integers(0, 83))
    def test_a_higher_total_never_falls_in_a_milder_band(self, halves: int) -> None:
        banding = measures.get("uas7").definition.banding()
        lower = banding.band_of(Decimal(halves) / 2).code
        higher = banding.band_of(Decimal(halves + 1) / 2).code
        assert BANDS.index(higher) >= BANDS.index(lower)

    @given(WEEKS)
    def test_comparing_a_week_with_itself_shows_no_response(self, diary: dict[str, Any]) -> None:
        result = measures.compare("uas7", diary, diary)
        assert result.change == 0
        assert result.responders == {"mid_11": False, "well_controlled": False}

    @given(WEEKS, WEEKS)
    def test_mid_11_is_exactly_a_decrease_of_11_or_more(
        self, baseline: dict[str, Any], followup: dict[str, Any]
    ) -> None:
        result = measures.compare("uas7", baseline, followup)
        before, after = result.baseline.total, result.followup.total
        assert before is not None and after is not None
        assert result.responders["mid_11"] is (Decimal(before) - Decimal(after) >= 11)

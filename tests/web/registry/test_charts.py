"""Charts read on their own: the y-axis spans the measure's range, each threshold has its own
style and legend entry, dates cannot be misread, and the values are also a table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string

from ldnderm.web.registry.charts import FONT_UNITS, WIDTH, Chart, build_charts, day_text

D1, D2, D3 = dt.date(2026, 2, 3), dt.date(2026, 3, 3), dt.date(2026, 5, 1)


def _one(
    measure: str, values: list[Decimal], doses: list[tuple[dt.date, Decimal]] | None = None
) -> Chart:
    series = {measure: list(zip((D1, D2, D3), values, strict=False))}
    (chart,) = build_charts(series, doses or [])
    return chart


def test_the_dlqi_axis_runs_from_0_to_its_maximum_of_30_not_40() -> None:
    chart = _one("dlqi", [Decimal(12), Decimal(8)])
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30"]
    assert chart.y_ticks[-1].at == chart.top and chart.y_ticks[0].at == chart.bottom


def test_bounded_measures_span_their_published_range() -> None:
    assert _one("itch-nrs", [Decimal(8)]).y_ticks[-1].label == "10"
    assert _one("uct", [Decimal(4)]).y_ticks[-1].label == "16"
    assert _one("uas7", [Decimal(30)]).y_ticks[-1].at < _one("uas7", [Decimal(30)]).top + 30


def test_a_count_without_an_upper_bound_gets_a_round_maximum_above_the_data() -> None:
    chart = _one("ihs4", [Decimal(13), Decimal(5)])
    assert chart.y_ticks[0].label == "0"
    assert int(chart.y_ticks[-1].label) >= 13


def test_each_threshold_has_its_own_style_and_a_legend_entry() -> None:
    chart = _one("uct", [Decimal(4), Decimal(8)])
    assert len(chart.thresholds) == 2
    assert [t.style for t in chart.thresholds] == [0, 1]
    html = render_to_string("registry/partials/chart.html", {"chart": chart})
    assert html.count('class="threshold threshold-0"') == 1
    assert html.count('class="threshold threshold-1"') == 1
    assert html.count("swatch threshold threshold-0") == 1
    assert "Increase of 3 points or more (at 7)" in html
    assert "Increase of 6 points or more (at 10)" in html


def test_dates_are_unambiguous_and_the_values_are_in_a_captioned_table() -> None:
    chart = _one("dlqi", [Decimal(12), Decimal(8), Decimal("6.5")], [(D1, Decimal("1.50"))])
    assert [t.label for t in chart.x_ticks] == ["3 Feb 2026", "18 Mar 2026", "1 May 2026"]
    assert [t.anchor for t in chart.x_ticks] == ["start", "middle", "end"]
    assert day_text(dt.date(2026, 12, 1)) == "1 Dec 2026"
    html = render_to_string("registry/partials/chart.html", {"chart": chart})
    assert "<caption>Dermatology Life Quality Index" in html
    assert '<td data-label="Date"><time datetime="2026-02-03">3 Feb 2026</time></td>' in html
    assert '<td data-label="Score">6.5</td>' in html
    assert ">1.5 mg</text>" in html


def test_text_is_sized_for_the_rendered_width() -> None:
    """At the narrowest drawn width (22rem = 352 px, less padding), 15 units are >= 12 px."""
    assert FONT_UNITS * (352 - 18) / WIDTH >= 12

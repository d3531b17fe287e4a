"""Server-side charts of each measure over time, as geometry for an SVG template.

One chart per measure recorded for the patient. Points are the computable totals by visit date;
vertical marks show dose changes; horizontal dashed lines show where the measure's responder
thresholds lie relative to the first (baseline) total, read from the measure's definition:
a threshold labelled with a percentage is a relative change ("Reduction of 75% from baseline"),
one labelled as a change in points is an absolute change ("Improvement of 4 points"), in the
direction the measure calls better. Other thresholds (entry criteria, severity cut-offs) are not
drawn. No JavaScript: the page renders, prints and works offline as it is.

Readable at any width: the view box (:data:`WIDTH` units) is close to the narrowest size a chart
is drawn at (22rem, see ``registry.css``), so text of :data:`FONT_UNITS` units renders at 12 px
or more on a phone and a desktop (a browser test measures it). The y-axis spans the measure's
``total_range`` (DLQI 0-30), or, for a count with no upper bound, a round number above the data.
Each threshold has its own style (``style`` 0, 1, 2 ...) and legend entry; dates read
``3 Feb 2026``; the values are also given as a table (:attr:`Chart.rows`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ldnderm import measures

WIDTH, HEIGHT = 400, 250
LEFT, RIGHT, TOP, BOTTOM = 46, 16, 26, 44
FONT_UNITS = 15
"""Text size in view-box units (``registry.css`` sets it on the chart's SVG)."""

_CHANGE = re.compile(r"^(improvement|decrease|increase|reduction)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    value: Decimal


@dataclass(frozen=True)
class Line:
    """A horizontal (threshold) or vertical (dose) mark, or an axis tick, with its label;
    ``style`` tells thresholds apart and ``anchor`` places a tick's text."""

    at: float
    label: str
    style: int = 0
    anchor: str = "middle"


@dataclass
class Chart:
    measure_id: str
    name: str
    higher_is: str
    copyright: str | None = None
    """The instrument's required copyright line, shown wherever its scores are (DLQI, UCT)."""
    points: list[Point] = field(default_factory=list)
    doses: list[Line] = field(default_factory=list)
    thresholds: list[Line] = field(default_factory=list)
    y_ticks: list[Line] = field(default_factory=list)
    x_ticks: list[Line] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def rows(self) -> list[tuple[dt.date, str]]:
        """The plotted values as (date, total) for the chart's data table."""
        return [(p.day, _num(Decimal(p.value))) for p in self.points]


def threshold_levels(measure_id: str, baseline: Decimal) -> list[tuple[Decimal, str]]:
    """Responder levels implied by the measure's thresholds for this baseline total."""
    definition = measures.get(measure_id).definition
    better_is_lower = definition.higher_is != "better"
    levels = []
    for threshold in definition.thresholds.values():
        label = threshold.label
        if not _CHANGE.match(label):
            continue
        if "%" in label:
            fraction = threshold.value / 100
            level = baseline * (1 - fraction) if better_is_lower else baseline * (1 + fraction)
        else:
            level = baseline - threshold.value if better_is_lower else baseline + threshold.value
        if level >= 0:
            levels.append((level, label))
    return levels


def build_charts(
    series: dict[str, list[tuple[dt.date, Decimal]]],
    doses: Sequence[tuple[dt.date, Decimal]],
) -> list[Chart]:
    """One chart per measure from ``{measure_id: [(date, total), ...]}`` and dated doses."""
    charts = []
    for measure_id, raw in series.items():
        values = sorted(raw)
        if not values:
            continue
        charts.append(_chart(measure_id, values, doses))
    return charts


def _chart(
    measure_id: str, values: list[tuple[dt.date, Decimal]], doses: Sequence[tuple[dt.date, Decimal]]
) -> Chart:
    measure = measures.get(measure_id)
    chart = Chart(
        measure_id,
        measure.definition.name,
        measure.definition.higher_is,
        measure.definition.copyright,
    )
    levels = threshold_levels(measure_id, values[0][1]) if len(values) > 1 else []
    first = min([values[0][0], *(d for d, _ in doses if d <= values[-1][0])])
    last = values[-1][0]
    span_days = max((last - first).days, 1)
    y_min, y_max = _y_range(measure_id, [v for _, v in values] + [lv for lv, _ in levels])

    def x(day: dt.date) -> float:
        return chart.left + (chart.right - chart.left) * (day - first).days / span_days

    def y(value: Decimal) -> float:
        return chart.bottom - (chart.bottom - chart.top) * float((value - y_min) / (y_max - y_min))

    chart.points = [Point(x(d), y(v), d, v) for d, v in values]
    chart.doses = [Line(x(d), f"{_mg(mg)} mg") for d, mg in doses if first <= d <= last]
    chart.thresholds = [
        Line(y(level), f"{label} (at {_num(level)})", i) for i, (level, label) in enumerate(levels)
    ]
    step = _step(y_max - y_min)
    ticks = [y_min + step * i for i in range(int((y_max - y_min) / step) + 1)]
    chart.y_ticks = [Line(y(t), _num(t)) for t in ticks]
    spread = _spread(first, last)
    anchors = ["start", "middle", "end"] if len(spread) == 3 else ["middle"]
    chart.x_ticks = [
        Line(x(d), day_text(d), anchor=a) for d, a in zip(spread, anchors, strict=True)
    ]
    return chart


def day_text(day: dt.date) -> str:
    """A date no reader can misread, whatever their locale: ``3 Feb 2026``."""
    return f"{day.day} {day:%b %Y}"


def _y_range(measure_id: str, shown: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The measure's ``total_range``; without an upper bound, a round number above the data."""
    total = measures.get(measure_id).definition.total_range
    low = total.min if total is not None else Decimal(0)
    low = min([low, *shown])
    if total is not None and total.max is not None and all(v <= total.max for v in shown):
        return low, total.max
    return low, low + _nice(max([*shown, low + 1]) - low)


def _step(span: Decimal) -> Decimal:
    """A round tick step giving two to five intervals over ``span``."""
    for step in (1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if span / step <= 5:
            return Decimal(step)
    return (span / 5).to_integral_value() + 1


def _nice(value: Decimal) -> Decimal:
    for step in (Decimal(4), Decimal(10), Decimal(20), Decimal(40), Decimal(80), Decimal(100)):
        if value <= step:
            return step
    return (value / 50).to_integral_value() * 50 + 50


def _spread(first: dt.date, last: dt.date) -> list[dt.date]:
    if first == last:
        return [first]
    return [first, first + (last - first) / 2, last]


def _num(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


def _mg(value: Decimal) -> str:
    """A dose without trailing zeros: ``1.5``, ``3``, ``0.25``."""
    return f"{Decimal(value).normalize():f}"

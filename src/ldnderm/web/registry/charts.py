"""Server-side charts of each measure over time, as geometry for an SVG template.

One chart per measure recorded for the patient. Points are the computable totals by visit date;
vertical marks show dose changes; horizontal dashed lines show where the measure's responder
thresholds lie relative to the first (baseline) total, read from the measure's definition:
a threshold labelled with a percentage is a relative change ("Reduction of 75% from baseline"),
one labelled as a change in points is an absolute change ("Improvement of 4 points"), in the
direction the measure calls better. Other thresholds (entry criteria, severity cut-offs) are not
drawn. No JavaScript: the page renders, prints and works offline as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ldnderm import measures

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 30

_CHANGE = re.compile(r"^(improvement|decrease|increase|reduction)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    value: Decimal


@dataclass(frozen=True)
class Line:
    """A horizontal (threshold) or vertical (dose) mark with its label."""

    at: float
    label: str


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
    top_value = max([v for _, v in values] + [lv for lv, _ in levels] + [Decimal(1)])
    y_max = _nice(top_value)

    def x(day: dt.date) -> float:
        return chart.left + (chart.right - chart.left) * (day - first).days / span_days

    def y(value: Decimal) -> float:
        return chart.bottom - (chart.bottom - chart.top) * float(value / y_max)

    chart.points = [Point(x(d), y(v), d, v) for d, v in values]
    chart.doses = [Line(x(d), f"{_mg(mg)} mg") for d, mg in doses if first <= d <= last]
    chart.thresholds = [Line(y(level), label) for level, label in levels]
    chart.y_ticks = [Line(y(y_max * i / 4), _num(y_max * i / 4)) for i in range(5)]
    chart.x_ticks = [Line(x(d), d.strftime("%d %b %y")) for d in _spread(first, last)]
    return chart


def _nice(value: Decimal) -> Decimal:
    for step in (Decimal(4), Decimal(10), Decimal(20), Decimal(40), Decimal(80), Decimal(100)):
        if value <= step:
            return step
    return (value / 50).to_integral_value() * 50 + 50


def _spread(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    if first == last:
        return [first]
    step = (last - first) / 3
    return [first + step * i for i in range(4)]


def _num(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


def _mg(value: Decimal) -> str:
    return _num(Decimal(value))

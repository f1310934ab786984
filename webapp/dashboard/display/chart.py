"""Series of pings (the values they carried, how long their runs took), drawn
as small SVG line charts on the server.

No chart library and no CDN: the page stays on our origin and under a strict
Content-Security-Policy, which forbids style attributes too: colours come
from app.css through class names (CSS variables, so dark mode follows).
Points are placed by time, so a two-minute gap is drawn wider than a
one-second one, and a burst of pings shows as a burst.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .timefmt import duration

WIDTH, HEIGHT = 960, 170
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 14, 30


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    created: datetime
    value: float
    label: str = ""
    kind: str = "success"  # a failed run's dot is drawn apart (class dot-fail)


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the plot: a threshold the values must keep to."""

    y: float
    label: str
    kind: str  # "min" or "max": its class, and what the label says


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str  # the polyline's points attribute
    dots: list[Dot]
    y_ticks: list[tuple[float, str]]  # (y position, label), top first
    x_ticks: list[tuple[float, datetime]]  # (x position, time), left first
    rules: list[Rule]
    lowest: str  # the lowest and highest value drawn, labelled (the axis may reach further)
    highest: str
    first: datetime
    last: datetime
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def number(value: float) -> str:
    """Short labels: 42, 0.25, 1.5e+06."""
    return f"{value:.4g}"


def time_chart(points: Sequence[tuple[datetime, float, str]], label: Callable[[float], str],
               low: float | None = None, high: float | None = None,
               from_zero: bool = False) -> Chart | None:
    """The chart of `points` ((time, value, kind), oldest first) with a line at
    `low` and at `high` when given; None when there is nothing to draw.

    The vertical range spans the values and the lines, so a threshold far
    from every value is still drawn, and the values are seen against it;
    `from_zero` makes it start at 0 (run times: a 10 % slower run should
    not look twice as long).
    """
    if not points:
        return None
    bounds = [v for _, v, _ in points] + [b for b in (low, high) if b is not None]
    if from_zero:
        bounds.append(0.0)
    bottom, top = min(bounds), max(bounds)
    if bottom == top:  # a flat line sits in the middle, not on an edge
        pad = abs(bottom) * 0.1 or 1.0
        bottom, top = bottom - pad, top + pad
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    first, last = points[0][0], points[-1][0]
    span = (last - first).total_seconds()

    def x_of(t: datetime) -> float:
        if span <= 0:  # one instant: in the middle
            return LEFT + plot_w / 2
        return LEFT + plot_w * (t - first).total_seconds() / span

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - bottom) / (top - bottom))

    dots = [Dot(round(x_of(t), 1), round(y_of(v), 1), t, v, label(v), kind)
            for t, v, kind in points]
    ticks = [(round(y_of(v), 1), label(v)) for v in (top, (top + bottom) / 2, bottom)]
    x_ticks = [(round(x_of(t), 1), t) for t in ([first, first + (last - first) / 2, last]
                                                 if span > 0 else [first])]
    rules = [Rule(round(y_of(v), 1), f"{kind} {label(v)}", kind)
             for kind, v in (("max", high), ("min", low)) if v is not None]
    return Chart(
        width=WIDTH, height=HEIGHT,
        line=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=dots, y_ticks=ticks, x_ticks=x_ticks, rules=rules,
        lowest=label(min(v for _, v, _ in points)), highest=label(max(v for _, v, _ in points)),
        first=first, last=last,
        plot_left=LEFT, plot_right=WIDTH - RIGHT, plot_top=TOP, plot_bottom=HEIGHT - BOTTOM,
    )


def value_chart(points: Sequence[tuple[datetime, float]], value_min: float | None = None,
                value_max: float | None = None) -> Chart | None:
    """The values pings carried ((time, value), oldest first), with the check's
    bounds drawn as lines; a value outside them made its ping a failure."""
    def kind(v: float) -> str:
        out = (value_min is not None and v < value_min) or (value_max is not None
                                                             and v > value_max)
        return "fail" if out else "success"
    return time_chart([(t, v, kind(v)) for t, v in points], number, value_min, value_max)


def seconds_label(seconds: float) -> str:
    """A run time on the axis: '45.0 s', '4 min 05 s', '2 h 03 min'."""
    return duration(max(0.0, seconds))


def duration_chart(points: Sequence[tuple[datetime, float, str]]) -> Chart | None:
    """How long each run took ((end time, seconds, "success" or "fail"), oldest first)."""
    return time_chart(points, seconds_label, from_zero=True)

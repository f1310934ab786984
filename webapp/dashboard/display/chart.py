"""The values pings carried, drawn as a small SVG line chart on the server.

No chart library and no CDN: the page stays on our origin and under a strict
Content-Security-Policy. Colours come from app.css through class names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 960, 170
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 30


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    created: datetime
    value: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str  # the polyline's points attribute
    dots: list[Dot]
    y_ticks: list[tuple[float, str]]  # (y position, label)
    first: datetime
    last: datetime
    plot_left: int
    plot_right: int
    plot_bottom: int


def number(value: float) -> str:
    """Short labels: 42, 0.25, 1.5e+06."""
    return f"{value:.4g}"


def value_chart(points: list[tuple[datetime, float]]) -> Chart | None:
    """The chart of `points` (oldest first), or None when there is nothing to draw."""
    if not points:
        return None
    values = [v for _, v in points]
    low, high = min(values), max(values)
    if low == high:  # a flat line sits in the middle, not on an edge
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_of(i: int) -> float:
        # Evenly spaced, one step per ping: jobs often report in bursts, and a
        # time axis would squeeze a burst into a vertical smear at one edge.
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    dots = [Dot(round(x_of(i), 1), round(y_of(v), 1), c, v)
            for i, (c, v) in enumerate(points)]
    ticks = [(round(y_of(v), 1), number(v)) for v in (high, (high + low) / 2, low)]
    return Chart(
        width=WIDTH, height=HEIGHT,
        line=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=dots, y_ticks=ticks,
        first=points[0][0], last=points[-1][0],
        plot_left=LEFT, plot_right=WIDTH - RIGHT, plot_bottom=HEIGHT - BOTTOM,
    )

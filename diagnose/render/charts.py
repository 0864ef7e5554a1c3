"""Charts for the reports, as vector SVG with Korean labels kept as text.

matplotlib draws with the bundled NanumGothic and writes text as ``<text>`` elements
(``svg.fonttype: none``), so labels stay selectable in the PDF and WeasyPrint sets them in the
same embedded font as the page. The hash salt and a missing date make the SVG the same for the
same data, so reports are reproducible byte for byte.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from diagnose.core import fonts

PALETTE = {"company": "#1b998b", "target": "#e0a100", "peers": "#7a8699", "baseline": "#b23a48"}


@dataclass(frozen=True)
class Series:
    """One polygon on the radar: a name for the legend, a value per axis (None = no score)."""

    name: str
    values: Sequence[float | None]
    role: str = "company"  # company | target | peers | baseline: sets colour and line style


@cache
def _font_family() -> str:
    from matplotlib import font_manager

    for weight in ("regular", "bold"):
        font_manager.fontManager.addfont(str(fonts.font_file(weight)))
    return fonts.FAMILY


def _style() -> dict[str, object]:
    return {
        "font.family": _font_family(),
        "font.size": 9,
        "svg.fonttype": "none",
        "svg.hashsalt": "diagnose",
        "axes.unicode_minus": False,
        "text.parse_math": False,  # a round called "$x^2$" is text, not mathtext
    }


def _wrap(label: str, width: int = 14) -> str:
    """A long axis label on two lines at the space nearest its middle, so it stays on the page
    ('Infrastructure & systems'); short labels, and labels without spaces, stay as they are."""
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return f"{label[:cut]}\n{label[cut + 1:]}"


def radar_svg(labels: Sequence[str], series: Sequence[Series], size: float = 4.6) -> str:
    """A radar chart (1-5 scale) as an SVG document string.

    Drawn on plain axes with clipping off: WeasyPrint's SVG renderer mishandles the clip
    paths of matplotlib's polar axes, and a radar needs none.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    count = len(labels)
    angles = [math.pi / 2 - 2 * math.pi * i / count for i in range(count)]

    def point(radius: float, angle: float) -> tuple[float, float]:
        return radius * math.cos(angle), radius * math.sin(angle)

    with matplotlib.rc_context(_style()):
        # wide enough for long labels left and right of the web
        figure = Figure(figsize=(size * 1.35, size))
        axes = figure.add_axes((0.0, 0.1, 1.0, 0.9))
        axes.set_xlim(-9.0, 9.0)
        axes.set_ylim(-6.0, 6.2)
        axes.set_aspect("equal")
        axes.axis("off")
        for ring in (1, 2, 3, 4, 5):
            xs, ys = zip(*(point(ring, a) for a in [*angles, angles[0]]), strict=True)
            axes.plot(xs, ys, color="#d5dde6" if ring < 5 else "#c5ced8", linewidth=0.6,
                      clip_on=False)
            axes.text(0.12, ring + 0.05, str(ring), fontsize=6.5, color="#9aa5b1", clip_on=False)
        for angle, label in zip(angles, labels, strict=True):
            x, y = point(5, angle)
            axes.plot([0, x], [0, y], color="#d5dde6", linewidth=0.6, clip_on=False)
            lx, ly = point(5.75, angle)
            align = "center" if abs(lx) < 0.5 else ("left" if lx > 0 else "right")
            axes.text(lx, ly, _wrap(label), ha=align, va="center", fontsize=8.5,
                      color="#1d2733", clip_on=False, multialignment=align)
        for item in series:
            values = [v if v is not None and not math.isnan(v) else 0.0 for v in item.values]
            xs, ys = zip(*(point(v, a) for v, a in zip([*values, values[0]],
                                                        [*angles, angles[0]], strict=True)),
                         strict=True)
            colour = PALETTE.get(item.role, "#12355b")
            dashed = item.role in {"target", "peers"}
            axes.plot(xs, ys, color=colour, linewidth=1.2 if dashed else 1.8,
                      linestyle=(0, (4, 2)) if dashed else "-", label=item.name, clip_on=False)
            if not dashed:
                axes.fill(xs, ys, color=colour, alpha=0.16, clip_on=False)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=len(series),
                    frameon=False, fontsize=8)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # inline in HTML: no XML prolog or doctype


def _figure(width: float, height: float) -> Any:
    """A figure with one plain, frameless axes filling it (drawn in data units, unclipped)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.axis("off")
    return figure, axes


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def bar_svg(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str] | None = None,
            width: float = 6.4, height: float = 2.2) -> str:
    """Vertical bars with their count and share on top, e.g. companies per maturity level.

    Drawn like ``radar_svg``: plain axes, no clip paths, Korean labels kept as text.
    """
    total = sum(counts) or 1
    top = max([*counts, 1])
    with matplotlib_style():
        figure, axes = _figure(width, height)
        slots = len(labels)
        axes.set_xlim(-0.7, slots - 0.3)
        axes.set_ylim(-0.42 * top, 1.28 * top)
        axes.plot([-0.6, slots - 0.4], [0, 0], color="#c5ced8", linewidth=0.8, clip_on=False)
        for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
            colour = colours[i] if colours else PALETTE["company"]
            axes.bar([i], [count], width=0.62, color=colour, clip_on=False)
            axes.text(i, count + 0.05 * top, f"{count:,} ({count / total:.0%})", ha="center",
                      va="bottom", fontsize=8, color="#1d2733", clip_on=False)
            axes.text(i, -0.08 * top, label, ha="center", va="top", fontsize=8,
                      color="#1d2733", clip_on=False)
        return _svg(figure)


@dataclass(frozen=True)
class Spread:
    """How one dimension's scores spread over companies: percentiles on the 1-5 scale."""

    label: str
    p10: float
    p25: float
    median: float
    p75: float
    p90: float
    count: int


def spread_svg(rows: Sequence[Spread], width: float = 6.4) -> str:
    """One row per dimension: p10-p90 whisker, p25-p75 box and the median, on a 1-5 scale."""
    height = 0.3 * len(rows) + 0.45
    with matplotlib_style():
        figure, axes = _figure(width, height)
        left, right = -1.6, 5.95  # room for the dimension names left of the scale
        axes.set_xlim(left, right)
        axes.set_ylim(len(rows) + 0.15, -0.95)
        for tick in (1, 2, 3, 4, 5):
            axes.plot([tick, tick], [-0.45, len(rows) - 0.4], color="#e1e6ec", linewidth=0.6,
                      clip_on=False)
            axes.text(tick, -0.55, str(tick), ha="center", va="bottom", fontsize=7,
                      color="#7a8699", clip_on=False)
        for y, row in enumerate(rows):
            axes.text(0.85, y, row.label, ha="right", va="center", fontsize=8, color="#1d2733",
                      clip_on=False)
            if row.count == 0:
                continue
            axes.plot([row.p10, row.p90], [y, y], color="#7a8699", linewidth=1.0, clip_on=False)
            axes.fill([row.p25, row.p75, row.p75, row.p25], [y - 0.22, y - 0.22, y + 0.22,
                                                            y + 0.22],
                      color=PALETTE["company"], alpha=0.35, clip_on=False)
            axes.plot([row.median, row.median], [y - 0.26, y + 0.26], color="#12355b",
                      linewidth=2.0, clip_on=False)
            axes.text(5.9, y, f"{row.median:.2f}", ha="right", va="center", fontsize=7,
                      color="#12355b", clip_on=False)
        return _svg(figure)


def matplotlib_style() -> Any:
    """matplotlib's settings for every chart here (a context manager)."""
    import matplotlib

    return matplotlib.rc_context(_style())

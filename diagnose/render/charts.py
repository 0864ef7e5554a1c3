"""Charts for the reports, as vector SVG with Korean labels kept as text.

The company report's charts (``dimension_svg``: a sorted dot chart per dimension;
``gantt_svg``: the 24-month roadmap by quarter) are written here as SVG directly: a few dozen
rectangles, lines and ``<text>`` elements, laid out in millimetres of the A4 page, with a
``<title>`` that the tagged PDF carries as the chart's text alternative. Writing them directly
keeps matplotlib out of the report worker (its import alone costs more than a page) and makes
the bytes depend on the data only.

The radar, bars and spreads of the progress and cohort documents are drawn by matplotlib with
the bundled NanumGothic and text as ``<text>`` elements (``svg.fonttype: none``). The hash salt
and a missing date make that SVG the same for the same data, so every document is reproducible
byte for byte.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
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


# --- the company report's charts, written as SVG -------------------------------------------------

INK, MUTED, GRID = "#1d2733", "#6b7785", "#e1e6ec"
PAGE_WIDTH_MM = 174.0  # A4 less the report's side margins


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at font size ``size`` (same unit), estimated for NanumGothic:
    Hangul and other wide characters are one em, Latin letters and digits a little over half."""
    width = 0.0
    for char in text:
        if ord(char) >= 0x1100:
            width += 1.0
        elif char == " ":
            width += 0.3
        elif char in "il.,:;'|!()[]·":
            width += 0.32
        elif char.isupper() or char in "mwMW%":
            width += 0.7
        else:
            width += 0.56
    return width * size


def wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width``, broken at spaces (a Korean word is
    never split); what does not fit ends the last line with '…'."""
    words, result, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size) <= width or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    result.append(current)
    if len(result) > lines:
        result = [*result[:lines - 1], " ".join(result[lines - 1:])]
    last = result[-1]
    while text_width(last, size) > width and len(last) > 1:
        last = last[:-2] + "…"
    return [*result[:-1], last]


def _text(x: float, y: float, text: str, size: float, colour: str = INK, anchor: str = "start",
          weight: int = 400) -> str:
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}" fill="{colour}" '
            f'text-anchor="{anchor}" font-weight="{weight}">{escape(text)}</text>')


def _svg_document(width: float, height: float, title: str, body: list[str]) -> str:
    """An inline SVG in millimetres; ``title`` is its text alternative (PDF /Alt)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.1f}mm" '
            f'height="{height:.1f}mm" viewBox="0 0 {width:.2f} {height:.2f}" '
            f'font-family="{fonts.FAMILY}"><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


@dataclass(frozen=True)
class DimensionRow:
    """One dimension on the dot chart: the company's score and the comparison's median."""

    label: str
    score: float | None
    median: float | None


def dimension_svg(rows: Sequence[DimensionRow], target: float | None, names: dict[str, str],
                  title: str, no_score: str) -> str:
    """Scores per dimension on a 1-5 scale, highest first: the company (dot, with its value),
    the benchmark or peer median (hollow diamond) and the next-level target (one dashed line).

    ``names`` holds the legend words: ``company``, ``median`` (empty: no median shown),
    ``target``. ``no_score`` is written for a dimension without a score (listed last).
    """
    size, row_h, top = 3.0, 7.2, 17.0
    left, right = 50.0, 158.0
    def x(score: float) -> float:
        return left + (score - 1) / 4 * (right - left)
    ordered = sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0)))
    height = top + row_h * len(ordered) + 2
    body = []
    legend_x = 0.0
    for role, colour in (("company", PALETTE["company"]), ("median", PALETTE["peers"]),
                         ("target", PALETTE["target"])):
        if not names.get(role) or (role == "target" and target is None):
            continue
        if role == "company":
            body.append(f'<circle cx="{legend_x + 1.6:.2f}" cy="3.0" r="1.5" fill="{colour}"/>')
        elif role == "median":
            body.append(_diamond(legend_x + 1.6, 3.0, 1.5, colour))
        else:
            body.append(f'<line x1="{legend_x + 1.6:.2f}" y1="1.2" x2="{legend_x + 1.6:.2f}" '
                        f'y2="4.8" stroke="{colour}" stroke-width="0.6" '
                        f'stroke-dasharray="1.2 0.8"/>')
        body.append(_text(legend_x + 4.2, 4.1, names[role], 2.7, INK))
        legend_x += 4.2 + text_width(names[role], 2.7) + 6
    for tick in (1, 2, 3, 4, 5):
        body.append(f'<line x1="{x(tick):.2f}" y1="{top - 3:.2f}" x2="{x(tick):.2f}" '
                    f'y2="{height - 2:.2f}" stroke="{GRID}" stroke-width="0.3"/>')
        body.append(_text(x(tick), top - 4, str(tick), 2.6, MUTED, "middle"))
    if target is not None:
        body.append(f'<line x1="{x(target):.2f}" y1="{top - 3:.2f}" x2="{x(target):.2f}" '
                    f'y2="{height - 2:.2f}" stroke="{PALETTE["target"]}" stroke-width="0.6" '
                    f'stroke-dasharray="1.2 0.8"/>')
    for i, row in enumerate(ordered):
        y = top + row_h * i + row_h / 2
        body.append(_text(0, y + 1.0, wrap(row.label, left - 3, size, 1)[0], size, INK))
        body.append(f'<line x1="{x(1):.2f}" y1="{y:.2f}" x2="{x(5):.2f}" y2="{y:.2f}" '
                    f'stroke="#c5ced8" stroke-width="0.3"/>')
        if row.median is not None:
            body.append(_diamond(x(row.median), y, 1.5, PALETTE["peers"]))
        if row.score is None:
            body.append(_text(right + 3, y + 1.0, no_score, 2.7, MUTED))
            continue
        if row.median is not None and abs(row.score - row.median) > 0.05:
            body.append(f'<line x1="{x(row.median):.2f}" y1="{y:.2f}" x2="{x(row.score):.2f}" '
                        f'y2="{y:.2f}" stroke="{PALETTE["company"]}" stroke-width="0.8" '
                        'stroke-opacity="0.45"/>')
        body.append(f'<circle cx="{x(row.score):.2f}" cy="{y:.2f}" r="1.7" '
                    f'fill="{PALETTE["company"]}"/>')
        body.append(_text(right + 3, y + 1.0, f"{row.score:.2f}", size, INK, weight=700))
    return _svg_document(PAGE_WIDTH_MM, height, title, body)


def _diamond(cx: float, cy: float, r: float, colour: str) -> str:
    points = f"{cx:.2f},{cy - r:.2f} {cx + r:.2f},{cy:.2f} {cx:.2f},{cy + r:.2f} {cx - r:.2f},{cy:.2f}"
    return f'<polygon points="{points}" fill="white" stroke="{colour}" stroke-width="0.5"/>'


@dataclass(frozen=True)
class GanttRow:
    """One row of the roadmap: a solution, or a step that prepares the solution below it."""

    label: str
    start: int  # first month (1 = the month after the diagnosis)
    end: int  # last month
    kind: str = "solution"  # solution | prepare | alongside
    after: tuple[int, ...] = ()  # rows (indexes) that must finish before this one starts
    note: str = ""  # written after the bar (e.g. the owner role)


GANTT_SIZE, GANTT_ROW, GANTT_TOP, GANTT_LEFT = 2.8, 8.0, 12.0, 66.0  # mm


def gantt_svg(rows: Sequence[GanttRow], months: int, header: dict[str, str], title: str,
              labels: bool = True) -> str:
    """The roadmap as a Gantt chart by quarter over ``months`` (24): one bar per row, arrows
    from each preparation step to the solution it unlocks. A bar running past the last month
    is cut there with an arrow and its end month written beside it.

    ``header`` holds the words: ``year`` ("{n}년 차"), ``months`` (the label over the quarter
    columns), ``range`` ("{a}~{b}"), ``beyond`` ("→ {n}개월 차"). ``labels=False`` leaves the
    row names out of the SVG (the left ``GANTT_LEFT`` mm stay empty) for the page to set as
    text over it (``gantt_labels``): WeasyPrint lays SVG text out letter by letter, and the
    names are most of the chart's letters.
    """
    size, row_h, top = GANTT_SIZE, GANTT_ROW, GANTT_TOP
    left, right = GANTT_LEFT, PAGE_WIDTH_MM - 2
    span = right - left
    def x(month: float) -> float:
        return left + (month - 1) / months * span
    height = top + row_h * len(rows) + 3
    body = []
    for year in range(months // 12):
        x0, x1 = x(1 + 12 * year), x(13 + 12 * year)
        body.append(f'<rect x="{x0:.2f}" y="0" width="{x1 - x0 - 0.4:.2f}" height="4.6" '
                    f'fill="#12355b"/>')
        body.append(_text((x0 + x1) / 2, 3.4, header["year"].format(n=year + 1), 2.7, "white",
                          "middle", 700))
    if labels:
        body.append(_text(0, 9.6, header["months"], 2.6, MUTED))
    for quarter in range(months // 3):
        first = 1 + 3 * quarter
        shade = "#f3f6f9" if quarter % 2 == 0 else "#ffffff"
        body.append(f'<rect x="{x(first):.2f}" y="5.4" width="{x(first + 3) - x(first):.2f}" '
                    f'height="{height - 5.4:.2f}" fill="{shade}"/>')
        body.append(_text((x(first) + x(first + 3)) / 2, 9.6,
                          header["range"].format(a=first, b=first + 2), 2.5, MUTED, "middle"))
    for i, row in enumerate(rows):
        y = top + row_h * i
        indent = 3.0 if row.kind != "solution" else 0.0
        weight = 700 if row.kind == "solution" else 400
        colour = INK if row.kind == "solution" else "#40566b"
        lines = wrap(row.label, left - 3 - indent, size, 2) if labels else []
        for k, line in enumerate(lines):
            offset = (row_h - 3.4 * len(lines)) / 2 + 2.6 + 3.4 * k
            body.append(_text(indent, y + offset, line, size, colour, weight=weight))
        body.append(f'<line x1="0" y1="{y + row_h:.2f}" x2="{right:.2f}" y2="{y + row_h:.2f}" '
                    f'stroke="{GRID}" stroke-width="0.2"/>')
        if i and row.kind != "alongside" and rows[i - 1].kind != "prepare":
            # a new project (its preparation steps, then itself) starts here
            body.append(f'<line x1="0" y1="{y:.2f}" x2="{right:.2f}" y2="{y:.2f}" '
                        'stroke="#9aa5b1" stroke-width="0.4"/>')
        start, end = max(row.start, 1), min(row.end, months)
        if start > months:
            body.append(_text(x(months + 1) - 1, y + row_h / 2 + 1, header["beyond"].format(
                n=row.start), 2.5, MUTED, "end"))
            continue
        bar_y, bar_h = y + 2.0, row_h - 4.0
        fill = {"solution": PALETTE["company"], "prepare": PALETTE["target"]}.get(row.kind)
        x0, x1 = x(start), x(end + 1)
        if fill is None:  # alongside: outlined, it runs with the project
            body.append(f'<rect x="{x0:.2f}" y="{bar_y + 1:.2f}" width="{x1 - x0:.2f}" '
                        f'height="{bar_h - 2:.2f}" fill="none" stroke="{PALETTE["target"]}" '
                        'stroke-width="0.5" stroke-dasharray="1 0.6"/>')
        else:
            body.append(f'<rect x="{x0:.2f}" y="{bar_y:.2f}" width="{x1 - x0:.2f}" '
                        f'height="{bar_h:.2f}" rx="0.8" fill="{fill}"/>')
        if row.end > months:
            body.append(f'<polygon points="{x1:.2f},{bar_y - 0.6:.2f} {x1 + 2:.2f},'
                        f'{bar_y + bar_h / 2:.2f} {x1:.2f},{bar_y + bar_h + 0.6:.2f}" '
                        f'fill="{fill or PALETTE["target"]}"/>')
        label = (header["range"].format(a=row.start, b=row.end) if row.end != row.start
                 else str(row.start))
        inside = text_width(label, 2.4) + 1.5 < x1 - x0 and fill is not None
        if inside:
            body.append(_text((x0 + x1) / 2, bar_y + bar_h / 2 + 0.85, label, 2.4, "white",
                              "middle", 700))
        note = " ".join(t for t in ((label if not inside else ""), row.note) if t)
        if row.end > months:
            note = header["beyond"].format(n=row.end)
        if note:
            tx = x1 + (2.6 if row.end > months else 1.2)
            anchor = "start"
            if tx + text_width(note, 2.4) > right:
                tx, anchor = x0 - 1.2, "end"
            body.append(_text(tx, bar_y + bar_h / 2 + 0.85, note, 2.4, MUTED, anchor))
        for before in row.after:
            prev = rows[before]
            if prev.start > months:
                continue
            px = x(min(prev.end, months) + 1)
            py = top + row_h * before + row_h / 2
            body.append(f'<path d="M{px:.2f},{py + 1.9:.2f} L{px:.2f},{bar_y - 0.3:.2f}" '
                        f'stroke="#7a8699" stroke-width="0.35" fill="none"/>')
            body.append(f'<polygon points="{px - 0.9:.2f},{bar_y - 1.4:.2f} {px + 0.9:.2f},'
                        f'{bar_y - 1.4:.2f} {px:.2f},{bar_y:.2f}" fill="#7a8699"/>')
    return _svg_document(PAGE_WIDTH_MM, height, title, body)


def gantt_labels(rows: Sequence[GanttRow]) -> list[dict[str, Any]]:
    """The row names of ``gantt_svg(..., labels=False)`` for the page to set beside the bars:
    per row its text, kind (``solution`` in bold, steps indented) and the top padding (mm)
    that centres its one or two lines in the row's ``GANTT_ROW`` mm."""
    found = []
    for row in rows:
        indent = 3.0 if row.kind != "solution" else 0.0
        lines = len(wrap(row.label, GANTT_LEFT - 3 - indent, GANTT_SIZE, 2))
        found.append({"text": row.label, "kind": row.kind,
                      "pad": f"{(GANTT_ROW - 3.4 * lines) / 2:.2f}"})
    return found

"""Small inline SVG charts for self-contained HTML reports.

Each chart is one `<svg>` element to put straight into a page: no scripts, fonts or
stylesheets, nothing fetched; every label is escaped. Charts share a `Frame` (the plot
area and its scales), `ticks` and the axes, so new kinds of chart stay short.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 480, 260
# Space around the plot area for the title, tick labels and axis labels.
TOP, RIGHT, BOTTOM, LEFT = 42, 16, 46, 56
FONT = "font-family:system-ui,sans-serif;font-size:11px;fill:#333"
BAR = "#4e79a7"
SERIES_COLOURS = ("#4e79a7", "#e15759", "#59a14f", "#f28e2b")  # roc_curve and scatter series, in order
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Frame:
    """The plot area of a chart and the scales from data to pixels."""

    width: int
    height: int
    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float

    @property
    def left(self) -> float:
        return LEFT

    @property
    def right(self) -> float:
        return self.width - RIGHT

    @property
    def top(self) -> float:
        return TOP

    @property
    def bottom(self) -> float:
        return self.height - BOTTOM

    def x(self, value: float) -> float:
        span = (self.x_hi - self.x_lo) or 1.0
        return self.left + (value - self.x_lo) / span * (self.right - self.left)

    def y(self, value: float) -> float:
        span = (self.y_hi - self.y_lo) or 1.0
        return self.bottom - (value - self.y_lo) / span * (self.bottom - self.top)


# Verdict colours, the same as palette.css's --machine, --post-edited and --human (a test
# keeps them in step): machine warm, human cool, in every chart and page.
VERDICT_COLOURS = {"machine": "#c0392b", "post-edited": "#b7791f", "human": "#2b6cb0", "too-short": "#8a8f98",
                   "not-english": "#8a8f98"}
MARK = "#444"  # threshold lines


def histogram(values: Iterable[float], bins: int | Sequence[float], title: str, x_label: str, *,
              y_label: str = "documents", width: int = WIDTH, height: int = HEIGHT,
              groups: Sequence[str] | None = None, colours: Mapping[str, str] | None = None,
              marks: Sequence[tuple[float, str]] = (), filter_key: str | None = None) -> str:
    """Counts of `values` in `bins`: a number of equal bins over the values' range, or the
    bin edges. A bin holds lo <= v < hi, the last one also its upper edge; values outside
    the edges and NaN are left out.

    `groups` (one label per value, e.g. its verdict) stacks each bar by group, coloured by
    `colours`; `marks` draws labelled dashed lines at thresholds; `filter_key` makes each bar
    a control a page's script can read (data-key, data-lo, data-hi) to filter a table."""
    values = list(values)
    labels = list(groups) if groups is not None else [""] * len(values)
    if len(labels) != len(values):
        raise ValueError("groups must give one label per value")
    kept = [(float(v), g) for v, g in zip(values, labels) if not math.isnan(v)]
    data = [v for v, _ in kept]
    edges = _edges(data, bins)
    order = ([g for g in (colours or {}) if g in set(labels)] + sorted(set(labels) - set(colours or {}))
             if groups is not None else [""])
    stacks = {g: bin_counts([v for v, label in kept if label == g], edges) for g in order}
    counts = [sum(column) for column in zip(*stacks.values())] if stacks else [0] * (len(edges) - 1)
    y_ticks = ticks(0, max(counts, default=0) or 1)
    frame = Frame(width, height, edges[0], edges[-1], 0, y_ticks[-1])
    parts = [_open(frame, title), _axes(frame, ticks(edges[0], edges[-1]), y_ticks, x_label, y_label)]
    for k, (lo, hi, n) in enumerate(zip(edges, edges[1:], counts)):
        x0, x1 = frame.x(lo), frame.x(hi)
        what = f"{number(lo)}–{number(hi)}: {n:,}"
        split = [f"{stacks[g][k]:,} {g}" for g in order if g and stacks[g][k]]
        tip = _text(what + (f" ({', '.join(split)})" if split else ""))
        control = (f' class="bar" data-key="{escape(filter_key)}" data-lo="{lo:g}" data-hi="{hi:g}"'
                   f' data-last="{int(k == len(counts) - 1)}" tabindex="0" role="button"'
                   f' aria-label="{tip}, show these documents"') if filter_key else ""
        parts.append(f"<g{control}><title>{tip}</title>")
        # A transparent full-height target: a bar of one document is still easy to click.
        if filter_key:
            parts.append(f'<rect x="{x0:.1f}" y="{frame.top:.1f}" width="{max(x1 - x0, 1):.1f}" '
                         f'height="{frame.bottom - frame.top:.1f}" fill="transparent"/>')
        base = 0
        for g in order:
            m = stacks[g][k]
            if not m and n:
                continue
            y_top, y_base = frame.y(base + m), frame.y(base)
            fill = (colours or {}).get(g, BAR)
            parts.append(f'<rect x="{x0 + 0.5:.1f}" y="{y_top:.1f}" width="{max(x1 - x0 - 1, 0.5):.1f}" '
                         f'height="{y_base - y_top:.1f}" fill="{fill}"/>')
            base += m
        parts.append("</g>")
    parts.extend(_mark(frame, at, label) for at, label in marks if edges[0] <= at <= edges[-1])
    parts.append("</svg>")  # no legend inside: the page says what the colours mean, once for every chart
    return "".join(parts)


def _mark(frame: Frame, at: float, label: str) -> str:
    """A dashed vertical line at a threshold, labelled at its top."""
    x = frame.x(at)
    return (f'<g class="threshold"><line x1="{x:.1f}" y1="{frame.top - 4:.1f}" x2="{x:.1f}" y2="{frame.bottom:.1f}" '
            f'stroke="{MARK}" stroke-width="1.2" stroke-dasharray="5 3"/>'
            f'<text x="{x + 3:.1f}" y="{frame.top + 6:.1f}" font-size="10">{_text(label)}</text></g>')


def roc_curve(curves: Mapping[str, Sequence[tuple[float, float]]], title: str, *,
              x_label: str = "false-positive rate", y_label: str = "true-positive rate",
              width: int = 400, height: int = 360, marks: Sequence[tuple[float, float, str]] = (),
              note: str = "", colours: Sequence[str] | None = None) -> str:
    """ROC curves, one per label: (false-positive rate, true-positive rate) points from
    (0, 0) to (1, 1), over the dashed diagonal of guessing. `marks` are labelled points
    on the first curve (the operating points of thresholds); `note` a line under the title
    (the sample size, the intervals)."""
    frame = Frame(width, height, 0.0, 1.0, 0.0, 1.0)
    unit = ticks(0, 1)
    parts = [_open(frame, title, note), _axes(frame, unit, unit, x_label, y_label),
             f'<line x1="{frame.x(0):.1f}" y1="{frame.y(0):.1f}" x2="{frame.x(1):.1f}" y2="{frame.y(1):.1f}" '
             'stroke="#bbb" stroke-dasharray="4 3"/>']
    palette = list(colours or _colours())
    for colour, (label, points) in zip(palette, curves.items()):
        path = " ".join(f"{frame.x(x):.1f},{frame.y(y):.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2">'
                     f"<title>{_text(label)}</title></polyline>")
    for fpr, tpr, label in marks:
        x, y = frame.x(fpr), frame.y(tpr)
        parts.append(f'<g class="threshold"><circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#fff" stroke="{MARK}" '
                     f'stroke-width="2"><title>{_text(label)}</title></circle>'
                     f'<text x="{x + 8:.1f}" y="{y - 6:.1f}" font-size="10">{_text(label)}</text></g>')
    parts.append(_legend(frame, list(curves), corner="bottom-right", colours=palette))
    parts.append("</svg>")
    return "".join(parts)


def reliability_diagram(bins: Sequence[tuple[float, float, float]], title: str, *, x_label: str, y_label: str,
                        width: int = 400, height: int = 360, note: str = "", colour: str = MARK) -> str:
    """A reliability diagram: one dot per bin at (mean predicted probability, observed share),
    its area in proportion to the bin's weight (`bins`: (mean, share, weight)), joined in order,
    over the dashed diagonal a calibrated probability lies on."""
    frame = Frame(width, height, 0.0, 1.0, 0.0, 1.0)
    unit = ticks(0, 1)
    parts = [_open(frame, title, note), _axes(frame, unit, unit, x_label, y_label),
             f'<line x1="{frame.x(0):.1f}" y1="{frame.y(0):.1f}" x2="{frame.x(1):.1f}" y2="{frame.y(1):.1f}" '
             'stroke="#bbb" stroke-dasharray="4 3"/>']
    if bins:
        path = " ".join(f"{frame.x(p):.1f},{frame.y(q):.1f}" for p, q, _ in bins)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        heaviest = max(w for _, _, w in bins) or 1.0
        for p, q, w in bins:
            radius = 2.5 + 6.5 * math.sqrt(w / heaviest)
            tip = _text(f"likelihood {p:.2f}, MT share {q:.2f}, {w:.0%} of the weight")
            parts.append(f'<circle cx="{frame.x(p):.1f}" cy="{frame.y(q):.1f}" r="{radius:.1f}" fill="{colour}" '
                         f'fill-opacity="0.75"><title>{tip}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def scatter(series: Mapping[str, Sequence[tuple[float, float]]], title: str, x_label: str, y_label: str, *,
            width: int = WIDTH, height: int = HEIGHT, colours: Sequence[str] | None = None,
            emphasise: str | None = None, note: str = "") -> str:
    """(x, y) points, one colour per series, drawn in order (the last on top); NaN points
    are left out. The `emphasise`d series (a small one among many) gets bigger, outlined,
    opaque dots so it is not buried; `note` is a line under the title."""
    clean = {label: [(float(x), float(y)) for x, y in points if not (math.isnan(x) or math.isnan(y))]
             for label, points in series.items()}
    xs = [x for points in clean.values() for x, _ in points] or [0.0, 1.0]
    ys = [y for points in clean.values() for _, y in points] or [0.0, 1.0]
    x_ticks, y_ticks = ticks(min(xs), max(xs)), ticks(min(ys), max(ys))
    frame = Frame(width, height, x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1])
    parts = [_open(frame, title, note), _axes(frame, x_ticks, y_ticks, x_label, y_label)]
    palette = list(colours or _colours())
    for colour, (label, points) in zip(palette, clean.items()):
        strong = label == emphasise
        radius, opacity = (3.6, "0.95") if strong else (2.3, "0.4")
        outline = ' stroke="#fff" stroke-width="0.8"' if strong else ""
        dots = "".join(f'<circle cx="{frame.x(x):.1f}" cy="{frame.y(y):.1f}" r="{radius}"/>' for x, y in points)
        parts.append(f'<g fill="{colour}" fill-opacity="{opacity}"{outline}><title>{_text(label)}</title>{dots}</g>')
    parts.append(_legend(frame, list(clean), corner="top-right", colours=palette))
    parts.append("</svg>")
    return "".join(parts)


def standalone(chart: str) -> str:
    """A chart as a file of its own (.svg): the namespace a page supplies inline."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + chart.replace("<svg ", f'<svg xmlns="{SVG_NAMESPACE}" ',
                                                                      1) + "\n"


def _colours() -> Iterable[str]:
    return SERIES_COLOURS + tuple(f"hsl({h},55%,45%)" for h in range(15, 360, 40))


def _legend(frame: Frame, labels: Sequence[str], corner: str, colours: Sequence[str] | None = None) -> str:
    line = 14
    x = frame.right - 8 if corner.endswith("right") else frame.left + 8
    y0 = frame.bottom - 8 - line * (len(labels) - 1) if corner.startswith("bottom") else frame.top + 12
    anchor = "end" if corner.endswith("right") else "start"
    swatch = -10 if anchor == "end" else 0
    text_x = x - 14 if anchor == "end" else x + 14
    box_width = 24 + 6.5 * max((len(label) for label in labels), default=0)  # about 6.5 px a character at 11 px
    box_x = x - box_width + 2 if anchor == "end" else x - 4
    backdrop = (f'<rect x="{box_x:.1f}" y="{y0 - 12:.1f}" width="{box_width:.1f}" height="{line * len(labels) + 4}" '
                'fill="#fff" fill-opacity="0.85"/>')
    return backdrop + "".join(
        f'<rect x="{x + swatch:.1f}" y="{y0 + i * line - 8:.1f}" width="10" height="10" fill="{colour}"/>'
        f'<text x="{text_x:.1f}" y="{y0 + i * line + 1:.1f}" text-anchor="{anchor}">{_text(label)}</text>'
        for i, (colour, label) in enumerate(zip(colours or _colours(), labels)))


def bin_counts(values: Iterable[float], edges: Sequence[float]) -> list[int]:
    counts = [0] * (len(edges) - 1)
    lo, hi = edges[0], edges[-1]
    for v in values:
        if lo <= v <= hi:
            counts[min(bisect_right(edges, v) - 1, len(counts) - 1)] += 1
    return counts


def ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About `count` round values from lo up to at least hi (1, 2 or 5 times a power of ten apart)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    out = [start]
    while out[-1] < hi - step * 1e-9:
        out.append(round(out[-1] + step, 12))
    return out


def number(value: float) -> str:
    """A tick or tooltip number: no trailing zeros, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _edges(data: list[float], bins: int | Sequence[float]) -> list[float]:
    if not isinstance(bins, int):
        edges = [float(e) for e in bins]
        if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
            raise ValueError("bin edges must be at least two increasing numbers")
        return edges
    if bins < 1:
        raise ValueError("the number of bins must be positive")
    lo, hi = (min(data), max(data)) if data else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return [lo + (hi - lo) * i / bins for i in range(bins)] + [hi]


def _open(frame: Frame, title: str, note: str = "") -> str:
    """The <svg> element, its title, and an optional note in small type under the title
    (which then needs the extra room NOTE_ROOM above the plot)."""
    label = title + (f" ({note})" if note else "")
    shown = (f'<text x="{frame.width / 2:.1f}" y="30" text-anchor="middle" font-size="10" fill="#555">'
             f"{_text(note)}</text>") if note else ""
    return (f'<svg class="chart" width="{frame.width}" height="{frame.height}" viewBox="0 0 {frame.width} '
            f'{frame.height}" '
            f'role="img" aria-label="{escape(label, quote=True)}" style="{FONT}">'
            f"<title>{_text(label)}</title>"
            f'<text x="{frame.width / 2:.1f}" y="16" text-anchor="middle" font-weight="600">{_text(title)}</text>'
            + shown)


def _axes(frame: Frame, x_ticks: Sequence[float], y_ticks: Sequence[float], x_label: str, y_label: str) -> str:
    parts = [f'<g stroke="#999" stroke-width="1"><line x1="{frame.left}" y1="{frame.bottom}" x2="{frame.right}" '
             f'y2="{frame.bottom}"/><line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" '
             f'y2="{frame.bottom}"/></g>']
    for t in x_ticks:
        if frame.x_lo - 1e-9 <= t <= frame.x_hi + 1e-9:
            x = frame.x(t)
            parts.append(f'<line x1="{x:.1f}" y1="{frame.bottom}" x2="{x:.1f}" y2="{frame.bottom + 4}" stroke="#999"/>'
                         f'<text x="{x:.1f}" y="{frame.bottom + 16}" text-anchor="middle">{_text(number(t))}</text>')
    for t in y_ticks:
        y = frame.y(t)
        parts.append(f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.right}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end">{_text(number(t))}</text>')
    parts.append(f'<text x="{(frame.left + frame.right) / 2:.1f}" y="{frame.height - 8}" text-anchor="middle">'
                 f"{_text(x_label)}</text>")
    mid = (frame.top + frame.bottom) / 2
    parts.append(f'<text x="14" y="{mid:.1f}" text-anchor="middle" transform="rotate(-90 14 {mid:.1f})">'
                 f"{_text(y_label)}</text>")
    return "".join(parts)


def _text(s: str) -> str:
    return escape(s, quote=False)

"""Small inline SVG line charts for the HTML report (no JavaScript, no external assets)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

COLOURS = {"hybrid": "#1b6ca8", "dense": "#d1495b", "bm25": "#edae49", "naive": "#66a182"}
_FALLBACK = ("#1b6ca8", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#444444")


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[float, float]]
    dots: bool = True  # mark each point


@dataclass(frozen=True)
class Marker:
    label: str
    x: float
    y: float


def line_chart(series: Sequence[Series], *, title: str, x_label: str, y_label: str,
               x_range: tuple[float, float] = (0.0, 1.0), y_range: tuple[float, float] = (0.0, 1.0),
               x_ticks: Sequence[float] | None = None, markers: Sequence[Marker] = (),
               width: int = 440, height: int = 300) -> str:
    left, right, top, bottom = 52, 110, 28, 44
    pw, ph = width - left - right, height - top - bottom
    (x0, x1), (y0, y1) = x_range, y_range

    def sx(x: float) -> float:
        return left + (x - x0) / ((x1 - x0) or 1) * pw

    def sy(y: float) -> float:
        return top + ph - (y - y0) / ((y1 - y0) or 1) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
           f'<text x="{left}" y="16" class="title">{escape(title)}</text>',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>']
    for i in range(6):
        y = y0 + (y1 - y0) * i / 5
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
    for x in x_ticks if x_ticks is not None else [x0 + (x1 - x0) * i / 5 for i in range(6)]:
        label = f"{x:g}" if x_ticks is not None else f"{x:.1f}"
        out.append(f'<text x="{sx(x):.1f}" y="{top + ph + 16}" text-anchor="middle">{label}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">'
               f'{escape(x_label)}</text>')
    out.append(f'<text transform="translate(14,{top + ph / 2:.1f}) rotate(-90)" text-anchor="middle">'
               f'{escape(y_label)}</text>')
    for n, s in enumerate(series):
        colour = COLOURS.get(s.name, _FALLBACK[n % len(_FALLBACK)])
        pts = list(s.points)
        if not pts:
            continue
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if s.dots:
            out += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in s.points]
        ly = top + 14 + 16 * n
        out.append(f'<line x1="{left + pw + 10}" x2="{left + pw + 28}" y1="{ly - 4}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{left + pw + 32}" y="{ly}">{escape(s.name)}</text>')
    for mk in markers:
        out.append(f'<circle cx="{sx(mk.x):.1f}" cy="{sy(mk.y):.1f}" r="5" fill="none" stroke="#000" '
                   f'stroke-width="1.5"/>')
        anchor, dx = ("end", -8) if sx(mk.x) > left + pw / 2 else ("start", 8)
        out.append(f'<text x="{sx(mk.x) + dx:.1f}" y="{sy(mk.y) - 8:.1f}" text-anchor="{anchor}">'
                   f'{escape(mk.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)

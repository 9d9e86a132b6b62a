"""Charts drawn by the app itself as inline SVG: no JavaScript, no external service.

Every chart is an `<svg role="img">` with a <title> and a <desc> that say what it shows, and
every bar, point and tile has its own <title> with its figure. Bars are horizontal so that long
names stay readable on a phone. Labels are escaped here; the result is safe to mark as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

#: Okabe–Ito colours: told apart with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"]
WIDTH = 640
FONT = 'font-family="inherit" font-size="13"'


def _num(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(float(value), 1), decimal_pos=1, force_grouping=True)


def _nice_max(value: float) -> float:
    """A round upper end for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _short(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _open(
    uid: str, title: str, desc: str, width: float, height: float, kind: str = ""
) -> list[str]:
    return [
        f'<svg class="{" ".join(["chart", kind]).strip()}" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {width:g} {height:g}" width="{width:g}" role="img"'
        f' aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]


def _legend(
    series: Sequence[str], y: float, *, dashed: Sequence[bool] = ()
) -> tuple[list[str], float]:
    """The legend, wrapped over as many lines as it needs; returns its parts and its bottom."""
    parts = ['<g class="legend">']
    x = 8.0
    for i, label in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        width = 34 + 7.2 * len(label)
        if x > 8 and x + width > WIDTH:
            x, y = 8.0, y + 22
        if dashed and dashed[i]:
            parts.append(
                f'<line x1="{x:g}" y1="{y + 6:g}" x2="{x + 18:g}" y2="{y + 6:g}" stroke="{colour}"'
                ' stroke-width="3" stroke-dasharray="5 3"/>'
            )
        else:
            parts.append(
                f'<rect x="{x:g}" y="{y:g}" width="14" height="12" rx="2" fill="{colour}"/>'
            )
        parts.append(f'<text x="{x + 22:g}" y="{y + 11:g}" {FONT}>{escape(label)}</text>')
        x += width
    parts.append("</g>")
    return parts, y + 12


def bar_chart(
    uid: str,
    title: str,
    desc: str,
    items: Sequence[tuple[str, float | int | None]],
    *,
    reference: tuple[float, str] | None = None,
) -> SafeString:
    """Horizontal bars, one per item, with the figure at the end of each bar; optionally a
    vertical reference line (a target or limit) with its label."""
    label_w, row_h, top = 220, 28, 28 if reference else 8
    plot_w = WIDTH - label_w - 70
    height = top + row_h * max(len(items), 1) + 8
    values = [v or 0 for _, v in items]
    scale_max = _nice_max(max([*values, reference[0] if reference else 0, 0]))
    parts = _open(uid, title, desc, WIDTH, height)
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        length = plot_w * (value or 0) / scale_max
        parts.append("<g>")
        parts.append(f"<title>{escape(label)}: {_num(value)}</title>")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" {FONT}>'
            f"{escape(_short(label))}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}"'
            f' rx="2" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{label_w + length + 6:.1f}" y="{y + 18}" {FONT}>{_num(value)}</text>'
        )
        parts.append("</g>")
    if reference:
        x = label_w + plot_w * reference[0] / scale_max
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4}" stroke="#D55E00"'
            ' stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="#8a3300" {FONT}>'
            f"{escape(reference[1])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above


def stacked_bar_chart(
    uid: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | int]]],
    *,
    label_width: int = 110,
) -> SafeString:
    """Horizontal stacked bars: one bar per category, one coloured part per series, with the
    total at the end and a legend above."""
    legend, legend_bottom = _legend([label for label, _ in series], 8)
    label_w, row_h, top = label_width, 28, legend_bottom + 14
    plot_w = WIDTH - label_w - 60
    height = top + row_h * max(len(categories), 1) + 8
    totals = [sum(values[i] or 0 for _, values in series) for i in range(len(categories))]
    scale_max = _nice_max(max([*totals, 0]))
    parts = _open(uid, title, desc, WIDTH, height) + legend
    for i, category in enumerate(categories):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" {FONT}>'
            f"{escape(_short(category, label_w // 7))}</text>"
        )
        x = float(label_w)
        for j, (label, values) in enumerate(series):
            value = values[i] or 0
            if not value:
                continue
            length = plot_w * value / scale_max
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}"'
                f' fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(category)}, '
                f"{escape(label)}: {_num(value)}</title></rect>"
            )
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 18}" {FONT}>{_num(totals[i])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above


def line_chart(
    uid: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    dashed: Sequence[bool] = (),
) -> SafeString:
    """Lines over a shared x axis (months), with a y axis from zero and a legend above. A None
    value leaves a gap (e.g. months still to come)."""
    legend, legend_bottom = _legend([label for label, _ in series], 8, dashed=dashed)
    left, right, top, bottom = 52, 16, legend_bottom + 16, 34
    height = 264 + top
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    scale_max = _nice_max(max([*values, 0]))
    count = max(len(x_labels), 1)

    def x_at(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h - plot_h * v / scale_max

    parts = _open(uid, title, desc, WIDTH, height) + legend
    for k in range(5):
        v = scale_max * k / 4
        y = y_at(v)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="#d9dee5"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{_num(v)}</text>'
        )
    step = max(1, math.ceil(count / 7))
    for i, label in enumerate(x_labels):
        if i % step == 0:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{height - 12}" text-anchor="middle" {FONT}>'
                f"{escape(label)}</text>"
            )
    for j, (label, vs) in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if dashed and dashed[j] else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(vs):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_at(i):.1f},{y_at(v):.1f}")
        if segment:
            segments.append(segment)
        parts.append(f"<g><title>{escape(label)}</title>")
        for points in segments:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash}'
                f' points="{" ".join(points)}"/>'
            )
        if count <= 40:
            for i, v in enumerate(vs):
                if v is not None:
                    parts.append(
                        f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="3" fill="{colour}">'
                        f"<title>{escape(x_labels[i])}, {escape(label)}: {_num(v)}</title>"
                        "</circle>"
                    )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above


#: The twelve provinces as tiles laid out roughly as they lie on the map: (column, row).
TILES: dict[str, tuple[int, int]] = {
    "FR": (1, 0),
    "GR": (2, 0),
    "NH": (0, 1),
    "FL": (1, 1),
    "DR": (2, 1),
    "ZH": (0, 2),
    "UT": (1, 2),
    "OV": (2, 2),
    "ZE": (0, 3),
    "NB": (1, 3),
    "GE": (2, 3),
    "LI": (2, 4),
}
#: Light to dark blue; the text on the two darkest is white.
SHADES = ["#eef2f6", "#cfe3f3", "#9ecae9", "#5aa1d3", "#1f6fae", "#0b4a7d"]


def tile_map(
    uid: str, title: str, desc: str, names: dict[str, str], values: dict[str, int]
) -> SafeString:
    """A tile map of the Netherlands: one tile per province, shaded by its figure."""
    tile_w, tile_h, gap = 104, 72, 5
    width = 3 * (tile_w + gap) + gap
    height = 5 * (tile_h + gap) + gap
    top = max(values.values(), default=0)
    parts = _open(uid, title, desc, width, height, "map")
    for code, (col, row) in TILES.items():
        value = values.get(code, 0)
        level = 0 if not value or not top else 1 + min(4, math.floor(5 * value / top - 1e-9))
        fill = SHADES[level]
        ink = "#ffffff" if level >= 4 else "#1a2230"
        x, y = gap + col * (tile_w + gap), gap + row * (tile_h + gap)
        name = names.get(code, code)
        parts.append(
            f"<g><title>{escape(name)}: {_num(value)}</title>"
            f'<rect x="{x}" y="{y}" width="{tile_w}" height="{tile_h}" rx="8" fill="{fill}"'
            ' stroke="#8896a8"/>'
            f'<text x="{x + tile_w / 2:g}" y="{y + 26}" text-anchor="middle" fill="{ink}"'
            f" {FONT}>{escape(name)}</text>"
            f'<text x="{x + tile_w / 2:g}" y="{y + 56}" text-anchor="middle" fill="{ink}"'
            f' font-size="24" font-weight="700">{_num(value)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above

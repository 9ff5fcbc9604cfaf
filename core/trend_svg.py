"""A measure's trend as a server-rendered SVG (no script, no CDN) and the same numbers as table rows.

The chart: sessions left to right by date, the instrument's whole total range bottom to top, its
severity bands as shaded strips each labelled in words (colour never carries meaning alone), the
cutoff as a dashed line, the totals joined by a line, and a ring marked "RC" on each total whose change
from the first one is reliable (improved or worsened, said in its <title>). `role="img"` with a title
and a description; every text is escaped. The same SVG goes into the page and the PDF.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from activities.instruments import Instrument, total_range

WIDTH, HEIGHT = 660, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 180, 16, 40  # margins: y numbers left, band labels right, dates below
MAX_DATE_LABELS = 8
# Strip shades from the mildest band to the most severe (light, so the line and labels read on all of them).
SHADES = ("#e8f3e8", "#f3f3dc", "#fbeedd", "#f9e1d6", "#f3d3d3", "#ecc8cf")
RELIABLE = ("improved", "worsened")


@dataclass(frozen=True)
class ChartPoint:
    day: date
    value: float
    change: str | None = None  # reliable change from the first point, in words


def day_words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _bands_in_order(inst: Instrument) -> list:
    """Bands from the mildest to the most severe (for shading), whichever way the instrument counts."""
    bands = sorted(inst.bands, key=lambda b: b.min)
    return bands if inst.higher_is == "worse" else bands[::-1]


def chart(inst: Instrument, points: Sequence[ChartPoint], chart_id: str, *, what: str = "totals") -> Markup:
    """The SVG for one series; `chart_id` makes the title/desc ids unique on the page; `what` names
    the values ("totals", "group means")."""
    low, high = total_range(inst)
    span = max(high - low, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    cid = escape(chart_id)

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / span * plot_h

    def x(i: int) -> float:
        if len(points) <= 1:
            return LEFT + plot_w / 2
        return LEFT + 12 + i * (plot_w - 24) / (len(points) - 1)

    title = f"{inst.title}: {what} over {len(points)} session{'s' if len(points) != 1 else ''}"
    desc = _description(inst, points, what)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{cid}-t {cid}-d">',
           f'<title id="{cid}-t">{escape(title)}</title>', f'<desc id="{cid}-d">{escape(desc)}</desc>']
    shades = {b.label: SHADES[min(i, len(SHADES) - 1)] for i, b in enumerate(_bands_in_order(inst))}
    for band in inst.bands:
        top, bottom = y(band.max + 1 if band.max < high else high), y(band.min)
        out.append(f'<rect class="band" x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}" '
                   f'fill="{shades[band.label]}"/>')
        out.append(f'<text class="band-label" x="{LEFT + plot_w + 6}" y="{(top + bottom) / 2 + 4:.1f}" '
                   f'font-size="12" fill="#333">{escape(band.label)} ({band.min}–{band.max})</text>')
        if band.min > low:
            out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{bottom:.1f}" y2="{bottom:.1f}" '
                       f'stroke="#ffffff" stroke-width="1"/>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>')
    for value in sorted({low, high, *(b.min for b in inst.bands)} | ({inst.cutoff} if inst.cutoff else set())):
        out.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" font-size="11" text-anchor="end" '
                   f'fill="#333">{value}</text>')
    if inst.cutoff is not None:
        cy = y(inst.cutoff)
        out.append(f'<line class="cutoff" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{cy:.1f}" y2="{cy:.1f}" '
                   f'stroke="#444" stroke-width="1.5" stroke-dasharray="6 4"><title>Cutoff {inst.cutoff}</title></line>')
        out.append(f'<text x="{LEFT + 4}" y="{cy - 4:.1f}" font-size="11" fill="#222">cutoff {inst.cutoff}</text>')
    step = max(1, -(-len(points) // MAX_DATE_LABELS))
    for i, p in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            out.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 16}" font-size="11" text-anchor="middle" '
                       f'fill="#333">{escape(f"{p.day.day} {p.day:%b}")}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" font-size="11" text-anchor="middle" '
               f'fill="#555">Session date · {"higher is worse" if inst.higher_is == "worse" else "higher is better"}</text>')
    if len(points) > 1:
        path = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        out.append(f'<polyline points="{path}" fill="none" stroke="#1f4e79" stroke-width="2"/>')
    for i, p in enumerate(points):
        px, py = x(i), y(p.value)
        label = f"{day_words(p.day)}: {_fmt(p.value)}"
        if p.change in RELIABLE:
            label += f" (reliable change from the first: {p.change})"
        out.append(f'<g class="point"><title>{escape(label)}</title>'
                   f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#1f4e79"/>')
        if p.change in RELIABLE:
            out.append(f'<circle class="rc" cx="{px:.1f}" cy="{py:.1f}" r="9" fill="none" stroke="#000" '
                       f'stroke-width="2"/><text x="{px:.1f}" y="{py - 13:.1f}" font-size="11" font-weight="bold" '
                       f'text-anchor="middle" fill="#000">RC{"↓" if p.value < points[0].value else "↑"}</text>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def _description(inst: Instrument, points: Sequence[ChartPoint], what: str) -> str:
    if not points:
        return f"No {what} yet."
    first, last = points[0], points[-1]
    words = (f"{inst.title} {what}, range {total_range(inst)[0]} to {total_range(inst)[1]}, "
             f"{'higher is worse' if inst.higher_is == 'worse' else 'higher is better'}. "
             f"First {_fmt(first.value)} on {day_words(first.day)}")
    if len(points) > 1:
        words += f", latest {_fmt(last.value)} on {day_words(last.day)}"
    words += "."
    reliable = [p for p in points if p.change in RELIABLE]
    if reliable:
        words += " Reliable change from the first: " + "; ".join(f"{p.change} on {day_words(p.day)}" for p in reliable) + "."
    return words


def member_chart(inst: Instrument, points, chart_id: str) -> Markup:
    """A member's series (core.trends.Point) as a chart."""
    return chart(inst, [ChartPoint(p.date, p.total, p.from_baseline) for p in points], chart_id)


def means_chart(inst: Instrument, points, chart_id: str) -> Markup:
    """The group's means (core.trends.MeanPoint) as a chart (no reliable change: it is a person's measure)."""
    return chart(inst, [ChartPoint(p.date, p.mean) for p in points], chart_id, what="group means")


def table_rows(points) -> list[dict]:
    """The numbers beside a member's chart: date, session, total, band, change from the first and the last."""
    return [{"date": day_words(p.date), "title": p.title, "total": p.total, "band": p.band or "—",
             "from_baseline": p.from_baseline or ("first score" if i == 0 else "—"),
             "from_previous": p.from_previous or "—",
             "source": {"phone": "in the session", "paper": "on paper", "before": "before the session"}.get(p.source,
                                                                                                           p.source)}
            for i, p in enumerate(points)]


def _about(inst: Instrument) -> dict:
    low, high = total_range(inst)
    return {"title": inst.title, "name": inst.name, "range": f"totals {low} to {high}",
            "direction": "higher is worse" if inst.higher_is == "worse" else "higher is better",
            "reliable_change": inst.reliable_change}


def member_blocks(series: dict, prefix: str = "trend") -> list[dict]:
    """What trends_macros.trend_block shows for each instrument of a member (core.trends.member_series)."""
    from core.trends import known_instrument

    blocks = []
    for n, (instrument_id, points) in enumerate(series.items()):
        inst = known_instrument(instrument_id)
        if inst is None or not points:
            continue
        chart_id = f"{prefix}-{n}"
        blocks.append({**_about(inst), "id": chart_id, "instrument": instrument_id,
                       "svg": member_chart(inst, points, chart_id), "rows": table_rows(points)})
    return blocks


def group_blocks(means: dict, left_out: dict, prefix: str = "means") -> list[dict]:
    """What trends_macros.means_block shows for each instrument of a group (core.trends.group_trends)."""
    from core.trends import MIN_FOR_MEAN, known_instrument

    blocks = []
    for n, instrument_id in enumerate(means):
        inst = known_instrument(instrument_id)
        if inst is None:
            continue
        chart_id = f"{prefix}-{n}"
        points = means[instrument_id]
        blocks.append({**_about(inst), "id": chart_id, "instrument": instrument_id, "min_n": MIN_FOR_MEAN,
                       "svg": means_chart(inst, points, chart_id) if points else Markup(""),
                       "rows": [{"date": day_words(p.date), "title": p.title, "mean": _fmt(p.mean), "n": p.n}
                                for p in points],
                       "left_out": [{"date": day_words(lo.date), "title": lo.title, "n": lo.n}
                                    for lo in left_out.get(instrument_id, [])]})
    return blocks

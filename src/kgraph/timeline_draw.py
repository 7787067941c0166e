"""A timeline picture: one lane per actor, intervals as bars, points as marks, the quote on hover.

A relation still in force (``2000/..``) runs to the axis's end with a dashed outline; one that
ended when the text does not say (``2000/``) fades out after its start, never drawn as ending
then; a date the text gives as approximate, uncertain or with unspecified digits is drawn pale.

Drawn as plain SVG (a chart on a time axis, not a graph layout); the HTML page wraps the same SVG.
Text reaches the SVG only through XML escaping, so no label can become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kgraph.entitygraph import EntityGraph
    from kgraph.network import Moment

LANE_LABEL = 250  # px for the actor names (longer ones are cut, whole on hover)
ROW = 18  # px per row; a lane stacks rows so that no two items overlap
CHAR = 6.0  # px per character of 10 px text, for packing labels
#: Years over which a bar whose end is unknown (``2000/``) fades out: it lasted some time after its
#: start, how long the text does not say.
FADE = 8.0


@dataclass(frozen=True)
class Item:
    """One thing on a lane: a bar from ``start`` to ``end`` (years, fractional), or a mark."""

    lane: str
    start: float
    end: float
    point: bool
    label: str
    tip: str
    colour: str
    #: It ended, the text does not say when (``2000/``): drawn fading out, not ending at its start.
    unknown_end: bool = False
    #: Its date is approximate, uncertain or has unspecified digits: drawn pale.
    doubtful: bool = False


def _year(day: str) -> float:
    year, month, dom = (int(p) for p in day[:10].split("-"))
    return year + (month - 1) / 12 + (dom - 1) / 365


def _bounds(when: str) -> tuple[str | None, str | None]:
    """The first and last day a date or interval as written can mean (None where open or unknown)."""
    from kgraph.dates import Edtf, bounds

    return bounds(Edtf.parse(when), None, None)


def items(eg: EntityGraph, moments: list[Moment], focus: str | None = None) -> list[Item]:
    """Moments as lane items: a relation sits on its subject's lane (its object's when the
    subject is the selected actor), an event or treaty on its own."""
    from kgraph.draw import colour, type_colours

    colours = type_colours(eg.vocabulary)
    out = []
    for m in moments:
        if m.edge is not None:
            e = m.edge
            lane, other = (e.object, e.subject) if e.subject == focus else (e.subject, e.object)
            first = e.earliest or e.latest or m.earliest  # only an end: a mark there
            last = e.latest
            label = (
                f"{e.predicate_label} {eg.entities[e.object].label}"
                if lane == e.subject
                else f"{eg.entities[e.subject].label} {e.predicate_label}"
            )
            tip = f"{eg.entities[e.subject].label} {e.predicate_label} {eg.entities[e.object].label} ({_when(m)})" + (
                f"\n\u201c{e.quote}\u201d" if e.quote else ""
            )
            fill = colour(eg.entities[other].type, colours)
        elif m.entity is not None:
            info = m.entity
            lane, label = info.id, info.label
            opens, last = _bounds(m.when)
            first = opens or last or m.earliest  # "../1953": known only by its end, marked there
            tip = f"{info.label} ({info.type}, {_when(m)})" + (f"\n{info.description}" if info.description else "")
            fill = colour(info.type, colours)
        else:  # pragma: no cover - a Moment is one or the other
            continue
        start = _year(first)
        open_end = "/" in m.when and m.when.endswith("/..")
        doubts = m.doubts
        unknown_end = "end unknown" in doubts
        end = _year(last) if last else start
        if unknown_end:  # from the end of its start's grain (2000/: 2000-12-31), fading out
            end = _year(_bounds(m.when.split("/")[0])[1] or first) + FADE
        point = "/" not in m.when and end - start <= 1.0
        if open_end:
            end = float("inf")
        doubtful = any(d in doubts for d in ("approximate", "uncertain", "unspecified"))
        out.append(Item(lane, start, end, point, label, tip, fill, unknown_end, doubtful))
    return out


def _when(m: Moment) -> str:
    """The date as given, with what leaves it unsure (``2000/: end unknown``)."""
    return f"{m.when}: {', '.join(m.doubts)}" if m.doubts else m.when


def to_svg(eg: EntityGraph, moments: list[Moment], title: str, focus: str | None = None, year_px: float = 11.0) -> str:
    """The timeline as a standalone SVG document."""
    found = items(eg, moments, focus)
    if not found:
        return _svg(title, 600, 80, ['<text x="10" y="60">no dated relations or events</text>'])
    finite = [i.end for i in found if i.end != float("inf")] + [i.start for i in found]
    low, high = int(min(finite)), int(max(finite)) + 1
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if (high - low) / s <= 16)
    low, high = low - low % step, high + (-high) % step
    width = LANE_LABEL + (high - low) * year_px + 160

    def x(year: float) -> float:
        return round(LANE_LABEL + (min(year, high) - low) * year_px, 1)

    lanes: dict[str, list[Item]] = {}
    for item in sorted(found, key=lambda i: (i.start, i.label)):
        lanes.setdefault(item.lane, []).append(item)
    body: list[str] = []
    fades: set[str] = set()  # the colours of bars that fade out
    y = 50
    in_order = sorted(lanes, key=lambda k: (min(i.start for i in lanes[k]), eg.entities[k].label))
    for rows_total, lane in enumerate(in_order):
        rows: list[float] = []  # the x where each row is free again
        placed = []
        for item in lanes[lane]:
            left = x(item.start)
            right = max(x(item.end), left + 8) + 4 + CHAR * len(item.label) + 8
            row = next((r for r, free in enumerate(rows) if free <= left), len(rows))
            if row == len(rows):
                rows.append(0.0)
            rows[row] = right
            placed.append((row, item))
        height = max(1, len(rows)) * ROW + 6
        if rows_total % 2 == 0:
            body.append(f'<rect class="lane" x="0" y="{y}" width="{width:.0f}" height="{height}" fill="#f4f6f8"/>')
        name = eg.entities[lane].label
        body.append(
            f'<text class="actor" x="{LANE_LABEL - 8}" y="{y + 14}" text-anchor="end">'
            f"<title>{escape(name)}</title>{escape(_cut(name, 38))}</text>"
        )
        for row, item in placed:
            top = y + 3 + row * ROW
            left = x(item.start)
            tip = f"<title>{escape(item.tip)}</title>"
            pale = ' fill-opacity="0.45"' if item.doubtful else ""
            if item.point:
                cx, cy = left, top + 7
                shape = (
                    f'<path class="mark" d="M{cx},{cy - 6}L{cx + 6},{cy}L{cx},{cy + 6}'
                    f'L{cx - 6},{cy}Z" fill="{item.colour}"{pale} stroke="#444"/>'
                )
                text_x = cx + 9
            else:
                right = max(x(item.end), left + 3)
                dash = ' stroke-dasharray="3,2"' if item.end == float("inf") else ""
                if item.unknown_end:  # a gradient to nothing, outline too: no end is drawn
                    fades.add(item.colour)
                    paint, kind = f'fill="url(#{_fade_id(item.colour)})" stroke="url(#fade-edge)"', "bar unknown-end"
                else:
                    paint, kind = f'fill="{item.colour}"{pale} stroke="#444"{dash}', "bar"
                shape = (
                    f'<rect class="{kind}" x="{left}" y="{top + 1}" width="{right - left:.1f}" '
                    f'height="12" rx="3" {paint}/>'
                )
                text_x = right + 4
            body.append(
                f'<g class="item">{tip}{shape}<text x="{text_x:.1f}" y="{top + 11}">{escape(item.label)}</text></g>'
            )
        y += height
    axis = []
    for year in range(low, high + 1, step):
        axis.append(
            f'<line x1="{x(year)}" y1="40" x2="{x(year)}" y2="{y}" stroke="#ccc"/>'
            f'<text class="year" x="{x(year)}" y="36" text-anchor="middle">{year}</text>'
        )
    return _svg(title, width, y + 20, _fade_defs(fades) + axis + body)


def _fade_id(colour: str) -> str:
    return "fade-" + "".join(ch for ch in colour if ch.isalnum())


def _fade_defs(colours: set[str]) -> list[str]:
    """Left-to-right gradients from each colour (and from the outline's grey) to transparent."""
    if not colours:
        return []

    def gradient(gid: str, colour: str) -> str:
        return (
            f'<linearGradient id="{gid}" x1="0" y1="0" x2="1" y2="0">'
            f'<stop offset="0" stop-color="{colour}"/><stop offset="1" stop-color="{colour}" stop-opacity="0"/>'
            "</linearGradient>"
        )

    stops = [gradient("fade-edge", "#444")] + [gradient(_fade_id(c), escape(c)) for c in sorted(colours)]
    return ["<defs>" + "".join(stops) + "</defs>"]


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "\u2026"


def _svg(title: str, width: float, height: float, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica,Arial,sans-serif" '
        'font-size="10">\n<rect width="100%" height="100%" fill="#ffffff"/>\n'
        "<style>.actor{font-size:11px;font-weight:bold}.year{font-size:10px;fill:#555}"
        ".item:hover text{font-weight:bold}</style>\n"
        f'<text x="10" y="20" font-size="15">{escape(title)}</text>\n' + "\n".join(parts) + "\n</svg>\n"
    )


def to_html(svg: str, title: str) -> str:
    """The timeline SVG in a page of its own; hovering an item shows its quote (SVG titles)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>\n<style>body{{margin:0;background:#fff}}"
        ".item{cursor:help}</style></head>\n<body>\n" + svg + "</body></html>\n"
    )

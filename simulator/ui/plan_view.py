"""The floor plan as an interactive picture: SVG drawn from the plan, hover texts, a legend.

The hall (one floor, or every floor of a building laid out in one picture) is drawn in metres
in SVG: floors, waiting zones with their seats, obstacles and closed-off blocks, walls, doors,
kiosks, the information desk, stairs and lifts, and counters with their agency written beside
them on the side facing the open floor (turned upright along rows of counters, never over a
wall). Every counter carries its full agency name, slot and figures as a hover text.

The same drawing is the stage of the day played on the plan (:mod:`simulator.ui.playback`);
:func:`plan_page` wraps it, coloured by p90 wait against the target, into one self-contained
HTML page (no network) for the app or a file. Nothing here imports Streamlit.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from simulator.experiment import ExperimentResult
from simulator.floorplan.building import zone_names
from simulator.floorplan.model import WALL_THICKNESS_M, Building, FloorPlan, Line, Zone
from simulator.inputs import read_floorplan
from simulator.metrics import OVERALL
from simulator.scenario import Scenario
from simulator.ui.colours import EMPTY_SLOT, NO_VISITORS, WAIT_STOPS, wait_colour, wait_gradient
from simulator.ui.i18n import Translator, agency_names
from simulator.ui.numbers import number
from simulator.walking import EXIT, INFO, KIOSK, SiteLayout

__all__ = [
    "COUNTER_R_M",
    "PLAN_CHROME_PX",
    "Hall",
    "Key",
    "Panel",
    "QueueInfo",
    "asset",
    "building_of",
    "counter_colours",
    "drawn_kinds",
    "fit_label",
    "hall_of",
    "legend_html",
    "node_levels",
    "open_side",
    "page",
    "plan_keys",
    "plan_page",
    "plan_svg",
    "queue_infos",
    "stage_div",
    "zone_label_box",
    "zone_label_point",
]

XY = tuple[float, float]

PAD_M = 1.0
"""Margin around each floor, metres."""
TITLE_M = 1.8
"""Room above each floor of a building for its name, metres."""
GAP_M = 1.5
"""Space between two floors of a building, metres."""
DESIGN_WIDTH_PX = 940
"""The width the picture is drawn for (the app's main column at 1440 px with the sidebar):
label sizes are chosen to be about 12 px there."""
PLAN_CHROME_PX = 120
"""Height of the plan page around the plan (title, legend) at 1440x900, pixels."""
COUNTER_R_M = 0.34
"""Radius of a counter's dot, metres."""

_FLOOR = "#f6f3ec"
_FLOOR_EDGE = "#b9b2a3"
_WALL = "#3b3b3b"
_OBSTACLE = "#b3ada2"
_ZONE = "#d6e8f5"
_ZONE_EDGE = "#5b8db8"
_PRIORITY_ZONE = "#e8dcf3"
_SEAT = "#7fa7c9"
_ENTRANCE = "#1e8449"
_EXIT = "#b03a2e"
_FRONT = "#6c3483"
_LINK = "#117a65"
_LABEL = "#1d2b36"


def asset(name: str) -> str:
    """The text of a file in ``simulator/ui/assets`` (the pictures' script and style)."""
    return resources.files("simulator.ui").joinpath("assets", name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ the hall
@dataclass(frozen=True, kw_only=True)
class Panel:
    """One floor in the picture: where its plan's metres land (``left``, ``top``: picture
    metres of the plan's top-left corner, y pointing down)."""

    level: int
    plan: FloorPlan
    left: float
    top: float
    bounds: tuple[float, float, float, float]

    def xy(self, x: float, y: float) -> XY:
        """Picture coordinates (metres, y down) of plan point ``(x, y)``."""
        minx, _, _, maxy = self.bounds
        return (round(x - minx + self.left, 3), round(maxy - y + self.top, 3))

    @property
    def size(self) -> XY:
        """Width and height of the floor, metres."""
        minx, miny, maxx, maxy = self.bounds
        return maxx - minx, maxy - miny


@dataclass(frozen=True, kw_only=True)
class Hall:
    """Every floor laid out in one picture: stacked for floors wider than tall, side by side
    otherwise, so the picture keeps the scale of one floor."""

    panels: tuple[Panel, ...]
    width: float
    height: float
    titled: bool

    @property
    def font(self) -> float:
        """Label size in metres: about 12 px when the picture is ``DESIGN_WIDTH_PX`` wide."""
        return round(12.0 * self.width / DESIGN_WIDTH_PX, 3)

    def panel(self, level: int) -> Panel:
        """The panel of floor ``level`` (KeyError if none)."""
        for p in self.panels:
            if p.level == level:
                return p
        raise KeyError(level)

    def xy(self, level: int, point: XY) -> XY:
        """Picture coordinates of a point on floor ``level``."""
        return self.panel(level).xy(*point)

    def height_px(self, width_px: float = DESIGN_WIDTH_PX) -> int:
        """Height of the picture drawn ``width_px`` wide."""
        return math.ceil(width_px * self.height / self.width)


def building_of(scenario: Scenario) -> Building | None:
    """The scenario's floors as a building (one floor at level 0), ``None`` without a layout."""
    levels = scenario.layout_levels()
    if not levels:
        return None
    floors = tuple(read_floorplan(Path(f)) for f in levels.values())
    return Building(floors=floors, levels=tuple(levels), name=" + ".join(f.name for f in floors))


def hall_of(building: Building) -> Hall:
    """Lay the building's floors out in one picture (a single floor: just that floor)."""
    titled = len(building.floors) > 1
    sizes = []
    for plan in building.floors:
        bounds = plan.floor_shape.bounds if plan.floors else (0.0, 0.0, 10.0, 10.0)
        sizes.append(bounds)
    widths = [b[2] - b[0] for b in sizes]
    heights = [b[3] - b[1] for b in sizes]
    stacked = max(widths) >= max(heights)
    title = TITLE_M if titled else 0.0
    panels = []
    left = top = 0.0
    for level, plan, bounds, w, h in zip(
        building.levels, building.floors, sizes, widths, heights, strict=True
    ):
        panels.append(
            Panel(level=level, plan=plan, left=left + PAD_M, top=top + PAD_M + title, bounds=bounds)
        )
        if stacked:
            top += h + 2 * PAD_M + title + GAP_M
        else:
            left += w + 2 * PAD_M + GAP_M
    if stacked:
        width = max(widths) + 2 * PAD_M
        height = top - GAP_M
    else:
        width = left - GAP_M
        height = max(heights) + 2 * PAD_M + title
    return Hall(panels=tuple(panels), width=round(width, 3), height=round(height, 3), titled=titled)


def node_levels(site: SiteLayout, building: Building) -> dict[str, int]:
    """The floor of every node of the site: counters by their slot, waiting points by their
    zone, doors, kiosks and the desk by the nearest drawn one."""
    ground = building.levels[0]
    zone_floor = {z.name: z.floor for z in site.zones}
    levels: dict[str, int] = {}
    kinds = {
        "entrance": lambda p: p.entrance_points,
        EXIT: lambda p: p.exit_points,
        KIOSK: lambda p: tuple((s.x, s.y) for s in p.kiosks),
        INFO: lambda p: tuple((s.x, s.y) for s in p.infos),
    }
    for node, point in site.positions.items():
        kind, _, rest = node.partition(":")
        if kind == "counter":
            queue, _, k = rest.rpartition(":")
            slots = site.agency_slots.get(queue, ())
            levels[node] = building.level_of_slot(slots[int(k)]) if int(k) < len(slots) else ground
        elif kind == "waiting":
            levels[node] = zone_floor.get(rest, ground)
        elif kind == "zone":
            zone = site.agency_zone.get(rest)
            levels[node] = zone_floor.get(zone, ground) if zone else ground
        else:
            drawn = kinds.get(kind)
            best = (math.inf, ground)
            for level, plan in zip(building.levels, building.floors, strict=True):
                for q in drawn(plan) if drawn else ():
                    best = min(best, (math.dist(point, q), level))
            levels[node] = best[1]
    return levels


# ------------------------------------------------------------------------- what is drawn
@dataclass(frozen=True, kw_only=True)
class QueueInfo:
    """A queue as the picture names it: its id, its name and its agencies' full names, and
    whether any of them opens on the simulated day."""

    id: str
    name: str
    agencies: tuple[str, ...]
    names: tuple[str, ...]
    open_today: bool


def queue_infos(scenario: Scenario, lang: str) -> dict[str, QueueInfo]:
    """Queue id -> what the picture says about it (agencies with their own counters, and
    counter groups)."""
    names = agency_names(scenario, lang)
    members: dict[str, list[str]] = {}
    for agency in scenario.agencies:
        members.setdefault(scenario.queue_of(agency.id), []).append(agency.id)
    groups = {g.id: g for g in scenario.counter_groups}
    weekday = scenario.day.weekday
    by_id = {a.id: a for a in scenario.agencies}
    out = {}
    for queue, agencies in members.items():
        group = groups.get(queue)
        if group is not None:
            first, second = (group.name_id, group.name_en)
            title = (first if lang == "id" else second) or second or first or queue
        else:
            title = names[queue]
        out[queue] = QueueInfo(
            id=queue,
            name=title,
            agencies=tuple(agencies),
            names=tuple(names[a] for a in agencies),
            open_today=any(weekday in by_id[a].days_open for a in agencies),
        )
    return out


def _path(geom: BaseGeometry, panel: Panel) -> str:
    """SVG path data of a polygon or multipolygon in picture metres."""
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            points = [panel.xy(x, y) for x, y, *_ in ring.coords]
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
    return "".join(parts)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def open_side(plan: FloorPlan, x: float, y: float) -> XY:
    """The unit direction from a counter towards the open floor (most walkable room)."""
    best = (0.0, 1.0)
    best_area = -1.0
    for dx, dy in ((0.0, 1.0), (0.0, -1.0), (1.0, 0.0), (-1.0, 0.0)):
        probe = Point(x + dx * 1.2, y + dy * 1.2).buffer(0.6)
        area = probe.intersection(plan.walkable).area
        if area > best_area + 1e-9:
            best, best_area = (dx, dy), area
    return best


def _text_box(x: float, y: float, side: XY, length: float, font: float, gap: float) -> BaseGeometry:
    """The rectangle (plan metres) a label of ``length`` takes beside a counter at (x, y)."""
    dx, dy = side
    half = font * 0.6
    if dx:
        x0 = x + dx * gap
        x1 = x0 + dx * length
        return box(min(x0, x1), y - half, max(x0, x1), y + half)
    y0 = y + dy * gap
    y1 = y0 + dy * length
    return box(x - half, min(y0, y1), x + half, max(y0, y1))


def fit_label(
    plan: FloorPlan, x: float, y: float, side: XY, text: str, font: float
) -> tuple[str, float, BaseGeometry]:
    """A counter's label beside it at (x, y) towards ``side``: the text, its size and the
    rectangle it covers (plan metres). As written when it stays clear of walls and
    obstacles, else smaller, else shortened with an ellipsis (the full name is in the hover
    text)."""
    gap = COUNTER_R_M + 0.15
    blocked = plan.blocked_shape
    candidates = [(text, font), (text, font * 0.85)]
    candidates += [
        (text[:cut].rstrip("-_ ") + "…", font * 0.85) for cut in range(len(text) - 1, 3, -1)
    ]
    for shown, size in candidates:
        area = _text_box(x, y, side, len(shown) * size * 0.56, size, gap)
        if not area.intersects(blocked):
            return shown, size, area
    shown, size = text[:4] + "…", font * 0.85
    return shown, size, _text_box(x, y, side, len(shown) * size * 0.56, size, gap)


def counter_colours(
    site: SiteLayout,
    result: ExperimentResult,
    queues: Mapping[str, QueueInfo],
    *,
    tr: Translator,
) -> tuple[dict[str, str], dict[str, str]]:
    """Slot -> fill colour and slot -> hover text, each counter coloured by its queue's p90
    wait against the target (a shared group by its worst agency)."""
    target = result.target_wait_min
    p90 = {}
    for _, row in result.summary.iterrows():
        if row["agency"] != OVERALL and float(row.get("arrivals", 1.0)) > 0:
            p90[str(row["agency"])] = float(row["wait_p90_min"])
    fills: dict[str, str] = {}
    tips: dict[str, str] = {}
    lang = tr.lang
    for queue, slots in site.agency_slots.items():
        info = queues.get(queue)
        members = info.agencies if info is not None else (queue,)
        values = [p90[a] for a in members if a in p90 and not math.isnan(p90[a])]
        worst = max(values) if values else math.nan
        lines = []
        if info is not None and len(info.agencies) > 1:
            lines.append(tr("pic_group", name=info.name))
            for agency, name in zip(info.agencies, info.names, strict=True):
                value = p90.get(agency, math.nan)
                lines.append(f"• {name}: {_minutes(value, tr)}")
        else:
            lines.append(info.name if info is not None else queue)
            lines.append(tr("pic_p90_line", value=_minutes(worst, tr)))
        if info is not None and not info.open_today:
            lines.append(tr("pic_closed_today"))
        elif not values:
            lines.append(tr("pic_no_visitors"))
        lines.append(tr("pic_target_line", value=number(target, lang, digits=0)))
        colour = wait_colour(worst, target) if values else NO_VISITORS
        for k, slot in enumerate(slots):
            fills[slot] = colour
            head = tr("pic_counter_head", slot=slot, k=k + 1, n=len(slots), queue=queue)
            tips[slot] = "\n".join([head, *lines])
    return fills, tips


def _minutes(value: float, tr: Translator) -> str:
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return tr("pic_never_called")
    return tr("pic_minutes", value=number(value, tr.lang, digits=1))


def plan_svg(
    hall: Hall,
    site: SiteLayout | None,
    *,
    tr: Translator,
    fills: Mapping[str, str] | None = None,
    tips: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    zone_text: Mapping[str, str] | None = None,
    seats: bool = True,
) -> str:
    """The hall as an SVG element in picture metres.

    ``fills`` and ``tips`` (slot -> colour, hover text) colour the counters (white: a slot no
    queue uses); ``labels`` (queue -> text) is written beside each counter (default: the
    queue's id); ``zone_text`` replaces a zone's second label line (default: its seats).
    Elements the playback updates carry ids: ``zone-<i>`` and ``zone-<i>-n`` per zone of
    ``site.zones``, ``counter-<slot>``.
    """
    fills = fills or {}
    tips = tips or {}
    slot_queue = site.slot_agency if site is not None else {}
    building = Building(
        floors=tuple(p.plan for p in hall.panels), levels=tuple(p.level for p in hall.panels)
    )
    site_zone = {z.name: i for i, z in enumerate(site.zones)} if site is not None else {}
    named = zone_names(building)
    font = hall.font
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {hall.width:g} {hall.height:g}" '
        f'class="hall" role="img" aria-label="{_attr(tr("pic_plan_aria"))}" '
        f'font-family="system-ui, sans-serif" font-size="{font:g}">'
    ]
    for panel in hall.panels:
        plan = panel.plan
        out.append(f'<g class="floor" data-level="{panel.level}">')
        if hall.titled:
            floor = (
                tr("pic_ground_floor") if panel.level == 0 else tr("pic_floor", level=panel.level)
            )
            heading = f"{floor}: {Path(plan.name).stem}" if plan.name else floor
            x, y = panel.xy(panel.bounds[0], panel.bounds[3])
            out.append(
                f'<text x="{x:g}" y="{y - PAD_M - 0.4:g}" font-size="{font * 1.25:g}" '
                f'font-weight="600" fill="{_LABEL}">{html.escape(heading)}</text>'
            )
        if plan.floors:
            out.append(
                f'<path d="{_path(plan.floor_shape, panel)}" fill="{_FLOOR}" '
                f'stroke="{_FLOOR_EDGE}" stroke-width="0.06" fill-rule="evenodd"/>'
            )
        for z in plan.zones:
            name = named[(panel.level, z.name)]
            index = site_zone.get(name)
            ident = f' id="zone-{index}"' if index is not None else ""
            colour = _PRIORITY_ZONE if z.priority else _ZONE
            tip = tr("pic_zone_tip", name=name, seats=len(z.seats))
            out.append(
                f'<path{ident} class="zone" d="{_path(z.area.shape, panel)}" fill="{colour}" '
                f'stroke="{_ZONE_EDGE}" stroke-width="0.07" stroke-dasharray="0.3 0.2" '
                f'fill-rule="evenodd" data-tip="{_attr(tip)}"/>'
            )
            if seats and z.seats:
                squares = "".join(
                    "M{:g} {:g}h0.32v0.32h-0.32Z".format(*_shift(panel.xy(s.x, s.y), -0.16))
                    for s in z.seats
                )
                out.append(f'<path d="{squares}" fill="{_SEAT}" opacity="0.55"/>')
        for o in plan.obstacles:
            out.append(
                f'<path d="{_path(o.shape, panel)}" fill="{_OBSTACLE}" stroke="#6e6a62" '
                'stroke-width="0.04"/>'
            )
        for w in plan.walls:
            shape = (
                w.shape.buffer(WALL_THICKNESS_M / 2, cap_style="flat", join_style="mitre")
                if isinstance(w, Line)
                else w.shape
            )
            out.append(f'<path d="{_path(shape, panel)}" fill="{_WALL}"/>')
        out.extend(_doors(plan, panel, tr, font))
        out.extend(_front(plan, panel, tr, font))
        for z in plan.zones:
            name = named[(panel.level, z.name)]
            index = site_zone.get(name)
            x, y = panel.xy(*zone_label_point(z))
            second = (zone_text or {}).get(name, tr("pic_zone_seats", seats=len(z.seats)))
            ident = f' id="zone-{index}-n"' if index is not None else ""
            half = _label_half_width(name, font)
            out.append(
                f'<g class="zone-label"><rect x="{x - half:g}" y="{y - font * 1.3:g}" '
                f'width="{2 * half:g}" height="{font * 2.6:g}" rx="{font * 0.3:g}" '
                f'fill="white" opacity="0.85" stroke="{_ZONE_EDGE}" stroke-width="0.04"/>'
                f'<text x="{x:g}" y="{y - font * 0.2:g}" text-anchor="middle" '
                f'fill="#1f4e79">{html.escape(name)}</text>'
                f'<text{ident} x="{x:g}" y="{y + font * 0.95:g}" text-anchor="middle" '
                f'fill="#1f4e79" font-weight="600">{html.escape(second)}</text></g>'
            )
        out.extend(_counters(plan, panel, slot_queue, fills, tips, labels, font, tr))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def zone_label_point(zone: Zone) -> XY:
    """Where a zone's label is centred (plan metres): its centroid when inside the zone."""
    c = zone.area.shape.centroid
    if zone.area.shape.contains(c):
        return c.x, c.y
    p = zone.area.shape.representative_point()
    return p.x, p.y


def _label_half_width(name: str, font: float) -> float:
    """Half the width of a zone's label box: room for its name and "999 orang / 999 kursi"."""
    return round(max(len(name), 22) * 0.29 * font + 0.5 * font, 3)


def zone_label_box(zone: Zone, name: str, font: float) -> BaseGeometry:
    """The rectangle (plan metres) the label of zone ``name`` covers, with room around it."""
    x, y = zone_label_point(zone)
    half = _label_half_width(name, font) + 0.3
    return box(x - half, y - font * 1.6, x + half, y + font * 1.6)


def _shift(point: XY, by: float) -> XY:
    return point[0] + by, point[1] + by


def _doors(plan: FloorPlan, panel: Panel, tr: Translator, font: float) -> list[str]:
    out = []
    inside = plan.floor_shape.centroid if plan.floors else Point(0, 0)
    for doors, colour, word in (
        (plan.entrances, _ENTRANCE, tr("plan_in")),
        (plan.exits, _EXIT, tr("plan_out")),
    ):
        for d in doors:
            if isinstance(d, Line):
                points = " ".join("{:g},{:g}".format(*panel.xy(x, y)) for x, y in d.coords)
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    'stroke-width="0.35"/>'
                )
                c = d.shape.interpolate(0.5, normalized=True)
            else:
                out.append(f'<path d="{_path(d.shape, panel)}" fill="{colour}" opacity="0.6"/>')
                c = d.shape.centroid
            dx, dy = inside.x - c.x, inside.y - c.y
            norm = math.hypot(dx, dy) or 1.0
            dx, dy = dx / norm, dy / norm
            # far enough in that the whole word clears the wall the door is in
            depth = 0.7 + abs(dx) * len(word) * 0.34 * font + abs(dy) * 0.5 * font
            x, y = panel.xy(c.x + dx * depth, c.y + dy * depth)
            out.append(
                f'<text x="{x:g}" y="{y + font * 0.35:g}" text-anchor="middle" '
                f'font-weight="700" fill="{colour}">{html.escape(word)}</text>'
            )
    return out


def _front(plan: FloorPlan, panel: Panel, tr: Translator, font: float) -> list[str]:
    out = []
    r = 0.42
    for spot in plan.kiosks:
        x, y = panel.xy(spot.x, spot.y)
        out.append(
            f'<path d="M{x:g} {y - r:g}L{x + r:g} {y + r * 0.8:g}L{x - r:g} {y + r * 0.8:g}Z" '
            f'fill="{_FRONT}" stroke="white" stroke-width="0.06" '
            f'data-tip="{_attr(tr("pic_kiosk_tip"))}"/>'
            f'<text x="{x:g}" y="{y + r + font:g}" text-anchor="middle" fill="{_FRONT}" '
            f'font-size="{font * 0.9:g}">{html.escape(tr("plan_kiosk"))}</text>'
        )
    for spot in plan.infos:
        x, y = panel.xy(spot.x, spot.y)
        out.append(
            f'<path d="M{x:g} {y - r:g}L{x + r:g} {y:g}L{x:g} {y + r:g}L{x - r:g} {y:g}Z" '
            f'fill="{_FRONT}" stroke="white" stroke-width="0.06" '
            f'data-tip="{_attr(tr("pic_info_tip"))}"/>'
            f'<text x="{x:g}" y="{y + r + font:g}" text-anchor="middle" fill="{_FRONT}" '
            f'font-size="{font * 0.9:g}">{html.escape(tr("plan_info"))}</text>'
        )
    for link in plan.links:
        x, y = panel.xy(link.x, link.y)
        word = (
            tr("pic_stair", link=link.link)
            if link.kind == "stair"
            else tr("pic_lift", link=link.link)
        )
        out.append(
            f'<rect x="{x - 0.45:g}" y="{y - 0.45:g}" width="0.9" height="0.9" fill="{_LINK}" '
            f'rx="{0.1 if link.kind == "stair" else 0.45:g}" data-tip="{_attr(word)}"/>'
            f'<text x="{x:g}" y="{y + 0.45 + font:g}" text-anchor="middle" fill="{_LINK}" '
            f'font-size="{font * 0.9:g}">{html.escape(word)}</text>'
        )
    return out


def _counters(
    plan: FloorPlan,
    panel: Panel,
    slot_queue: Mapping[str, str],
    fills: Mapping[str, str],
    tips: Mapping[str, str],
    labels: Mapping[str, str] | None,
    font: float,
    tr: Translator,
) -> list[str]:
    out = []
    for c in plan.counters:
        queue = slot_queue.get(c.slot)
        x, y = panel.xy(c.x, c.y)
        fill = fills.get(c.slot, EMPTY_SLOT if queue is None else NO_VISITORS)
        tip = tips.get(c.slot) or (
            tr("pic_empty_slot", slot=c.slot)
            if queue is None
            else tr("pic_counter_head", slot=c.slot, k=1, n=1, queue=queue)
        )
        out.append(
            f'<circle id="counter-{_attr(c.slot)}" class="counter" cx="{x:g}" cy="{y:g}" '
            f'r="{COUNTER_R_M:g}" fill="{fill}" stroke="#222" stroke-width="0.06" '
            f'data-tip="{_attr(tip)}"/>'
        )
        if queue is None:
            continue
        text = (labels or {}).get(queue, queue)
        side = open_side(plan, c.x, c.y)
        shown, size, _ = fit_label(plan, c.x, c.y, side, text, font)
        gap = COUNTER_R_M + 0.15
        ax, ay = panel.xy(c.x + side[0] * gap, c.y + side[1] * gap)
        if side[0]:  # beside a column of counters: written across
            anchor = "start" if side[0] > 0 else "end"
            tx, ty, transform = ax, ay + size * 0.35, ""
        else:  # beside a row of counters: written upright, reading bottom to top
            anchor = "start" if side[1] > 0 else "end"
            tx, ty = ax + size * 0.35, ay
            transform = f' transform="rotate(-90 {tx:g} {ty:g})"'
        out.append(
            f'<text class="counter-label" x="{tx:g}" y="{ty:g}" text-anchor="{anchor}" '
            f'font-size="{size:g}" fill="{_LABEL}"{transform} '
            f'data-tip="{_attr(tip)}">{html.escape(shown)}</text>'
        )
    return out


# ---------------------------------------------------------------------------- the legend
def drawn_kinds(hall: Hall) -> set[str]:
    """Which kinds of element the hall's floors draw (the legend lists only those)."""
    kinds = set()
    for panel in hall.panels:
        plan = panel.plan
        for kind, present in (
            ("zone", any(not z.priority for z in plan.zones)),
            ("priority_zone", any(z.priority for z in plan.zones)),
            ("seat", bool(plan.seats)),
            ("obstacle", bool(plan.obstacles)),
            ("wall", bool(plan.walls)),
            ("kiosk", bool(plan.kiosks or plan.infos)),
            ("in", bool(plan.entrances)),
            ("out", bool(plan.exits)),
            ("link", bool(plan.links)),
        ):
            if present:
                kinds.add(kind)
    return kinds


Key = tuple[str, str, str]
"""A legend entry: symbol shape (``dot``, ``ring``, ``box``, ``seat``, ``tri``, ``line``,
``badge``), colour, text."""


def plan_keys(tr: Translator, kinds: set[str]) -> list[Key]:
    """Legend entries of every kind of element the picture draws (``kinds``, from
    :func:`drawn_kinds`)."""
    return [
        (shape, colour, tr(f"pic_legend_{kind}"))
        for kind, shape, colour in (
            ("zone", "box", _ZONE),
            ("priority_zone", "box", _PRIORITY_ZONE),
            ("seat", "seat", _SEAT),
            ("obstacle", "box", _OBSTACLE),
            ("wall", "box", _WALL),
            ("kiosk", "tri", _FRONT),
            ("in", "line", _ENTRANCE),
            ("out", "line", _EXIT),
            ("link", "box", _LINK),
        )
        if kind in kinds
    ]


def legend_html(tr: Translator, *, scale_title: str, target_min: float, keys: list[Key]) -> str:
    """A picture's legend: the wait colours from no wait to 1.5 times the target, the target
    marked, then the symbols ``keys``."""
    stops = ", ".join(f"{c} {share * 100:.1f}%" for share, c in wait_gradient())
    top = WAIT_STOPS[-1][0]
    mark = 100.0 / top
    lang = tr.lang
    target = tr("pic_legend_target", value=number(target_min, lang, digits=0))
    parts = [
        '<div class="legend"><div class="scale">',
        f'<div class="scale-title">{html.escape(scale_title)}</div>',
        f'<div class="bar" style="background:linear-gradient(to right, {stops})">',
        f'<span class="mark" style="left:{mark:.2f}%"></span></div>',
        '<div class="ticks"><span style="left:0%">0</span>',
        f'<span class="target" style="left:{mark:.2f}%">{html.escape(target)}</span>',
        f'<span style="left:100%">≥ {number(target_min * top, lang, digits=1)}</span>',
        '</div></div><div class="keys">',
    ]
    for shape, colour, text in keys:
        parts.append(
            f'<span class="key"><i class="sym {shape}" style="--c:{colour}"></i>'
            f"{html.escape(text)}</span>"
        )
    parts.append("</div></div>")
    return "".join(parts)


# ------------------------------------------------------------------------------ the page
def plan_page(
    scenario: Scenario,
    site: SiteLayout,
    result: ExperimentResult,
    *,
    tr: Translator,
    title: str,
    building: Building | None = None,
) -> str:
    """The floor plan coloured by p90 wait against the target, with hover texts and legend,
    as one self-contained HTML page (inline style and script, no network)."""
    building = building or building_of(scenario)
    if building is None:
        raise ValueError(f"scenario {scenario.name!r} has no floor plan")
    hall = hall_of(building)
    queues = queue_infos(scenario, tr.lang)
    fills, tips = counter_colours(site, result, queues, tr=tr)
    svg = plan_svg(hall, site, tr=tr, fills=fills, tips=tips)
    keys: list[Key] = [
        ("dot", EMPTY_SLOT, tr("pic_legend_empty")),
        ("dot", NO_VISITORS, tr("pic_legend_closed")),
        *plan_keys(tr, drawn_kinds(hall)),
    ]
    legend = legend_html(
        tr, scale_title=tr("pic_legend_p90"), target_min=result.target_wait_min, keys=keys
    )
    return page(
        tr,
        title=title,
        body=f"{stage_div(hall, svg, reserve_px=PLAN_CHROME_PX)}{legend}"
        '<div id="tip" role="tooltip"></div>',
        script=asset("hover.js"),
        data=None,
    )


def stage_div(hall: Hall, svg: str, *, reserve_px: int) -> str:
    """The picture in its box: one floor is fitted to the window's height less
    ``reserve_px`` (title, controls, legend) so it shows whole; the floors of a building take
    the full width and scroll under the controls."""
    if hall.titled:
        return f'<div class="stage">{svg}</div>'
    aspect = hall.width / hall.height
    return (
        f'<div class="stage" style="max-width:calc({aspect:.4f} * (100vh - {reserve_px}px))">'
        f"{svg}</div>"
    )


def page(tr: Translator, *, title: str, body: str, script: str, data: object | None) -> str:
    """One self-contained HTML page: the pictures' style, ``body``, ``data`` as JSON in a
    ``<script type="application/json" id="data">`` block and ``script`` inline."""
    payload = ""
    if data is not None:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
        payload = f'<script type="application/json" id="data">{text}</script>'
    return (
        f'<!DOCTYPE html><html lang="{tr.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{asset('pictures.css')}</style></head>"
        f'<body><h3 class="title">{html.escape(title)}</h3>{body}{payload}'
        f"<script>{script}</script></body></html>"
    )

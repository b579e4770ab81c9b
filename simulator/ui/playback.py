"""The day played on the floor plan: visitors as dots from the entrance through the kiosk or
information desk and their waiting zone to their counter and out.

One simulated day (:func:`simulator.engine.simulate_day`, replication 0 of the scenario's seed)
becomes one *track* per visitor: keyframes (time, place, state) read from its records, the
walks between them straight lines (routes are not stored; a walk to another floor passes the
stair or lift both floors share). The browser interpolates between keyframes, so the dots move
smoothly at any speed and the payload stays small: a Monday of ~600 visitors is ~100 KB.

Waiting visitors sit on the zone's drawn seats, then stand on its free floor, one place each
for as long as they stay; those in the kiosk or desk line stand in a line the browser orders.
A dot's colour is its wait so far against the target (the same green-to-red scale as the
plan); zones show their people against their seats, agencies their tickets waiting.

:func:`playback_page` is the whole animation as one self-contained HTML page (inline script
and data, no network) for the app, a download, or the CLI (:func:`write_playback`). Nothing
here imports Streamlit.
"""

from __future__ import annotations

import heapq
import html
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from simulator.engine import simulate_day
from simulator.floorplan.building import zone_names
from simulator.floorplan.model import Building, FloorPlan, Zone
from simulator.inputs import plan_for, site_for
from simulator.output import atomic_write_bytes
from simulator.plan import Plan
from simulator.records import (
    KIOSK_STATION,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    OUTSIDE,
    DayRecords,
)
from simulator.scenario import Scenario
from simulator.ui.colours import WAIT_STOPS
from simulator.ui.i18n import Translator
from simulator.ui.plan_view import (
    COUNTER_R_M,
    Hall,
    Key,
    asset,
    building_of,
    drawn_kinds,
    hall_of,
    legend_html,
    node_levels,
    open_side,
    page,
    plan_keys,
    plan_svg,
    queue_infos,
    stage_div,
    zone_label_box,
)
from simulator.walking import ENTRANCE, EXIT, INFO, KIOSK, SiteLayout, counter_node, waiting_node

__all__ = [
    "ARRIVING",
    "CALLED",
    "HIDDEN",
    "INFO_LINE",
    "KIOSK_LINE",
    "LEAVING",
    "SERVED",
    "WAITING",
    "Playback",
    "one_day",
    "playback_data",
    "playback_page",
    "position_at",
    "write_playback",
]

# The state of a track's segment (playback.js reads the same codes).
ARRIVING = 0
"""On the way in, at the kiosk or the desk: no ticket yet."""
WAITING = 1
"""Holding a ticket: walking to the zone, sitting or standing there, or outside."""
CALLED = 2
"""Called: walking to the counter."""
SERVED = 3
"""At the counter."""
LEAVING = 4
"""On the way out."""
KIOSK_LINE = 5
"""In the kiosk line (the browser places them by their turn)."""
INFO_LINE = 6
"""In the information-desk line."""
HIDDEN = 7
"""On a stair or in a lift between two floors."""

SPOT_M = 0.7
"""Spacing of the standing places in a zone, metres."""
SPEEDS = (1, 2, 5, 10, 20, 40)
"""Speeds offered, simulated minutes per second."""
DEFAULT_SPEED = 10
_ARRIVING_COLOUR = "#5d6d7e"
_LEAVING_COLOUR = "#d5d8dc"
PLAYBACK_CHROME_PX = 230
"""Height of the page around the plan (title, controls, legend) at 1440x900, pixels."""
DOT_R_M = 0.26
"""Radius of a visitor's dot, metres."""

Place = tuple[float, float, int]
"""A point in picture metres and the floor it is on."""


# ----------------------------------------------------------------------------- the day
def one_day(scenario: Scenario, *, replication: int = 0) -> tuple[Plan, DayRecords]:
    """The scenario's plan and one simulated day of it (its own seed, ``replication``)."""
    plan = plan_for(scenario)
    return plan, simulate_day(plan, seed=scenario.run.seed, replication=replication)


@dataclass
class _Track:
    """Keyframes ``[t, x, y, state]``: the segment after a keyframe has its state."""

    keys: list[list[float]] = field(default_factory=list)
    level: int = 0

    @property
    def now(self) -> float:
        return self.keys[-1][0]

    @property
    def here(self) -> Place:
        x, y = self.keys[-1][1], self.keys[-1][2]
        return x, y, self.level

    def go(self, until: float, place: Place, state: int) -> None:
        """Move to ``place`` by ``until`` (straight), the way there in ``state``."""
        t = max(until, self.now) if math.isfinite(until) else self.now
        self.keys[-1][3] = state
        self.keys.append([t, place[0], place[1], state])
        self.level = place[2]

    def hold(self, until: float, state: int) -> None:
        """Stay where they are until ``until``."""
        self.go(until, self.here, state)


@dataclass(frozen=True, kw_only=True)
class _Stage:
    """Where things are in the picture: nodes, counters' standing points, stairs and lifts."""

    hall: Hall
    nodes: dict[str, Place]
    links: dict[str, list[Place]]

    def walk(self, track: _Track, until: float, to: Place, state: int) -> None:
        """Walk to ``to`` by ``until``; to another floor by the stair or lift both floors
        share that makes the straight-line walk shortest (hidden while on it)."""
        here = track.here
        if here[2] == to[2] or not math.isfinite(until):
            track.go(until, to, state)
            return
        best: tuple[float, Place, Place] | None = None
        for ends in self.links.values():
            a = [p for p in ends if p[2] == here[2]]
            b = [p for p in ends if p[2] == to[2]]
            if a and b:
                d1 = math.dist(here[:2], a[0][:2])
                d2 = math.dist(b[0][:2], to[:2])
                if best is None or d1 + d2 < best[0]:
                    best = (d1 + d2, a[0], b[0])
        start = track.now
        span = max(0.0, until - start)
        if best is None:
            track.go(start + span * 0.5, here, state)
            track.go(start + span * 0.5, to, HIDDEN)
            track.go(until, to, state)
            return
        total, on, off = best
        share = (math.dist(here[:2], on[:2]) / total) if total > 0 else 0.5
        track.go(start + span * 0.75 * share, on, state)
        track.go(start + span * (0.75 * share + 0.25), off, HIDDEN)
        track.go(until, to, state)


def _stage(hall: Hall, site: SiteLayout, building: Building) -> _Stage:
    levels = node_levels(site, building)
    nodes: dict[str, Place] = {}
    for node, point in site.positions.items():
        level = levels[node]
        x, y = hall.xy(level, point)
        nodes[node] = (x, y, level)
    links: dict[str, list[Place]] = {}
    for panel in hall.panels:
        for link in panel.plan.links:
            x, y = panel.xy(link.x, link.y)
            links.setdefault(f"{link.kind}:{link.link}", []).append((x, y, panel.level))
    return _Stage(hall=hall, nodes=nodes, links=links)


# ------------------------------------------------------------------ places in the zones
def _zone_places(plan: FloorPlan, zone: Zone, *, avoid: BaseGeometry) -> tuple[np.ndarray, int]:
    """Plan points where a zone's visitors wait, and how many of them are seats: its drawn
    seats, then standing places on its free floor on a ``SPOT_M`` grid (clear of the seats);
    none under ``avoid`` (the zone's label)."""
    seats = [(s.x, s.y) for s in zone.seats if not avoid.contains(Point(s.x, s.y))]
    area = zone.area.shape.intersection(plan.walkable).difference(avoid)
    standing: list[tuple[float, float]] = []
    if not area.is_empty:
        minx, miny, maxx, maxy = area.bounds
        grid = [
            (float(x), float(y))
            for x in np.arange(minx + SPOT_M / 2, maxx, SPOT_M)
            for y in np.arange(miny + SPOT_M / 2, maxy, SPOT_M)
        ]
        inside = shapely.contains_xy(area, [g[0] for g in grid], [g[1] for g in grid])
        standing = [g for g, ok in zip(grid, inside.tolist(), strict=True) if ok]
    if seats and standing:
        s = np.asarray(seats)
        g = np.asarray(standing)
        near = np.hypot(g[:, None, 0] - s[None, :, 0], g[:, None, 1] - s[None, :, 1]).min(axis=1)
        standing = [p for p, d in zip(standing, near.tolist(), strict=True) if d > SPOT_M / 2]
    places = np.asarray(seats + standing, dtype=float).reshape(-1, 2)
    return places, len(seats)


def _assign_places(
    stays: list[tuple[float, float, tuple[float, float]]], places: np.ndarray, seats: int
) -> list[int]:
    """One place per stay (enter, leave, where its counters are), kept until it leaves: the
    free seat nearest its counters, else the nearest free standing place (with every place
    taken, places are shared)."""
    out = [0] * len(stays)
    if not len(places):
        return out
    free = np.ones(len(places), dtype=bool)
    standing_penalty = np.where(np.arange(len(places)) < seats, 0.0, 1e4)
    busy: list[tuple[float, int]] = []
    for i in sorted(range(len(stays)), key=lambda i: stays[i][0]):
        enter, leave, (x, y) = stays[i]
        while busy and busy[0][0] <= enter:
            free[heapq.heappop(busy)[1]] = True
        cost = np.hypot(places[:, 0] - x, places[:, 1] - y) + standing_penalty
        if free.any():
            cost = np.where(free, cost, np.inf)
        place = int(np.argmin(cost))
        free[place] = False
        out[i] = place
        heapq.heappush(busy, (leave, place))
    return out


def _queue_places(stays: list[tuple[float, float, int]], count: int) -> list[int]:
    """One place index per stay (enter, leave, order): the lowest free at its entry, kept
    until it leaves; past ``count`` places they are shared."""
    order = sorted(range(len(stays)), key=lambda i: (stays[i][0], stays[i][2]))
    free: list[int] = []
    busy: list[tuple[float, int]] = []
    fresh = 0
    out = [0] * len(stays)
    for i in order:
        enter, leave, _ = stays[i]
        while busy and busy[0][0] <= enter:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            place = heapq.heappop(free)
        else:
            place, fresh = fresh, fresh + 1
        out[i] = place
        heapq.heappush(busy, (leave, place))
    return [p % count for p in out]


def _outside_places(hall: Hall, building: Building, site: SiteLayout, levels: Mapping[str, int]):
    """Places in front of the entrance, outside the hall, for those who found every zone full:
    rows of eight along the door, the first row half a metre out."""
    level = levels.get(ENTRANCE, building.levels[0])
    plan = hall.panel(level).plan
    door = site.positions.get(ENTRANCE, (0.0, 0.0))
    centre = plan.floor_shape.centroid if plan.floors else Point(door)
    dx, dy = door[0] - centre.x, door[1] - centre.y
    norm = math.hypot(dx, dy) or 1.0
    out_x, out_y = dx / norm, dy / norm
    if abs(out_x) > abs(out_y):
        out_x, out_y = math.copysign(1.0, out_x), 0.0
    else:
        out_x, out_y = 0.0, math.copysign(1.0, out_y)
    along = (-out_y, out_x)

    def place(k: int) -> Place:
        row, col = divmod(k, 8)
        offset = (col - 3.5) * 0.45
        depth = 0.5 + row * 0.45
        x = door[0] + out_x * depth + along[0] * offset
        y = door[1] + out_y * depth + along[1] * offset
        px, py = hall.xy(level, (x, y))
        return px, py, level

    return place


def _line_anchor(stage: _Stage, node: str, site: SiteLayout) -> list[float] | None:
    """Where a front-office line starts and which way it runs (towards the entrance): picture
    decimetres and a unit vector times 100."""
    if node not in stage.nodes:
        return None
    x, y, level = stage.nodes[node]
    door = stage.nodes.get(ENTRANCE)
    if door is not None and door[2] == level and math.dist((x, y), door[:2]) > 0.5:
        dx, dy = door[0] - x, door[1] - y
    else:
        dx, dy = 0.0, 1.0
    norm = math.hypot(dx, dy) or 1.0
    return [round(x * 10), round(y * 10), round(dx / norm * 100), round(dy / norm * 100)]


# ------------------------------------------------------------------------------ tracks
@dataclass(frozen=True, kw_only=True)
class Playback:
    """One day ready to play: the picture and the data the browser animates."""

    hall: Hall
    svg: str
    data: dict[str, object]


def _visitor_steps(records: DayRecords) -> list[list[int]]:
    steps = records.steps
    out: list[list[int]] = [[] for _ in range(records.n_visitors)]
    for step, visitor in enumerate(steps["visitor"].tolist()):
        out[visitor].append(step)
    return out


def _fin(value: float, fallback: float) -> float:
    return value if math.isfinite(value) else fallback


def playback_data(  # noqa: C901 - one visit's story, told step by step
    scenario: Scenario,
    plan: Plan,
    records: DayRecords,
    site: SiteLayout,
    building: Building,
    *,
    tr: Translator,
) -> Playback:
    """The picture and the tracks of one simulated day, ready for :func:`playback_page`."""
    hall = hall_of(building)
    stage = _stage(hall, site, building)
    levels = node_levels(site, building)
    steps = records.steps
    visitors = records.visitors
    queue_ids = [plan.queues[plan.queue_of[a]].id for a in range(len(plan.agencies))]

    # places in the zones, one per stay, near the stayer's counters
    counters_at = {
        queue: tuple(
            np.mean([site.positions[counter_node(queue, k)] for k in range(len(slots))], axis=0)
        )
        for queue, slots in site.agency_slots.items()
        if all(counter_node(queue, k) in site.positions for k in range(len(slots))) and slots
    }
    named = {name: key for key, name in zone_names(building).items()}
    zone_stays: dict[int, list[int]] = {}
    for step in np.flatnonzero(steps["zone"] >= 0).tolist():
        zone_stays.setdefault(int(steps["zone"][step]), []).append(step)
    seat_of: dict[int, Place] = {}
    for zi, members in zone_stays.items():
        zone_name = site.zones[zi].name
        level, local = named[zone_name]
        plan_floor = hall.panel(level).plan
        zone = next(z for z in plan_floor.zones if z.name == local)
        places, seats = _zone_places(
            plan_floor, zone, avoid=zone_label_box(zone, zone_name, hall.font)
        )
        stays = []
        for s in members:
            queue = queue_ids[int(steps["station"][s])]
            stays.append(
                (
                    float(steps["zone_enter"][s]),
                    _fin(
                        float(steps["zone_leave"][s]),
                        float(visitors["exit"][steps["visitor"][s]]),
                    ),
                    counters_at.get(queue, (0.0, 0.0)),
                )
            )
        chosen = _assign_places(stays, places, seats)
        for s, k in zip(members, chosen, strict=True):
            point = places[k] if len(places) else zone.area.shape.representative_point().coords[0]
            x, y = hall.xy(level, (float(point[0]), float(point[1])))
            seat_of[s] = (x, y, level)
    outside = _outside_places(hall, building, site, levels)
    out_steps = np.flatnonzero(steps["zone"] == OUTSIDE).tolist()
    out_stays = [
        (
            float(steps["zone_enter"][s]),
            _fin(float(steps["called"][s]), float(steps["end"][s])),
            s,
        )
        for s in out_steps
    ]
    out_place = dict(zip(out_steps, _queue_places(out_stays, 64), strict=True))

    entrance = stage.nodes.get(ENTRANCE, (hall.width / 2, hall.height - 1.0, building.levels[0]))
    exit_place = stage.nodes.get(EXIT, entrance)
    start_min = math.floor(float(np.min(visitors["arrival"], initial=plan.tickets_open)) / 5) * 5
    tracks = []
    for visitor, own in enumerate(_visitor_steps(records)):
        track = _Track(keys=[[float(visitors["arrival"][visitor]), entrance[0], entrance[1], 0]])
        track.level = entrance[2]
        leave_at = float(visitors["exit"][visitor])
        gone = False
        for step in own:
            station = int(steps["station"][step])
            queued = float(steps["queued"][step])
            if station < 0:
                node = KIOSK if station == KIOSK_STATION else INFO
                point = stage.nodes.get(node, track.here)
                stage.walk(track, queued, point, ARRIVING)
                track.hold(float(steps["start"][step]), KIOSK_LINE if node == KIOSK else INFO_LINE)
                track.hold(float(steps["end"][step]), ARRIVING)
                continue
            outcome = int(steps["outcome"][step])
            track.hold(queued, ARRIVING)
            if outcome == OUTCOME_TURNED_AWAY:
                stage.walk(track, leave_at, exit_place, LEAVING)
                gone = True
                break
            waited_in = int(steps["zone"][step])
            called = float(steps["called"][step])
            end = float(steps["end"][step])
            counter = stage.nodes.get(
                counter_node(queue_ids[station], int(steps["counter"][step])), track.here
            )
            if waited_in >= 0:
                stage.walk(track, float(steps["zone_enter"][step]), seat_of[step], WAITING)
            elif waited_in == OUTSIDE:
                stage.walk(
                    track, float(steps["zone_enter"][step]), outside(out_place[step]), WAITING
                )
            elif int(steps["zone_first"][step]) >= 0:  # called or gave up on the way
                first = site.zones[int(steps["zone_first"][step])].name
                spot = stage.nodes.get(waiting_node(first), track.here)
                stage.walk(track, called if outcome == OUTCOME_SERVED else end, spot, WAITING)
            if outcome == OUTCOME_SERVED:
                track.hold(called, WAITING)
                stage.walk(track, float(steps["start"][step]), counter, CALLED)
                track.hold(end, SERVED)
            else:  # gave up: leaves from where they waited
                left = _fin(float(steps["zone_leave"][step]), end)
                track.hold(left, WAITING)
                stage.walk(track, leave_at, exit_place, LEAVING)
                gone = True
                break
        if not gone:
            stage.walk(track, leave_at, exit_place, LEAVING)
        flags = int(bool(visitors["priority"][visitor])) | 2 * int(visitors["channel"][visitor])
        flat: list[int] = [flags]
        for t, x, y, state in track.keys:
            flat += [round((t - start_min) * 60), round(x * 10), round(y * 10), int(state)]
        tracks.append(flat)

    end_min = math.ceil(float(np.max(visitors["exit"], initial=plan.closing)) / 5) * 5
    data = _extras(scenario, plan, records, site, stage, hall, tr=tr, start_min=start_min)
    data.update(
        {
            "initial": _busiest(data["tickets"], start_min, end_min),  # type: ignore[arg-type]
            "start": start_min,
            "end": end_min,
            "tracks": tracks,
            "lines": {
                str(KIOSK_LINE): _line_anchor(stage, KIOSK, site),
                str(INFO_LINE): _line_anchor(stage, INFO, site),
            },
        }
    )
    queues = queue_infos(scenario, tr.lang)
    tips = {
        slot: tr("pic_counter_head", slot=slot, k=k + 1, n=len(slots), queue=queue)
        + "\n"
        + (queues[queue].name if queue in queues else queue)
        for queue, slots in site.agency_slots.items()
        for k, slot in enumerate(slots)
    }
    fills = {
        slot: "#ffffff" if queue not in queues or not queues[queue].open_today else "#d9d9d9"
        for queue, slots in site.agency_slots.items()
        for slot in slots
    }
    for queue, slots in site.agency_slots.items():
        if queue in queues and not queues[queue].open_today:
            for slot in slots:
                fills[slot] = "#8c8c8c"
                tips[slot] += "\n" + tr("pic_closed_today")
    svg = plan_svg(hall, site, tr=tr, fills=fills, tips=tips, seats=True)
    return Playback(hall=hall, svg=svg, data=data)


def _extras(
    scenario: Scenario,
    plan: Plan,
    records: DayRecords,
    site: SiteLayout,
    stage: _Stage,
    hall: Hall,
    *,
    tr: Translator,
    start_min: float,
) -> dict[str, object]:
    """Zones and their stays, queues and their tickets, and the texts the browser writes."""
    steps = records.steps

    def sec(value: float) -> int:
        return round((value - start_min) * 60)

    zones = [
        {"name": z.name, "seats": z.seats, "capacity": z.seats + z.standing_capacity}
        for z in site.zones
    ]
    stays: list[int] = []
    for step in np.flatnonzero(steps["zone"] >= 0).tolist():
        leave = _fin(float(steps["zone_leave"][step]), float(steps["end"][step]))
        stays += [int(steps["zone"][step]), sec(float(steps["zone_enter"][step])), sec(leave)]
    infos = queue_infos(scenario, tr.lang)
    queues = []
    for queue in plan.queues:
        slots = site.agency_slots.get(queue.id, ())
        points = [
            stage.nodes[n]
            for k in range(len(slots))
            if (n := counter_node(queue.id, k)) in stage.nodes
        ]
        if points:
            level = points[0][2]
            plan_floor = hall.panel(level).plan
            first = site.positions[counter_node(queue.id, 0)]
            dx, dy = open_side(plan_floor, *first)
            xs = [site.positions[counter_node(queue.id, k)][0] for k in range(len(points))]
            ys = [site.positions[counter_node(queue.id, k)][1] for k in range(len(points))]
            behind = COUNTER_R_M + 0.75
            bx, by = hall.xy(
                level, (float(np.mean(xs)) - dx * behind, float(np.mean(ys)) - dy * behind)
            )
        else:
            bx, by = -100.0, -100.0
        info = infos.get(queue.id)
        queues.append(
            {
                "id": queue.id,
                "name": info.name if info else queue.id,
                "x": round(bx, 2),
                "y": round(by, 2),
            }
        )
    tickets: list[int] = []
    agency_steps = np.flatnonzero(
        (steps["station"] >= 0) & (steps["outcome"] != OUTCOME_TURNED_AWAY)
    ).tolist()
    for step in agency_steps:
        outcome = int(steps["outcome"][step])
        until = (
            float(steps["called"][step]) if outcome == OUTCOME_SERVED else float(steps["end"][step])
        )
        tickets += [
            plan.queue_of[int(steps["station"][step])],
            sec(float(steps["queued"][step])),
            sec(_fin(until, float(steps["end"][step]))),
        ]
    return {
        "size": [hall.width, hall.height],
        "target": scenario.target.wait_min,
        "dot": DOT_R_M,
        "font": hall.font,
        "stops": [[ratio, colour] for ratio, colour in WAIT_STOPS],
        "colours": {"arriving": _ARRIVING_COLOUR, "leaving": _LEAVING_COLOUR},
        "zones": zones,
        "stays": stays,
        "queues": queues,
        "tickets": tickets,
        "texts": {
            "play": tr("pb_play"),
            "pause": tr("pb_pause"),
            "people": tr("pb_zone_people"),
            "inside": tr("pb_inside"),
            "waiting": tr("pb_waiting"),
            "served": tr("pb_served"),
            "tickets": tr("pb_tickets_tip"),
            "zoneTip": tr("pb_zone_tip"),
        },
    }


def _busiest(tickets: list[int], start_min: float, end_min: float) -> float:
    """The minute (on a 5-minute grid) with the most tickets waiting: where the page opens."""
    grid = np.arange(0.0, (end_min - start_min) * 60 + 1, 300.0)
    if not tickets:
        return start_min
    spans = np.asarray(tickets, dtype=float).reshape(-1, 3)
    active = (spans[None, :, 1] <= grid[:, None]) & (grid[:, None] < spans[None, :, 2])
    return float(start_min + grid[int(np.argmax(active.sum(axis=1)))] / 60)


def position_at(track: list[int], second: float) -> tuple[float, float, int] | None:
    """Where a track's dot is ``second`` seconds after the start (decimetres) and in which
    state, ``None`` before it arrives or after it leaves: the rule playback.js applies."""
    keys = [track[i : i + 4] for i in range(1, len(track), 4)]
    if not keys or second < keys[0][0] or second >= keys[-1][0]:
        return None
    found = keys[0]
    for (t0, x0, y0, s0), (t1, x1, y1, _) in itertools.pairwise(keys):
        if t0 <= second < t1:
            share = (second - t0) / (t1 - t0)
            return x0 + (x1 - x0) * share, y0 + (y1 - y0) * share, s0
        if t0 <= second:
            found = [t0, x1, y1, s0]
    return float(found[1]), float(found[2]), found[3]


# --------------------------------------------------------------------------- the page
def playback_page(
    scenario: Scenario,
    *,
    tr: Translator,
    title: str,
    replication: int = 0,
) -> str:
    """The day played on the plan as one self-contained HTML page (no network): controls
    (play/pause, speed, a clock slider to any minute), the plan with its dots, zone fill and
    tickets waiting, and a legend. Raises ``ValueError`` for a scenario without a layout."""
    building = building_of(scenario)
    site = site_for(scenario)
    if building is None or site is None:
        raise ValueError(f"scenario {scenario.name!r} has no floor plan to play the day on")
    plan, records = one_day(scenario, replication=replication)
    played = playback_data(scenario, plan, records, site, building, tr=tr)
    return playback_html(played, tr=tr, title=title)


def playback_html(played: Playback, *, tr: Translator, title: str) -> str:
    """The page of a prepared :class:`Playback`."""
    options = "".join(
        f'<option value="{s}"{" selected" if s == DEFAULT_SPEED else ""}>'
        f"{html.escape(tr('pb_speed_option', speed=s))}</option>"
        for s in SPEEDS
    )
    play = html.escape(tr("pb_play"))
    controls = (
        '<div class="top"><div class="controls">'
        f'<button id="play" type="button" aria-label="{play}">{play}</button>'
        '<span id="clock" class="clock">--:--</span>'
        '<input id="scrub" type="range" min="0" max="1" step="30" value="0" '
        f'aria-label="{html.escape(tr("pb_scrub"))}">'
        f'<label class="speed">{html.escape(tr("pb_speed"))} '
        f'<select id="speed">{options}</select></label></div>'
        '<div id="hud" class="hud"></div></div>'
    )
    keys: list[Key] = [
        ("dot", _ARRIVING_COLOUR, tr("pb_legend_arriving")),
        ("dot", _LEAVING_COLOUR, tr("pb_legend_leaving")),
        ("ring", "#1d2b36", tr("pb_legend_priority")),
        ("badge", "#fdebd0", tr("pb_legend_badge")),
        *plan_keys(tr, drawn_kinds(played.hall)),
    ]
    target = float(played.data["target"])  # type: ignore[arg-type]
    legend = legend_html(tr, scale_title=tr("pb_legend_dots"), target_min=target, keys=keys)
    body = (
        f"{controls}{stage_div(played.hall, played.svg, reserve_px=PLAYBACK_CHROME_PX)}"
        f'{legend}<div id="tip" role="tooltip"></div>'
    )
    script = asset("hover.js") + "\n" + asset("playback.js")
    return page(tr, title=title, body=body, script=script, data=played.data)


def write_playback(scenario: Scenario, path: str | Path, *, lang: str = "id") -> Path:
    """Write the day played on the plan to ``path`` as one HTML file, atomically."""
    tr = Translator(lang)
    title = tr("pb_title", name=scenario.name)
    return atomic_write_bytes(path, playback_page(scenario, tr=tr, title=title).encode("utf-8"))
